package trajectory

import (
	"math"
	"math/rand/v2"
	"testing"
)

func testWeights() []Tensor {
	r := rand.New(rand.NewPCG(11, 0))
	mk := func(name string, shape ...int) Tensor {
		n := 1
		for _, d := range shape {
			n *= d
		}
		t := Tensor{Name: name, Shape: shape, Data: make([]float64, n)}
		for i := range t.Data {
			t.Data[i] = r.NormFloat64() * 0.3
		}
		return t
	}
	ws := []Tensor{
		mk("conv1.weight", 4, 3, 3, 3),
		mk("conv1.bias", 4),
		mk("bn1.weight", 4),
		mk("bn1.bias", 4),
		mk("fc.weight", 10, 16),
		mk("fc.bias", 10),
	}
	// A dead filter: its direction must stay zero.
	clear(ws[4].Data[3*16 : 4*16])
	return ws
}

func TestFilterNormalizedNorms(t *testing.T) {
	ws := testWeights()
	for _, mode := range []OneDMode{OneDZero, OneDCopy, OneDFilter} {
		dir, err := FilterNormalizedDirection(ws, FilterNormOptions{Seed: 42, OneD: mode})
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range ws {
			d := dir[i]
			if d.Name != w.Name || len(d.Data) != len(w.Data) {
				t.Fatalf("tensor %d: %q %d values", i, d.Name, len(d.Data))
			}
			if len(w.Shape) < 2 {
				switch mode {
				case OneDZero:
					for _, v := range d.Data {
						if v != 0 {
							t.Fatalf("%s: 1-D direction not zeroed", w.Name)
						}
					}
				case OneDCopy:
					for j := range d.Data {
						if d.Data[j] != w.Data[j] {
							t.Fatalf("%s: 1-D direction is not the weights", w.Name)
						}
					}
				case OneDFilter:
					if dn, wn := norm2(d.Data), norm2(w.Data); math.Abs(dn-wn) > 1e-15*wn {
						t.Fatalf("%s: norm %v, weights %v", w.Name, dn, wn)
					}
				}
				continue
			}
			nf, size := w.Filters()
			if nf != w.Shape[0] {
				t.Fatalf("%s: %d filters", w.Name, nf)
			}
			for f := 0; f < nf; f++ {
				dn := norm2(d.Data[f*size : (f+1)*size])
				wn := norm2(w.Data[f*size : (f+1)*size])
				if math.Abs(dn-wn) > 1e-15*wn+1e-300 {
					t.Errorf("%s filter %d: norm %v, weights %v", w.Name, f, dn, wn)
				}
			}
		}
	}
}

func TestFilterNormalizedDeterministic(t *testing.T) {
	ws := testWeights()
	a, _ := FilterNormalizedDirection(ws, FilterNormOptions{Seed: 1})
	b, _ := FilterNormalizedDirection(ws, FilterNormOptions{Seed: 1})
	c, _ := FilterNormalizedDirection(ws, FilterNormOptions{Seed: 2})
	// Dropping a tensor does not change the others' directions.
	d, _ := FilterNormalizedDirection(ws[4:], FilterNormOptions{Seed: 1})
	fa, fb, fc := Flatten(a), Flatten(b), Flatten(c)
	same, diff := true, false
	for i := range fa {
		same = same && fa[i] == fb[i]
		diff = diff || fa[i] != fc[i]
	}
	if !same || !diff {
		t.Errorf("same seed equal: %v; other seed differs: %v", same, diff)
	}
	for j := range d[0].Data {
		if d[0].Data[j] != a[4].Data[j] {
			t.Fatal("a tensor's direction depends on the other tensors")
		}
	}
	// The Gaussian is standard: mean ~0, variance ~1 over many draws.
	x := make([]float64, 200000)
	gaussianFill(x, 9, "w")
	var m, v float64
	for _, s := range x {
		m += s
	}
	m /= float64(len(x))
	for _, s := range x {
		v += (s - m) * (s - m)
	}
	v /= float64(len(x))
	if math.Abs(m) > 0.01 || math.Abs(v-1) > 0.01 {
		t.Errorf("gaussian mean %v variance %v", m, v)
	}
}

func TestFilterNormalizedErrors(t *testing.T) {
	bad := []Tensor{{Name: "w", Shape: []int{2, 3}, Data: make([]float64, 5)}}
	if _, err := FilterNormalizedDirection(bad, FilterNormOptions{}); err == nil {
		t.Error("shape/data mismatch accepted")
	}
	ws := testWeights()
	dir, _ := FilterNormalizedDirection(ws, FilterNormOptions{})
	if err := NormalizeFilters(dir[:2], ws, OneDZero); err == nil {
		t.Error("tensor count mismatch accepted")
	}
	dir[0].Shape = []int{4, 27}
	if err := NormalizeFilters(dir, ws, OneDZero); err == nil {
		t.Error("shape mismatch accepted")
	}
}
