package gersgorin

import (
	"cmp"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// kron returns the Kronecker product a (x) b.
func kron(a, b *mat.Dense) *mat.Dense {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	k := mat.NewDense(ar*br, ac*bc, nil)
	for i := range ar {
		for j := range ac {
			for p := range br {
				for q := range bc {
					k.Set(i*br+p, j*bc+q, a.At(i, j)*b.At(p, q))
				}
			}
		}
	}
	return k
}

// The eigenvalues of A (x) B are the products of those of A and of B.
func TestKroneckerEigenvalues(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, size := range []struct{ na, nb int }{{1, 3}, {2, 2}, {3, 4}, {5, 3}, {4, 6}} {
		a := randomMatrix(rng, size.na, 1, true)
		b := randomMatrix(rng, size.nb, 1, true)
		ea, err := SymmetricEigenvalues(a, Corrected)
		if err != nil {
			t.Fatal(err)
		}
		eb, err := SymmetricEigenvalues(b, Corrected)
		if err != nil {
			t.Fatal(err)
		}
		var want []float64
		for _, x := range ea {
			for _, y := range eb {
				want = append(want, x*y)
			}
		}
		sort.Float64s(want)
		k := kron(a, b)

		for _, mode := range []Mode{Reference, Corrected} {
			got, err := SymmetricEigenvalues(k, mode)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if !closeTo(got[i], want[i], 1e-12) {
					t.Errorf("%dx%d (x) %dx%d %s: eig[%d] = %v, want %v", size.na, size.na, size.nb, size.nb, mode, i, got[i], want[i])
				}
			}
		}
		general, err := GeneralEigenvalues(k)
		if err != nil {
			t.Fatal(err)
		}
		for i, z := range general {
			if !closeTo(real(z), want[i], 1e-10) || math.Abs(imag(z)) > 1e-10 {
				t.Errorf("%dx%d (x) %dx%d general: eig[%d] = %v, want %v", size.na, size.na, size.nb, size.nb, i, z, want[i])
			}
		}
	}
}

type goldenCase struct {
	Name      string       `json:"name"`
	N         int          `json:"n"`
	Matrix    []float64    `json:"matrix"`
	Eigvals   [][2]float64 `json:"eigvals"`
	EighLower []float64    `json:"eigh_lower"`
}

// Against numpy.linalg.eigvals and numpy.linalg.eigh (testdata/generate.py).
func TestAgainstNumpy(t *testing.T) {
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct{ Cases []goldenCase }
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	for _, c := range golden.Cases {
		t.Run(c.Name, func(t *testing.T) {
			a := mat.NewDense(c.N, c.N, c.Matrix)
			general, err := GeneralEigenvalues(a)
			if err != nil {
				t.Fatal(err)
			}
			for i, z := range general {
				if !closeTo(real(z), c.Eigvals[i][0], 1e-11) || !closeTo(imag(z), c.Eigvals[i][1], 1e-11) {
					t.Errorf("eigvals[%d] = %v, numpy %v", i, z, c.Eigvals[i])
				}
			}
			lower, err := SymmetricEigenvalues(a, Reference)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range lower {
				if !closeTo(v, c.EighLower[i], 1e-11) {
					t.Errorf("eigh[%d] = %v, numpy %v", i, v, c.EighLower[i])
				}
			}
		})
	}
}

// Reference mode reads only the lower triangle: rewriting the upper one
// changes nothing, bit for bit; Corrected mode sees the change.
func TestReferenceReadsLowerTriangleOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := randomMatrix(rng, 20, 1, false)
	before, err := SymmetricEigenvalues(a, Reference)
	if err != nil {
		t.Fatal(err)
	}
	correctedBefore, _ := SymmetricEigenvalues(a, Corrected)
	b := mat.DenseCopyOf(a)
	for i := range 20 {
		for j := i + 1; j < 20; j++ {
			b.Set(i, j, 100*rng.NormFloat64())
		}
	}
	after, err := SymmetricEigenvalues(b, Reference)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, after) {
		t.Errorf("reference eigenvalues changed with the upper triangle:\n%v\n%v", before, after)
	}
	correctedAfter, _ := SymmetricEigenvalues(b, Corrected)
	if slices.Equal(correctedBefore, correctedAfter) {
		t.Error("corrected eigenvalues should see the upper triangle")
	}
}

