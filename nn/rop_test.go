package nn

import (
	"fmt"
	"math"
	"testing"
)

// Hessian-vector and Gauss-Newton-vector products against matrices built
// independently, column by column: the Hessian by finite differences of the
// analytic gradient (a fourth-order stencil, checked at two steps so that a
// kink of ReLU or MaxPool2d inside the stencil cannot pass unnoticed), the
// Gauss-Newton matrix as J^T H_L J from the Jacobian that the backward pass
// gives row by row.

type hvpCase struct {
	name  string
	model func() *Model[float64]
	batch int
	train bool
}

// tinyCNN has every layer kind of the zoo: Conv2d, BatchNorm2d, an
// activation, MaxPool2d, a second Conv2d with stride and no padding,
// Flatten and Linear.
func tinyCNN(act string, wrap func(Layer[float64]) Layer[float64]) *Model[float64] {
	if wrap == nil {
		wrap = func(l Layer[float64]) Layer[float64] { return l }
	}
	m := NewModel[float64]("tiny-cnn", []int{2, 4, 4}, 3,
		wrap(NewConv2d[float64]("c1", 2, 3, 3, 1, 1, true)),
		wrap(NewBatchNorm2d[float64]("bn", 3)),
		NewActivation[float64](act),
		NewMaxPool2d[float64](2, 2),
		NewConv2d[float64]("c2", 3, 2, 2, 1, 0, false),
		&Flatten[float64]{},
		wrap(NewLinear[float64]("fc", 2, 3, true)),
	)
	m.Reset(7)
	for _, l := range m.ParamLayers() {
		if bn, ok := l.(interface{ Buffers() []*Buffer[float64] }); ok && l.Kind() == KindBatchNorm2d {
			rng := newRNG(8)
			w, b := l.Params()[0].Value.Data, l.Params()[1].Value.Data
			bufs := bn.Buffers()
			for c := range w {
				w[c] = 0.5 + rng.Float64()
				b[c] = 0.3 * rng.NormFloat64()
				bufs[0].Value.Data[c] = 0.3 * rng.NormFloat64()
				bufs[1].Value.Data[c] = 0.5 + rng.Float64()
			}
		}
	}
	return m
}

func testModel(cfg netConfig) func() *Model[float64] {
	return func() *Model[float64] {
		m, err := buildNet[float64](cfg)
		if err != nil {
			panic(err)
		}
		return m
	}
}

var hvpCases = []hvpCase{
	{"mlp/tanh", testModel(netConfig{Arch: "mlp", InputShape: []int{3}, Classes: 3, Hidden: []int{4}, Activation: "tanh", Seed: 1}), 5, true},
	{"mlp/gelu/2", testModel(netConfig{Arch: "mlp", InputShape: []int{3}, Classes: 3, Hidden: []int{4, 3}, Activation: "gelu", Seed: 2}), 4, true},
	{"mlp/sigmoid/image", testModel(netConfig{Arch: "mlp", InputShape: []int{1, 2, 2}, Classes: 2, Hidden: []int{3}, Activation: "sigmoid", Seed: 3}), 3, true},
	{"mlp/relu", testModel(netConfig{Arch: "mlp", InputShape: []int{3}, Classes: 3, Hidden: []int{5}, Activation: "relu", Seed: 4}), 6, true},
	{"mlp/linear", testModel(netConfig{Arch: "mlp", InputShape: []int{3}, Classes: 4, Seed: 5}), 5, true},
	{"iris-toy", func() *Model[float64] {
		m := testModel(netConfig{Arch: "iris-toy", InputShape: []int{3}, Classes: 3, Seed: 6})()
		for j, v := range m.Param("fc1.weight").Value.Data {
			m.Param("fc1.weight").Value.Data[j] = math.Abs(v) + 0.2
		}
		return m
	}, 5, true},
	{"cnn-tiny/tanh/train", func() *Model[float64] { return tinyCNN("tanh", nil) }, 3, true},
	{"cnn-tiny/gelu/eval", func() *Model[float64] { return tinyCNN("gelu", nil) }, 2, false},
	{"cnn-tiny/relu/train", func() *Model[float64] { return tinyCNN("relu", nil) }, 3, true},
}

func batchFor(m *Model[float64], n int, seed uint64) (*Tensor[float64], []int) {
	rng := newRNG(seed)
	x := randTensor(rng, append([]int{n}, m.InputShape...)...)
	if m.Arch == "iris-toy" {
		for i := range x.Data {
			x.Data[i] = math.Abs(x.Data[i]) + 0.5
		}
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(m.Classes)
	}
	return x, labels
}

