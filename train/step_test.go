package train

import (
	"math"
	"testing"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// probe is an optimizer in one file: it asks for curvature on even steps and
// for a Hessian-vector product on steps divisible by 3, records what it got,
// and takes a plain gradient step.
type probe struct {
	params []*nn.Param[float64]
	steps  int
	got    []optim.StepInput[float64]
	hv     [][]float64 // H v with v the gradient, on the HVP steps
}

func (p *probe) Name() string { return "probe" }
func (p *probe) Needs() optim.Needs {
	return optim.Needs{Curvature: p.steps%2 == 0, HVP: p.steps%3 == 0}
}
func (p *probe) Step(in optim.StepInput[float64]) error {
	p.got = append(p.got, in)
	if in.HVP != nil {
		v, out := make([]*nn.Tensor[float64], len(p.params)), make([]*nn.Tensor[float64], len(p.params))
		for i, q := range p.params {
			v[i], out[i] = q.Grad.Clone(), nn.NewTensor[float64](q.Value.Shape...)
		}
		if err := in.HVP(v, out); err != nil {
			return err
		}
		var flat []float64
		for _, t := range out {
			flat = append(flat, t.Data...)
		}
		p.hv = append(p.hv, flat)
	}
	for _, q := range p.params {
		for i, g := range q.Grad.Data {
			q.Value.Data[i] -= 0.1 * g
		}
	}
	p.steps++
	return nil
}
func (p *probe) LR() float64                          { return 0.1 }
func (p *probe) SetLR(float64)                        {}
func (p *probe) State() optim.State[float64]          { return optim.State[float64]{} }
func (p *probe) LoadState(optim.State[float64]) error { return nil }
func (p *probe) Report() optim.Report[float64]        { return optim.Report[float64]{} }

// The Stepper hands an optimizer exactly what its Needs ask for, and the
// Hessian-vector product is nn.HVP's on the step's batch, computed before
// the update and leaving the gradients as they were.
func TestStepperProvidesNeeds(t *testing.T) {
	build := func() *nn.Model[float64] {
		m := nn.NewModel[float64]("t", []int{3}, 2, nn.NewLinear[float64]("fc1", 3, 4, true), nn.NewActivation[float64]("tanh"),
			nn.NewLinear[float64]("fc2", 4, 2, true))
		m.Reset(3)
		return m
	}
	m := build()
	p := &probe{params: m.Params()}
	s := NewStepper[float64](m, p)
	in := nn.NewTensor[float64](4, 3)
	for i := range in.Data {
		in.Data[i] = math.Cos(float64(i))
	}
	labels := []int{0, 1, 1, 0}
	// The reference: the same steps by hand on a twin model.
	twin := build()
	hvp := nn.NewHVP(twin)
	var dl nn.Tensor[float64]
	for step := 0; step < 6; step++ {
		r, err := s.Step(in, labels, step == 1)
		if err != nil {
			t.Fatal(err)
		}
		got := p.got[step]
		if (got.Captures != nil) != (step%2 == 0) || (got.HVP != nil) != (step%3 == 0) || got.Input != in || len(got.Labels) != 4 {
			t.Errorf("step %d: captures %v, HVP %v", step, got.Captures != nil, got.HVP != nil)
		}
		if (r.Captures != nil) != (step%2 == 0 || step == 1) {
			t.Errorf("step %d: the result's captures %v (capture forced on step 1)", step, r.Captures != nil)
		}
		twin.ZeroGrad()
		out, _ := twin.Forward(in, nn.Mode{Train: true})
		loss, _ := nn.CrossEntropy(out, labels, &dl)
		twin.Backward(&dl)
		if loss != r.Loss {
			t.Fatalf("step %d: loss %v, by hand %v", step, r.Loss, loss)
		}
		if step%3 == 0 {
			v, hv := []*nn.Tensor[float64]{}, []*nn.Tensor[float64]{}
			for _, q := range twin.Params() {
				v, hv = append(v, q.Grad.Clone()), append(hv, nn.NewTensor[float64](q.Value.Shape...))
			}
			if _, err := hvp.Hessian(in, labels, nn.Mode{Train: true}, v, hv); err != nil {
				t.Fatal(err)
			}
			var want []float64
			for _, h := range hv {
				want = append(want, h.Data...)
			}
			gotHV := p.hv[len(p.hv)-1]
			for i := range want {
				if gotHV[i] != want[i] {
					t.Fatalf("step %d: (Hv)[%d] = %v, by hand %v", step, i, gotHV[i], want[i])
				}
			}
		}
		for i, q := range twin.Params() {
			for j, g := range q.Grad.Data {
				q.Value.Data[j] -= 0.1 * g
				if q.Value.Data[j] != m.Params()[i].Value.Data[j] {
					t.Fatalf("step %d: %s[%d] = %v, by hand %v", step, q.Name, j, m.Params()[i].Value.Data[j], q.Value.Data[j])
				}
			}
		}
	}
}