func TestSymmetrize(t *testing.T) {
	a := denseOf([][]float64{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}})
	for _, tc := range []struct {
		mode Mode
		want [][]float64
	}{
		{Reference, [][]float64{{1, 4, 7}, {4, 5, 8}, {7, 8, 9}}},
		{Corrected, [][]float64{{1, 3, 5}, {3, 5, 7}, {5, 7, 9}}},
	} {
		s, err := Symmetrize(a, tc.mode)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(s, denseOf(tc.want)) {
			t.Errorf("%s: got %v, want %v", tc.mode, mat.Formatted(s), tc.want)
		}
	}
}

func TestEigenvaluesJSON(t *testing.T) {
	in := Eigenvalues{complex(1.5, -2), 3, complex(-1e-300, 1e300)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "[[1.5,-2],[3,0],[-1e-300,1e+300]]" {
		t.Errorf("JSON = %s", b)
	}
	var out Eigenvalues
	if err := json.Unmarshal(b, &out); err != nil || !slices.Equal(in, out) {
		t.Errorf("round trip = %v, %v", out, err)
	}
	if _, err := json.Marshal(Eigenvalues{complex(math.NaN(), 0)}); err == nil {
		t.Error("NaN eigenvalue should not encode")
	}
	if got := in.Real(); !slices.Equal(got, []float64{1.5, 3, -1e-300}) {
		t.Errorf("Real = %v", got)
	}
}

func TestBadInput(t *testing.T) {
	rect := mat.NewDense(2, 3, nil)
	sq := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	rng := rand.New(rand.NewPCG(1, 1))
	for name, err := range map[string]error{
		"discs non-square":   second(NewDiscs(rect)),
		"general non-square": second(GeneralEigenvalues(rect)),
		"sym non-square":     second(SymmetricEigenvalues(rect, Reference)),
		"nil matrix":         second(Analyze(nil)),
		"empty matrix":       second(Analyze(&mat.Dense{})),
		"bad mode":           second(SymmetricEigenvalues(sq, "both")),
		"perturb bad mode":   second(PerturbationTest(sq, 1, rng, "")),
		"negative sigma":     second(PerturbationTest(sq, -1, rng, Reference)),
		"NaN sigma":          second(PerturbationTest(sq, math.NaN(), rng, Reference)),
		"nil rng":            second(PerturbationTest(sq, 1, nil, Corrected)),
		"parse mode":         second(ParseMode("both")),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if m, err := ParseMode("corrected"); m != Corrected || err != nil {
		t.Errorf("ParseMode(corrected) = %v, %v", m, err)
	}
}

func second[T any](_ T, err error) error { return err }

// An exactly symmetric matrix takes the symmetric solver: its eigenvalues
// are those of the general solver (gonum's dgeev) to rounding, with zero
// imaginary parts; one changed entry sends it to the general solver.
func TestGeneralEigenvaluesSymmetricShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, n := range []int{5, 40, 150} {
		a := randomMatrix(rng, n, 1, true)
		got, err := GeneralEigenvalues(a)
		if err != nil {
			t.Fatal(err)
		}
		var e mat.Eigen
		if !e.Factorize(a, mat.EigenNone) {
			t.Fatal("dgeev failed")
		}
		want := e.Values(nil)
		slices.SortFunc(want, func(x, y complex128) int { return cmp.Compare(real(x), real(y)) })
		for i := range n {
			if imag(got[i]) != 0 || !closeTo(real(got[i]), real(want[i]), 1e-10) || math.Abs(imag(want[i])) > 1e-10 {
				t.Fatalf("n=%d: eig[%d] = %v, dgeev %v", n, i, got[i], want[i])
			}
		}
		a.Set(0, n-1, a.At(0, n-1)+1)
		got, err = GeneralEigenvalues(a)
		if err != nil {
			t.Fatal(err)
		}
		if e.Factorize(a, mat.EigenNone); !slices.EqualFunc(sortedValues(e.Values(nil)), got, func(x, y complex128) bool { return x == y }) {
			t.Errorf("n=%d: a non-symmetric matrix did not take the general solver", n)
		}
	}
}

func sortedValues(v []complex128) []complex128 {
	slices.SortFunc(v, func(x, y complex128) int {
		return cmp.Or(cmp.Compare(real(x), real(y)), cmp.Compare(imag(x), imag(y)))
	})
	return v
}