func flatParams(m *Model[float64]) []float64 {
	var out []float64
	for _, p := range m.Params() {
		out = append(out, p.Value.Data...)
	}
	return out
}

func setFlatParams(m *Model[float64], v []float64) {
	k := 0
	for _, p := range m.Params() {
		k += copy(p.Value.Data, v[k:])
	}
}

// gradAt returns the analytic gradient of the loss at the given parameters.
func gradAt(t *testing.T, m *Model[float64], theta []float64, x *Tensor[float64], labels []int, mode Mode) []float64 {
	setFlatParams(m, theta)
	m.ZeroGrad()
	y, err := m.Forward(x, mode)
	if err != nil {
		t.Fatal(err)
	}
	var dy Tensor[float64]
	CrossEntropy(y, labels, &dy)
	m.Backward(&dy)
	var g []float64
	for _, p := range m.Params() {
		g = append(g, p.Grad.Data...)
	}
	return g
}

// fdHessianColumns builds the named Hessian columns by the stencil
// (-g(+2h) + 8g(+h) - 8g(-h) + g(-2h)) / 12h of the analytic gradient.
func fdHessianColumns(t *testing.T, m *Model[float64], x *Tensor[float64], labels []int, mode Mode, cols []int, h float64) [][]float64 {
	theta := flatParams(m)
	defer setFlatParams(m, theta)
	out := make([][]float64, len(cols))
	for c, j := range cols {
		at := func(s float64) []float64 {
			th := append([]float64(nil), theta...)
			th[j] += s * h
			return gradAt(t, m, th, x, labels, mode)
		}
		p2, p1, m1, m2 := at(2), at(1), at(-1), at(-2)
		col := make([]float64, len(theta))
		for i := range col {
			col[i] = (-p2[i] + 8*p1[i] - 8*m1[i] + m2[i]) / (12 * h)
		}
		out[c] = col
	}
	return out
}

func unitDirs(m *Model[float64]) (v, out []*Tensor[float64]) {
	for _, p := range m.Params() {
		v = append(v, NewTensor[float64](p.Value.Shape...))
		out = append(out, NewTensor[float64](p.Value.Shape...))
	}
	return v, out
}

func setDir(v []*Tensor[float64], flat []float64) {
	k := 0
	for _, t := range v {
		k += copy(t.Data, flat[k:])
	}
}

func getDir(v []*Tensor[float64]) []float64 {
	var out []float64
	for _, t := range v {
		out = append(out, t.Data...)
	}
	return out
}

// productColumns applies the product to unit vectors.
func productColumns(t *testing.T, prod func(v, out []*Tensor[float64]) error, m *Model[float64], cols []int) [][]float64 {
	n := m.NumParams()
	v, out := unitDirs(m)
	res := make([][]float64, len(cols))
	for c, j := range cols {
		e := make([]float64, n)
		e[j] = 1
		setDir(v, e)
		if err := prod(v, out); err != nil {
			t.Fatal(err)
		}
		res[c] = getDir(out)
	}
	return res
}

func maxAbs(cols [][]float64) float64 {
	var m float64
	for _, c := range cols {
		for _, v := range c {
			m = max(m, math.Abs(v))
		}
	}
	return m
}

// compareColumns fails when two sets of columns differ by more than tol
// relative to the largest entry (at least 1).
func compareColumns(t *testing.T, what string, got, want [][]float64, cols []int, tol float64) {
	t.Helper()
	scale := max(1, maxAbs(want))
	worst, wi, wj := 0.0, 0, 0
	for c := range got {
		for i := range got[c] {
			if d := math.Abs(got[c][i] - want[c][i]); d > worst {
				worst, wi, wj = d, i, cols[c]
			}
		}
	}
	if worst > tol*scale {
		t.Errorf("%s: entry [%d,%d] differs by %.3g (scale %.3g, tolerance %.3g)", what, wi, wj, worst, scale, tol*scale)
	}
}

func allColumns(n int) []int {
	c := make([]int, n)
	for i := range c {
		c[i] = i
	}
	return c
}

// kinkFreeReference returns Hessian columns by finite differences for the
// first batch seed whose stencils at steps h and h/2 agree, that is, whose
// stencil crosses no kink of ReLU or MaxPool2d.
func kinkFreeReference(t *testing.T, m *Model[float64], batch int, seed uint64, mode Mode, cols []int, h float64) (*Tensor[float64], []int, [][]float64) {
	t.Helper()
	for try := uint64(0); try < 20; try++ {
		x, labels := batchFor(m, batch, seed+1000*try)
		want := fdHessianColumns(t, m, x, labels, mode, cols, h)
		half := fdHessianColumns(t, m, x, labels, mode, cols, h/2)
		ok := true
		scale := max(1, maxAbs(want))
		for c := range want {
			for i := range want[c] {
				if math.Abs(want[c][i]-half[c][i]) > 1e-9*scale {
					ok = false
				}
			}
		}
		if ok {
			return x, labels, want
		}
	}
	t.Fatal("every batch puts a kink inside the finite-difference stencil")
	return nil, nil, nil
}

