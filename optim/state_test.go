package optim

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

// configs are the optimizers the state and allocation tests run.
var configs = []struct {
	name, method string
	h            Hyper
}{
	{"sgd", "sgd", Hyper{LR: 0.1}},
	{"sgd_momentum", "sgd", Hyper{LR: 0.1, Momentum: 0.9, Dampening: 0.1, WeightDecay: 1e-3}},
	{"sgd_nesterov", "sgd", Hyper{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-2}},
	{"adam", "adam", Hyper{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
	{"adam_wd", "adam", Hyper{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2}},
	{"adamw", "adamw", Hyper{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2}},
}

var shapes = [][]int{{4, 5}, {5}, {3, 2, 2}}

func TestResumeContinuesExactly(t *testing.T) {
	for _, c := range configs {
		t.Run(c.name+"/float64", func(t *testing.T) { testResume[float64](t, c.method, c.h) })
		t.Run(c.name+"/float32", func(t *testing.T) { testResume[float32](t, c.method, c.h) })
	}
}

// testResume runs 9 steps straight, and 4 steps, a checkpoint (with the
// scalars through JSON, as train/ stores them), a fresh optimizer and 5 more
// steps; the parameters must agree bit for bit. The learning rate changes
// every step, as a schedule changes it.
func testResume[T nn.Float](t *testing.T, method string, h Hyper) {
	const total, cut = 9, 4
	lr := func(k int) float64 { return h.LR / float64(1+k) }
	a := newParams[T](shapes...)
	b := cloneParams(a)
	oa, err := build(method, a, h)
	if err != nil {
		t.Fatal(err)
	}
	for k := range total {
		oa.SetLR(lr(k))
		setGrads(a, k)
		if err := oa.Step(StepInput[T]{}); err != nil {
			t.Fatal(err)
		}
	}
	ob, _ := build(method, b, h)
	for k := range cut {
		ob.SetLR(lr(k))
		setGrads(b, k)
		ob.Step(StepInput[T]{})
	}
	c := cloneParams(b) // the model's checkpoint
	st := ob.State()
	js, err := json.Marshal(st.Scalars)
	if err != nil {
		t.Fatal(err)
	}
	st.Scalars = nil
	if err := json.Unmarshal(js, &st.Scalars); err != nil {
		t.Fatal(err)
	}
	// The state is a copy: the optimizer stepping on does not change it.
	saved := map[string]*nn.Tensor[T]{}
	for k, v := range st.Tensors {
		saved[k] = v.Clone()
	}
	setGrads(b, 99)
	ob.Step(StepInput[T]{})
	for k, v := range st.Tensors {
		if !sameBits(v.Data, saved[k].Data) {
			t.Fatalf("State tensor %q changed when the optimizer stepped", k)
		}
	}

	h2 := h
	h2.LR = 12345 // LoadState restores the learning rate
	oc, err := build(method, c, h2)
	if err != nil {
		t.Fatal(err)
	}
	if err := oc.LoadState(st); err != nil {
		t.Fatal(err)
	}
	if oc.LR() != lr(cut-1) {
		t.Errorf("LR after LoadState = %v, want %v", oc.LR(), lr(cut-1))
	}
	for k := cut; k < total; k++ {
		oc.SetLR(lr(k))
		setGrads(c, k)
		if err := oc.Step(StepInput[T]{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range a {
		if !sameBits(a[i].Value.Data, c[i].Value.Data) {
			t.Errorf("%s: resumed run differs from the uninterrupted one", a[i].Name)
		}
	}
	sa, sc := oa.State(), oc.State()
	for k, v := range sa.Tensors {
		if !sameBits(v.Data, sc.Tensors[k].Data) {
			t.Errorf("state %q differs after resuming", k)
		}
	}
	for k, v := range sa.Scalars {
		if sc.Scalars[k] != v {
			t.Errorf("state scalar %q = %v after resuming, want %v", k, sc.Scalars[k], v)
		}
	}
}

func TestLoadStateErrors(t *testing.T) {
	t.Run("float32", testLoadStateErrors[float32])
	t.Run("float64", testLoadStateErrors[float64])
}

func testLoadStateErrors[T nn.Float](t *testing.T) {
	for _, c := range configs {
		ps := newParams[T](shapes...)
		o, _ := build(c.method, ps, c.h)
		setGrads(ps, 0)
		o.Step(StepInput[T]{})
		good := o.State()
		copyState := func() State[T] {
			s := State[T]{Tensors: map[string]*nn.Tensor[T]{}, Scalars: map[string]float64{}}
			for k, v := range good.Tensors {
				s.Tensors[k] = v.Clone()
			}
			for k, v := range good.Scalars {
				s.Scalars[k] = v
			}
			return s
		}
		type edit struct {
			what string
			do   func(*State[T])
			want string
		}
		var edits []edit
		for k := range good.Tensors {
			edits = append(edits,
				edit{"missing " + k, func(s *State[T]) { delete(s.Tensors, k) }, k},
				edit{"nil " + k, func(s *State[T]) { s.Tensors[k] = nil }, k},
				edit{"reshaped " + k, func(s *State[T]) { s.Tensors[k] = nn.NewTensor[T](7) }, k},
				edit{"transposed " + k, func(s *State[T]) {
					sh := s.Tensors[k].Shape
					if len(sh) == 2 {
						s.Tensors[k].Shape = []int{sh[1], sh[0]}
					} else {
						s.Tensors[k].Shape = append(sh, 1)
					}
				}, k})
		}
		for k := range good.Scalars {
			if k == "lr" {
				continue
			}
			edits = append(edits,
				edit{"missing " + k, func(s *State[T]) { delete(s.Scalars, k) }, k},
				edit{"fractional " + k, func(s *State[T]) { s.Scalars[k] = 1.5 }, k},
				edit{"negative " + k, func(s *State[T]) { s.Scalars[k] = -1 }, k})
		}
		edits = append(edits,
			edit{"unexpected tensor", func(s *State[T]) { s.Tensors["l9.weight.exp_avg"] = nn.NewTensor[T](1) }, "l9.weight.exp_avg"},
			edit{"unexpected scalar", func(s *State[T]) { s.Scalars["l0.weight.foo"] = 1 }, "l0.weight.foo"},
			edit{"nil maps", func(s *State[T]) { s.Tensors, s.Scalars = nil, nil }, ""},
		)
		for _, e := range edits {
			s := copyState()
			e.do(&s)
			if err := o.LoadState(s); err == nil || !strings.Contains(err.Error(), e.want) {
				t.Errorf("%s: LoadState with %s: %v, want an error naming %q", c.name, e.what, err, e.want)
			}
		}
		// A failed LoadState changed nothing: the optimizer still holds the
		// state it had.
		after := o.State()
		for k, v := range good.Tensors {
			if !sameBits(v.Data, after.Tensors[k].Data) {
				t.Errorf("%s: failed LoadState changed %q", c.name, k)
			}
		}
		for k, v := range good.Scalars {
			if after.Scalars[k] != v {
				t.Errorf("%s: failed LoadState changed scalar %q", c.name, k)
			}
		}
		// Without "lr" LoadState keeps the current learning rate.
		s := copyState()
		delete(s.Scalars, "lr")
		o.SetLR(0.125)
		if err := o.LoadState(s); err != nil || o.LR() != 0.125 {
			t.Errorf("%s: LoadState without lr: %v, LR %v", c.name, err, o.LR())
		}
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	t.Run("float32", testAllocs[float32])
	t.Run("float64", testAllocs[float64])
}

func testAllocs[T nn.Float](t *testing.T) {
	for _, c := range configs {
		ps := newParams[T](shapes...)
		o, _ := build(c.method, ps, c.h)
		setGrads(ps, 0)
		if n := testing.AllocsPerRun(50, func() { o.Step(StepInput[T]{}) }); n != 0 {
			t.Errorf("%s: %v allocations per Step", c.name, n)
		}
		o.SetLR(o.LR() / 2)
		if n := testing.AllocsPerRun(50, func() { o.Step(StepInput[T]{}) }); n != 0 {
			t.Errorf("%s: %v allocations per Step after SetLR", c.name, n)
		}
	}
}
