package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
)

// orthonormal returns an n x k matrix with orthonormal columns.
func orthonormal(rng *rand.Rand, n, k int) *mat.Dense {
	a := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var q mat.Dense
	qr.QTo(&q)
	return mat.DenseCopyOf(q.Slice(0, n, 0, k))
}

// plainShampoo is one parameter matrix with nothing but the preconditioner:
// lr 1, no momentum, no clipping, no grafting.
func plainShampoo(t *testing.T, p *nn.Param[float64], cfg ShampooConfig) *Shampoo[float64] {
	t.Helper()
	o, err := NewShampooParams([]*nn.Param[float64]{p}, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

var bare = ShampooConfig{LR: 1, Epsilon: 0.1, StatDecay: -1, UpdateInterval: 1, MaxPrecondDim: 1024, Graft: "none"}

// One step on one parameter matrix G = U diag(s) V^T against the closed form
// L^(-1/4) G R^(-1/4) with L = eps I + G G^T, R = eps I + G^T G, which is
// U diag(s / sqrt(s^2 + eps)) V^T.
func TestShampooClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dims := range [][2]int{{5, 3}, {3, 5}, {4, 4}} {
		rows, cols := dims[0], dims[1]
		k := min(rows, cols)
		u, v := orthonormal(rng, rows, k), orthonormal(rng, cols, k)
		s := []float64{2, 0.7, 0.05, 1.3}[:k]
		var us, g mat.Dense
		us.Mul(u, mat.NewDiagDense(k, s))
		g.Mul(&us, v.T())
		p := newParams[float64]([]int{rows, cols})[0]
		before := append([]float64(nil), p.Value.Data...)
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				p.Grad.Data[i*cols+j] = g.At(i, j)
			}
		}
		o := plainShampoo(t, p, bare)
		if err := o.Step(StepInput[float64]{}); err != nil {
			t.Fatal(err)
		}
		f := make([]float64, k)
		for i, x := range s {
			f[i] = x / math.Sqrt(x*x+bare.Epsilon)
		}
		var uf, want mat.Dense
		uf.Mul(u, mat.NewDiagDense(k, f))
		want.Mul(&uf, v.T())
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				got := before[i*cols+j] - p.Value.Data[i*cols+j]
				if d := math.Abs(got - want.At(i, j)); d > 1e-12 {
					t.Fatalf("%dx%d: step[%d,%d] = %.15g, closed form %.15g", rows, cols, i, j, got, want.At(i, j))
				}
			}
		}
	}
}

// inverseFourthRoot by gonum's eigendecomposition, for the tests.
func inverseFourthRoot(s *mat.SymDense) *mat.Dense {
	var es mat.EigenSym
	es.Factorize(s, true)
	var q mat.Dense
	es.VectorsTo(&q)
	w := es.Values(nil)
	for i := range w {
		w[i] = math.Pow(w[i], -0.25)
	}
	var qw, r mat.Dense
	qw.Mul(&q, mat.NewDiagDense(len(w), w))
	r.Mul(&qw, q.T())
	return &r
}

// shampooReference computes the statistics' sums and the preconditioned
// gradient of the last step with dense matrices.
func shampooReference(grads []*mat.Dense, eps float64) *mat.Dense {
	r, c := grads[0].Dims()
	l, rr := mat.NewSymDense(r, nil), mat.NewSymDense(c, nil)
	for i := 0; i < r; i++ {
		l.SetSym(i, i, eps)
	}
	for i := 0; i < c; i++ {
		rr.SetSym(i, i, eps)
	}
	for _, g := range grads {
		l.SymRankK(l, 1, g)
		rr.SymRankK(rr, 1, g.T())
	}
	var lg, out mat.Dense
	lg.Mul(inverseFourthRoot(l), grads[len(grads)-1])
	out.Mul(&lg, inverseFourthRoot(rr))
	return &out
}

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	d := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d.Set(i, j, rng.NormFloat64())
		}
	}
	return d
}

// Statistics accumulate over steps; a dimension above MaxPrecondDim is cut
// into blocks with statistics of their own; vectors take the diagonal.
func TestShampooAccumulationBlocksAndVectors(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const rows, cols = 5, 7
	p := newParams[float64]([]int{rows, cols})[0]
	cfg := bare
	cfg.MaxPrecondDim = 3
	o := plainShampoo(t, p, cfg)
	if len(o.params[0].blocks) != 6 {
		t.Fatalf("%d blocks, want 2 x 3", len(o.params[0].blocks))
	}
	var grads []*mat.Dense
	for step := 0; step < 3; step++ {
		g := randDense(rng, rows, cols)
		grads = append(grads, g)
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				p.Grad.Data[i*cols+j] = g.At(i, j)
			}
		}
		before := append([]float64(nil), p.Value.Data...)
		if err := o.Step(StepInput[float64]{}); err != nil {
			t.Fatal(err)
		}
		for _, r := range [][2]int{{0, 3}, {3, 5}} {
			for _, c := range [][2]int{{0, 3}, {3, 6}, {6, 7}} {
				var blocks []*mat.Dense
				for _, g := range grads {
					blocks = append(blocks, mat.DenseCopyOf(g.Slice(r[0], r[1], c[0], c[1])))
				}
				want := shampooReference(blocks, cfg.Epsilon)
				for i := r[0]; i < r[1]; i++ {
					for j := c[0]; j < c[1]; j++ {
						got := before[i*cols+j] - p.Value.Data[i*cols+j]
						if d := math.Abs(got - want.At(i-r[0], j-c[0])); d > 1e-11 {
							t.Fatalf("step %d: [%d,%d] = %.15g, want %.15g", step, i, j, got, want.At(i-r[0], j-c[0]))
						}
					}
				}
			}
		}
	}
	// A vector: g / sqrt(eps + sum g^2).
	b := one[float64](0, 0, 0)[0]
	ob := plainShampoo(t, b, bare)
	sum := make([]float64, 3)
	for step := 0; step < 2; step++ {
		g := []float64{0.3, -2, 0.01 * float64(step+1)}
		setGrad(b, g...)
		before := append([]float64(nil), b.Value.Data...)
		ob.Step(StepInput[float64]{})
		for i := range g {
			sum[i] += g[i] * g[i]
			want := g[i] / math.Sqrt(bare.Epsilon+sum[i])
			if got := before[i] - b.Value.Data[i]; math.Abs(got-want) > 1e-15 {
				t.Fatalf("vector step %d [%d] = %v, want %v", step, i, got, want)
			}
		}
	}
}