func TestHessianVectorProductExact(t *testing.T) {
	for i, c := range hvpCases {
		t.Run(c.name, func(t *testing.T) {
			m := c.model()
			mode := Mode{Train: c.train}
			e := NewHVP(m)
			if fd := e.FiniteDifferences(); len(fd) != 0 {
				t.Fatalf("layers %v fall back to finite differences", fd)
			}
			cols := allColumns(m.NumParams())
			x, labels, want := kinkFreeReference(t, m, c.batch, uint64(50+i), mode, cols, 1e-3)
			got := productColumns(t, func(v, out []*Tensor[float64]) error {
				_, err := e.Hessian(x, labels, mode, v, out)
				return err
			}, m, cols)
			compareColumns(t, "H v against the finite-difference Hessian", got, want, cols, 1e-8)
			// The Hessian is symmetric.
			worst := 0.0
			for a := range got {
				for b := range got {
					worst = max(worst, math.Abs(got[a][b]-got[b][a]))
				}
			}
			if worst > 1e-12*max(1, maxAbs(got)) {
				t.Errorf("H is not symmetric: %.3g", worst)
			}
			if maxAbs(got) < 1e-3 {
				t.Errorf("the Hessian is almost zero (%.3g): the check proves little", maxAbs(got))
			}
		})
	}
}

// jacobian returns the rows of d(output)/d(params), one per output element,
// each from a backward pass of a unit output gradient.
func jacobian(t *testing.T, m *Model[float64], x *Tensor[float64], mode Mode) (rows [][]float64, out *Tensor[float64]) {
	y, err := m.Forward(x, mode)
	if err != nil {
		t.Fatal(err)
	}
	out = y.Clone()
	for k := range out.Data {
		m.ZeroGrad()
		if _, err := m.Forward(x, mode); err != nil {
			t.Fatal(err)
		}
		dy := NewTensor[float64](out.Shape...)
		dy.Data[k] = 1
		m.Backward(dy)
		var row []float64
		for _, p := range m.Params() {
			row = append(row, p.Grad.Data...)
		}
		rows = append(rows, row)
	}
	return rows, out
}

func TestGaussNewtonVectorProductExact(t *testing.T) {
	for i, c := range hvpCases {
		t.Run(c.name, func(t *testing.T) {
			m := c.model()
			x, labels := batchFor(m, c.batch, uint64(50+i))
			mode := Mode{Train: c.train}
			j, z := jacobian(t, m, x, mode)
			rows, cls := z.Rows()
			n := m.NumParams()
			// H_L: per sample (diag(p) - p p^T) / N.
			hl := make([][]float64, rows*cls)
			for r := 0; r < rows; r++ {
				p := make([]float64, cls)
				softmaxRow(p, z.Data[r*cls:(r+1)*cls])
				for a := 0; a < cls; a++ {
					hl[r*cls+a] = make([]float64, rows*cls)
					for b := 0; b < cls; b++ {
						v := -p[a] * p[b]
						if a == b {
							v += p[a]
						}
						hl[r*cls+a][r*cls+b] = v / float64(rows)
					}
				}
			}
			want := make([][]float64, n) // columns of J^T H_L J
			for q := 0; q < n; q++ {
				hj := make([]float64, rows*cls) // H_L J e_q
				for a := range hj {
					for b := range hj {
						hj[a] += hl[a][b] * j[b][q]
					}
				}
				col := make([]float64, n)
				for p := 0; p < n; p++ {
					for a := range hj {
						col[p] += j[a][p] * hj[a]
					}
				}
				want[q] = col
			}
			e := NewHVP(m)
			cols := allColumns(n)
			got := productColumns(t, func(v, out []*Tensor[float64]) error {
				_, err := e.GaussNewton(x, labels, mode, v, out)
				return err
			}, m, cols)
			compareColumns(t, "G v against J^T H_L J", got, want, cols, 1e-8)
			if m.Arch == "mlp" && len(m.ParamLayers()) == 1 {
				// A model linear in its parameters has H = G.
				h := productColumns(t, func(v, out []*Tensor[float64]) error {
					_, err := e.Hessian(x, labels, mode, v, out)
					return err
				}, m, cols)
				compareColumns(t, "H against G for a linear model", h, got, cols, 1e-12)
			}
		})
	}
}

// The zoo's cnn, too large for a whole matrix in a unit test: a spread of
// columns against finite differences, and u^T H w = w^T H u.
func TestHessianVectorProductZooCNN(t *testing.T) {
	for _, train := range []bool{true, false} {
		t.Run(fmt.Sprint("train=", train), func(t *testing.T) {
			m, err := buildNet[float64](netConfig{Arch: "cnn", InputShape: []int{1, 4, 4}, Classes: 3, Seed: 11})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range m.ParamLayers() {
				if bn, ok := l.(*BatchNorm2d[float64]); ok {
					resetLayer(bn, 12)
				}
			}
			mode := Mode{Train: train}
			e := NewHVP(m)
			n := m.NumParams()
			var cols []int
			for j := 0; j < n; j += n / 37 {
				cols = append(cols, j)
			}
			cols = append(cols, n-1, n-4)
			x, labels, want := kinkFreeReference(t, m, 3, 13, mode, cols, 2e-4)
			got := productColumns(t, func(v, out []*Tensor[float64]) error {
				_, err := e.Hessian(x, labels, mode, v, out)
				return err
			}, m, cols)
			compareColumns(t, "H v against finite differences", got, want, cols, 1e-8)
			rng := newRNG(14)
			u, w := make([]float64, n), make([]float64, n)
			for i := range u {
				u[i], w[i] = rng.NormFloat64(), rng.NormFloat64()
			}
			v, out := unitDirs(m)
			apply := func(d []float64) []float64 {
				setDir(v, d)
				if _, err := e.Hessian(x, labels, mode, v, out); err != nil {
					t.Fatal(err)
				}
				return getDir(out)
			}
			hu, hw := apply(u), apply(w)
			a, b := dot(w, hu), dot(u, hw)
			if math.Abs(a-b) > 1e-12*max(1, math.Abs(a)) {
				t.Errorf("w^T H u = %.17g, u^T H w = %.17g", a, b)
			}
		})
	}
}

// A product leaves the model as it was: gradients, running statistics and
// batch counters; and the same call gives the same result.
func TestHVPLeavesModelAlone(t *testing.T) {
	m := tinyCNN("tanh", nil)
	x, labels := batchFor(m, 3, 20)
	for _, p := range m.Params() {
		for i := range p.Grad.Data {
			p.Grad.Data[i] = float64(i) + 0.5
		}
	}
	before := m.State()
	var saved [][]float64
	var counts []int64
	for _, s := range before {
		if s.Value != nil {
			saved = append(saved, append([]float64(nil), s.Value.Data...))
		} else {
			counts = append(counts, *s.Count)
		}
	}
	e := NewHVP(m)
	v, out := unitDirs(m)
	rng := newRNG(21)
	for _, t := range v {
		for i := range t.Data {
			t.Data[i] = rng.NormFloat64()
		}
	}
	if _, err := e.Hessian(x, labels, Mode{Train: true}, v, out); err != nil {
		t.Fatal(err)
	}
	first := getDir(out)
	if _, err := e.GaussNewton(x, labels, Mode{Train: true}, v, out); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Hessian(x, labels, Mode{Train: true}, v, out); err != nil {
		t.Fatal(err)
	}
	for i, g := range getDir(out) {
		if g != first[i] {
			t.Fatalf("second call differs at %d: %v vs %v", i, g, first[i])
		}
	}
	k, c := 0, 0
	for _, s := range m.State() {
		if s.Value != nil {
			for i, v := range s.Value.Data {
				if v != saved[k][i] {
					t.Fatalf("%s[%d] changed", s.Name, i)
				}
			}
			k++
		} else {
			if *s.Count != counts[c] {
				t.Fatalf("%s changed", s.Name)
			}
			c++
		}
	}
	for _, p := range m.Params() {
		for i, g := range p.Grad.Data {
			if g != float64(i)+0.5 {
				t.Fatalf("%s.grad changed", p.Name)
			}
		}
	}
	// A wrong number of direction tensors is an error, not a panic.
	if _, err := e.Hessian(x, labels, Mode{}, v[1:], out); err == nil {
		t.Fatal("no error for a short direction")
	}
}

// hidden wraps a layer so that HVP does not recognise its type: its
// R-operators come from central differences.
type hiddenParamLayer struct{ ParamLayer[float64] }

type hiddenBN struct{ *BatchNorm2d[float64] }

type hiddenLayer struct{ Layer[float64] }