// Grafting sets the norm of each parameter's step to that of SGD's or Adam's;
// clipping bounds the norm of all steps together; momentum and weight decay
// follow.
func TestShampooGraftClipMomentum(t *testing.T) {
	for _, graft := range []string{"sgd", "adam"} {
		ps := newParams[float64]([]int{4, 3}, []int{3})
		setGrads(ps, 1)
		cfg := bare
		cfg.Graft, cfg.Beta2, cfg.Eps = graft, 0.999, 1e-8
		o, err := NewShampooParams(ps, map[string]bool{ps[1].Name: true}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		before := [][]float64{append([]float64(nil), ps[0].Value.Data...), append([]float64(nil), ps[1].Value.Data...)}
		o.Step(StepInput[float64]{})
		for k, p := range ps {
			var step, ref float64
			for i, v := range p.Value.Data {
				d := before[k][i] - v
				step += d * d
				g := p.Grad.Data[i]
				if graft == "adam" {
					// First step: v = (1-b2) g^2, bias-corrected g^2.
					g /= math.Abs(g) + 1e-8
				}
				ref += g * g
				if k == 1 && math.Abs(d-g) > 1e-15 {
					t.Fatalf("%s: the plain parameter steps %v, want the grafted direction %v", graft, d, g)
				}
			}
			if math.Abs(math.Sqrt(step)-math.Sqrt(ref)) > 1e-12 {
				t.Fatalf("%s: parameter %d steps by %v, want %v", graft, k, math.Sqrt(step), math.Sqrt(ref))
			}
		}
	}
	// Clipping to 0.5, then momentum 0.9 and weight decay 0.1 over two steps.
	ps := newParams[float64]([]int{3, 2})
	cfg := bare
	cfg.Graft, cfg.ClipNorm, cfg.Momentum, cfg.WeightDecay, cfg.LR = "sgd", 0.5, 0.9, 0.1, 0.2
	o, _ := NewShampooParams(ps, nil, cfg)
	var buf []float64
	for step := 0; step < 2; step++ {
		setGrads(ps, step)
		var gn float64
		for _, g := range ps[0].Grad.Data {
			gn += g * g
		}
		gn = math.Sqrt(gn)
		if gn <= 0.5 {
			t.Fatal("test needs a gradient norm above the clip")
		}
		before := append([]float64(nil), ps[0].Value.Data...)
		// The expected direction: Shampoo's, rescaled to |g|, clipped to 0.5.
		probe, _ := NewShampooParams(cloneParams(ps), nil, bare)
		probe.LoadState(o.State())
		probe.cfg.LR, probe.lr = 1, 1
		pp := probe.params[0].p
		pb := append([]float64(nil), pp.Value.Data...)
		probe.cfg.Momentum, probe.cfg.WeightDecay = 0, 0
		for i := range probe.bufs[0].Data {
			probe.bufs[0].Data[i] = 0
		}
		probe.Step(StepInput[float64]{})
		var dn float64
		dir := make([]float64, len(pb))
		for i := range pb {
			dir[i] = pb[i] - pp.Value.Data[i]
			dn += dir[i] * dir[i]
		}
		dn = math.Sqrt(dn)
		if buf == nil {
			buf = make([]float64, len(dir))
		}
		if err := o.Step(StepInput[float64]{}); err != nil {
			t.Fatal(err)
		}
		for i := range dir {
			d := dir[i]*gn/dn*0.5/(gn+1e-6) + 0.1*before[i]
			buf[i] = 0.9*buf[i] + d
			want := before[i] - 0.2*buf[i]
			if got := ps[0].Value.Data[i]; math.Abs(got-want) > 1e-14 {
				t.Fatalf("step %d [%d] = %.17g, want %.17g", step, i, got, want)
			}
		}
	}
}

func TestShampooSkipsNormLayers(t *testing.T) {
	m, err := models.Build[float32](models.Config{Arch: "cnn", InputShape: []int{1, 8, 8}, Classes: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewShampoo(m, shampooConfig(defaults["shampoo"]))
	if err != nil {
		t.Fatal(err)
	}
	got := o.Report().Plain
	want := []string{"bn1.weight", "bn1.bias", "bn2.weight", "bn2.bias"}
	if len(got) != len(want) {
		t.Fatalf("plain %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("plain %v, want %v", got, want)
		}
	}
	// conv1.weight is 16 x 9.
	if sp := o.params[0]; sp.rows != 16 || sp.cols != 9 || len(sp.blocks) != 1 {
		t.Fatalf("conv1.weight as %dx%d in %d blocks", sp.rows, sp.cols, len(sp.blocks))
	}
}