func TestHVPFiniteDifferenceFallback(t *testing.T) {
	wrap := func(l Layer[float64]) Layer[float64] {
		switch t := l.(type) {
		case *BatchNorm2d[float64]:
			return hiddenBN{t}
		case ParamLayer[float64]:
			return hiddenParamLayer{t}
		}
		return hiddenLayer{l}
	}
	for _, train := range []bool{true, false} {
		exact, approx := tinyCNN("tanh", nil), tinyCNN("tanh", wrap)
		for i, p := range exact.Params() {
			copy(approx.Params()[i].Value.Data, p.Value.Data)
		}
		x, labels := batchFor(exact, 3, 30)
		mode := Mode{Train: train}
		ee, ea := NewHVP(exact), NewHVP(approx)
		if fd := ea.FiniteDifferences(); len(fd) != 3 || fd[0] != "c1" || fd[1] != "bn" || fd[2] != "fc" {
			t.Fatalf("finite-difference layers %v, want [c1 bn fc]", fd)
		}
		cols := allColumns(exact.NumParams())
		for _, gn := range []bool{false, true} {
			prod := func(e *HVP[float64]) func(v, out []*Tensor[float64]) error {
				return func(v, out []*Tensor[float64]) error {
					var err error
					if gn {
						_, err = e.GaussNewton(x, labels, mode, v, out)
					} else {
						_, err = e.Hessian(x, labels, mode, v, out)
					}
					return err
				}
			}
			want := productColumns(t, prod(ee), exact, cols)
			got := productColumns(t, prod(ea), approx, cols)
			compareColumns(t, fmt.Sprintf("finite-difference fallback (train %v, Gauss-Newton %v)", train, gn), got, want, cols, 1e-7)
		}
		// The fallback restores the parameters and the running statistics.
		for i, p := range approx.Params() {
			for j, v := range p.Value.Data {
				if v != exact.Params()[i].Value.Data[j] {
					t.Fatalf("%s changed", p.Name)
				}
			}
		}
	}
}

// float32 products agree with float64 ones to float32 accuracy.
func TestHVPFloat32(t *testing.T) {
	cfg := netConfig{Arch: "cnn", InputShape: []int{1, 6, 6}, Classes: 3, Seed: 40}
	m64, _ := buildNet[float64](cfg)
	m32, _ := buildNet[float32](cfg)
	x64, labels := batchFor(m64, 4, 41)
	x32 := NewTensor[float32](x64.Shape...)
	for i, v := range x64.Data {
		x32.Data[i] = float32(v)
	}
	for i, p := range m64.Params() {
		for j, v := range p.Value.Data {
			m32.Params()[i].Value.Data[j] = float32(v)
		}
	}
	v64, o64 := unitDirs(m64)
	var v32, o32 []*Tensor[float32]
	rng := newRNG(42)
	for i, t := range v64 {
		v32 = append(v32, NewTensor[float32](t.Shape...))
		o32 = append(o32, NewTensor[float32](t.Shape...))
		for j := range t.Data {
			t.Data[j] = float64(float32(rng.NormFloat64()))
			v32[i].Data[j] = float32(t.Data[j])
		}
	}
	if _, err := NewHVP(m64).Hessian(x64, labels, Mode{Train: true}, v64, o64); err != nil {
		t.Fatal(err)
	}
	if _, err := NewHVP(m32).Hessian(x32, labels, Mode{Train: true}, v32, o32); err != nil {
		t.Fatal(err)
	}
	want := getDir(o64)
	var got []float64
	for _, o := range o32 {
		for _, v := range o.Data {
			got = append(got, float64(v))
		}
	}
	compareColumns(t, "float32 H v", [][]float64{got}, [][]float64{want}, []int{0}, 1e-4)
}

func BenchmarkHVPCNN28(b *testing.B) {
	m, _ := buildNet[float32](netConfig{Arch: "cnn", InputShape: []int{1, 28, 28}, Classes: 10, Seed: 1})
	x := NewTensor[float32](32, 1, 28, 28)
	rng := newRNG(1)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	labels := make([]int, 32)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	var v, out []*Tensor[float32]
	for _, p := range m.Params() {
		t := NewTensor[float32](p.Value.Shape...)
		for i := range t.Data {
			t.Data[i] = float32(rng.NormFloat64())
		}
		v = append(v, t)
		out = append(out, NewTensor[float32](p.Value.Shape...))
	}
	e := NewHVP(m)
	for b.Loop() {
		if _, err := e.Hessian(x, labels, Mode{Train: true}, v, out); err != nil {
			b.Fatal(err)
		}
	}
}
