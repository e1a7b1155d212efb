package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// operand is a rows x cols row-major matrix with leading dimension ld whose
// padding holds NaN, so that reading it shows in the result.
func operand[T float](rng *rand.Rand, rows, cols, ld int) []T {
	if rows == 0 {
		return nil
	}
	x := make([]T, (rows-1)*ld+cols)
	for i := range x {
		if i%ld < cols {
			x[i] = T(rng.Float64()*2 - 1)
		} else {
			x[i] = T(math.NaN())
		}
	}
	return x
}

type call[T float] struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    T
	lda, ldb, ldc  int
}

func (c call[T]) String() string {
	return fmt.Sprintf("transA=%v transB=%v m=%d n=%d k=%d alpha=%v beta=%v lda=%d ldb=%d ldc=%d",
		c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.beta, c.lda, c.ldb, c.ldc)
}

// withLD returns c with the smallest leading dimensions plus pad.
func (c call[T]) withLD(pad int) call[T] {
	c.lda, c.ldb, c.ldc = max(1, c.k)+pad, max(1, c.n)+pad, max(1, c.n)+pad
	if c.transA {
		c.lda = max(1, c.m) + pad
	}
	if c.transB {
		c.ldb = max(1, c.k) + pad
	}
	return c
}

// check runs c through gemm with cf against a float64 reference, with C
// filled with NaN when beta is 0, and reports the first wrong element.
func check[T float](t *testing.T, cf *config[T], rng *rand.Rand, c call[T]) bool {
	t.Helper()
	ar, ac := c.m, c.k
	if c.transA {
		ar, ac = ac, ar
	}
	br, bc := c.k, c.n
	if c.transB {
		br, bc = bc, br
	}
	a := operand[T](rng, ar, ac, c.lda)
	b := operand[T](rng, br, bc, c.ldb)
	cc := operand[T](rng, c.m, c.n, c.ldc)
	c0 := append([]T(nil), cc...)
	if c.beta == 0 {
		for i := range cc {
			cc[i] = T(math.NaN())
		}
	}
	gemm(cf, c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, c.lda, b, c.ldb, c.beta, cc, c.ldc)

	var z T
	eps := 1.2e-7
	if _, ok := any(z).(float64); ok {
		eps = 2.3e-16
	}
	tol := max(float64(c.k+4)*eps, 1e-13)
	at := func(i, p int) float64 {
		if c.transA {
			return float64(a[p*c.lda+i])
		}
		return float64(a[i*c.lda+p])
	}
	bt := func(p, j int) float64 {
		if c.transB {
			return float64(b[j*c.ldb+p])
		}
		return float64(b[p*c.ldb+j])
	}
	for i := 0; i < c.m; i++ {
		for j := 0; j < c.ldc && i*c.ldc+j < len(cc); j++ {
			got := float64(cc[i*c.ldc+j])
			if j >= c.n { // padding: untouched
				if math.IsNaN(float64(c0[i*c.ldc+j])) != math.IsNaN(got) {
					t.Errorf("%s (%s): padding C[%d][%d] changed to %v", cf.name, c, i, j, got)
					return false
				}
				continue
			}
			var sum, abs float64
			for p := 0; p < c.k; p++ {
				sum += at(i, p) * bt(p, j)
				abs += math.Abs(at(i, p) * bt(p, j))
			}
			want := float64(c.alpha) * sum
			bound := math.Abs(float64(c.alpha)) * abs
			if c.beta != 0 {
				want += float64(c.beta) * float64(c0[i*c.ldc+j])
				bound += math.Abs(float64(c.beta) * float64(c0[i*c.ldc+j]))
			}
			if !(math.Abs(got-want) <= tol*bound+1e-300) {
				t.Errorf("%s (%s): C[%d][%d] = %v, want %v (tolerance %.3g)", cf.name, c, i, j, got, want, tol*bound)
				return false
			}
		}
	}
	return true
}

// small returns cf with tiny cache blocks, so that small problems cross
// every block boundary.
func small[T float](cf *config[T]) *config[T] {
	s := *cf
	s.name += "-small"
	s.kc, s.mc, s.nc = 5, 2*cf.mr, 2*cf.nr
	return &s
}

var sizes = []int{1, 2, 3, 4, 5, 7, 8, 13, 14, 15, 16, 17, 29, 31, 32, 33, 47, 61, 70}

var alphas, betas = []float64{1, -0.5, 0}, []float64{0, 1, 0.3}

// testShapes runs all sizes in each dimension, cycling through the
// transposes, alphas, betas and leading-dimension paddings, and all of those
// combinations on a few shapes.
func testShapes[T float](t *testing.T, cfs []*config[T]) {
	defer func(d, t int) { directN, transposeMax = d, t }(directN, transposeMax)
	for _, cf := range cfs {
		for i, cf := range []*config[T]{cf, cf, small(cf), small(cf)} {
			directN = []int{0, 1000}[i%2]                   // A packed, A read in place
			transposeMax = []int{1 << 20, 0, 0, 1 << 20}[i] // C^T when it tiles better, never
			rng := rand.New(rand.NewPCG(1, 2))
			idx := 0
			for _, m := range sizes {
				for _, n := range sizes {
					for _, k := range sizes {
						c := call[T]{transA: idx&1 != 0, transB: idx&2 != 0, m: m, n: n, k: k,
							alpha: T(alphas[idx/4%3]), beta: T(betas[idx/12%3])}
						if c.alpha == 0 {
							c.alpha = 1.5
						}
						if !check(t, cf, rng, c.withLD(idx%3)) {
							return
						}
						idx++
					}
				}
			}
			for _, s := range [][3]int{{1, 1, 1}, {14, 32, 9}, {29, 33, 70}, {70, 17, 5}, {3, 70, 61}, {0, 5, 5}, {5, 0, 5}, {5, 5, 0}, {0, 0, 0}} {
				for tr := 0; tr < 4; tr++ {
					for _, al := range alphas {
						for _, be := range betas {
							for _, pad := range []int{0, 3} {
								c := call[T]{transA: tr&1 != 0, transB: tr&2 != 0, m: s[0], n: s[1], k: s[2], alpha: T(al), beta: T(be)}
								if !check(t, cf, rng, c.withLD(pad)) {
									return
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestShapes32(t *testing.T) { testShapes(t, all32) }
func TestShapes64(t *testing.T) { testShapes(t, all64) }

// testLarge runs shapes past the real block sizes, single-threaded and
// split every way.
func testLarge[T float](t *testing.T, cfs []*config[T]) {
	shapes := [][3]int{{530, 300, 600}, {29, 4200, 40}, {9, 16, 5000}, {32, 144, 3000}, {3000, 32, 144}}
	if testing.Short() {
		shapes = shapes[:1]
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	defer func(d int) { directN = d }(directN)
	for _, cf := range cfs {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, procs := range []int{1, 2, 3} {
			runtime.GOMAXPROCS(procs)
			directN = []int{0, 4, 1000}[procs-1]
			for i, s := range shapes {
				c := call[T]{transA: i&1 != 0, transB: (i+procs)&2 != 0, m: s[0], n: s[1], k: s[2], alpha: -0.5, beta: T(betas[(i+procs)%3])}
				if !check(t, cf, rng, c.withLD(i%2)) {
					return
				}
			}
		}
	}
}

func TestLarge32(t *testing.T) { testLarge(t, all32) }
func TestLarge64(t *testing.T) { testLarge(t, all64) }

// TestRandom runs random shapes, transposes, paddings, alphas and betas with
// a fixed seed, on all kernels and with the parallel threshold lowered so
// that the splits run on small problems too.
func TestRandom(t *testing.T) {
	defer func(p, d, t int) { parallelMin, directN, transposeMax = p, d, t }(parallelMin, directN, transposeMax)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	parallelMin = 1
	rng := rand.New(rand.NewPCG(5, 6))
	n := 300
	if testing.Short() {
		n = 60
	}
	for i := 0; i < n; i++ {
		runtime.GOMAXPROCS(1 + rng.IntN(4))
		directN = rng.IntN(6)
		transposeMax = rng.IntN(2) << 20
		dim := func() int {
			if rng.IntN(4) == 0 {
				return 1 + rng.IntN(400)
			}
			return 1 + rng.IntN(40)
		}
		c32 := call[float32]{transA: rng.IntN(2) == 0, transB: rng.IntN(2) == 0, m: dim(), n: dim(), k: dim(),
			alpha: float32(rng.NormFloat64()), beta: float32(betas[rng.IntN(3)])}
		c32 = c32.withLD(rng.IntN(3))
		c64 := call[float64]{c32.transA, c32.transB, c32.m, c32.n, c32.k, float64(c32.alpha), float64(c32.beta), c32.lda, c32.ldb, c32.ldc}
		for _, cf := range all32 {
			if !check(t, cf, rng, c32) {
				return
			}
		}
		for _, cf := range all64 {
			if !check(t, cf, rng, c64) {
				return
			}
		}
	}
}

// TestPublic checks Sgemm and Dgemm, and that a zero k or alpha scales C,
// writing zeros over NaN when beta is 0.
func TestPublic(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}                     // 2x3
	b := []float32{1, 0, 0, 1, 1, 1}                     // 3x2
	c := []float32{9, 9, 9, 9}                           // 2x2
	Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2) // [4 5; 10 11]
	if want := []float32{4, 5, 10, 11}; fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("Sgemm = %v, want %v", c, want)
	}
	d := []float64{1, 2, 3, 4} // 2x2
	e := []float64{1, 1, 1, 1}
	Dgemm(true, true, 2, 2, 2, 2, d, 2, d, 2, 1, e, 2) // 2*(d^T)^2 + 1 = [15 31; 21 45]
	if want := []float64{15, 31, 21, 45}; fmt.Sprint(e) != fmt.Sprint(want) {
		t.Errorf("Dgemm = %v, want %v", e, want)
	}
	nan := float32(math.NaN())
	for _, alpha := range []float32{0, 1} {
		c := []float32{nan, nan, 7, 2, 4, 7}
		k := 0
		if alpha == 0 {
			k = 3
		}
		Sgemm(false, false, 2, 2, k, alpha, a, 3, b, 2, 0, c, 4)
		if fmt.Sprint(c) != fmt.Sprint([]float32{0, 0, 7, 2, 0, 0}) {
			t.Errorf("alpha %v, k %d, beta 0: C = %v", alpha, k, c)
		}
		c = []float32{1, 2, 7, 2, 4, 6}
		Sgemm(false, false, 2, 2, k, alpha, a, 3, b, 2, 0.5, c, 4)
		if fmt.Sprint(c) != fmt.Sprint([]float32{0.5, 1, 7, 2, 2, 3}) {
			t.Errorf("alpha %v, k %d, beta 0.5: C = %v", alpha, k, c)
		}
	}
	Sgemm(false, false, 0, 2, 3, 1, nil, 3, b, 2, 0, nil, 2)
	Sgemm(false, false, 2, 0, 3, 1, a, 3, nil, 1, 0, c, 1)
}

func TestPanics(t *testing.T) {
	a := make([]float64, 6)
	for name, f := range map[string]func(){
		"negative": func() { Dgemm(false, false, -1, 2, 3, 1, a, 3, a, 2, 0, a, 2) },
		"lda":      func() { Dgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) },
		"len b":    func() { Dgemm(false, false, 2, 2, 3, 1, a, 3, a[:5], 2, 0, a, 2) },
		"ldc":      func() { Dgemm(false, false, 2, 2, 3, 1, a, 3, a, 2, 0, a, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestConcurrent runs callers side by side, large and small, while one of
// them holds the workers (run with -race).
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for i := 0; i < 6; i++ {
				s := 20 + rng.IntN(200)
				c := call[float32]{transB: g%2 == 0, m: s, n: s, k: s, alpha: 1, beta: 0.3}
				if !check(t, cfg32, rng, c.withLD(1)) {
					return
				}
				d := call[float64]{transA: true, m: 9, n: 16, k: 30000, alpha: 1}
				if !check(t, cfg64, rng, d.withLD(0)) {
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestAllocs checks that warm calls allocate nothing, serial or parallel.
func TestAllocs(t *testing.T) {
	for _, s := range workloadShapes {
		a := make([]float32, s.m*s.k)
		b := make([]float32, s.k*s.n)
		c := make([]float32, s.m*s.n)
		lda, ldb := s.k, s.n
		if s.ta {
			lda = s.m
		}
		if s.tb {
			ldb = s.k
		}
		f := func() { Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, b, ldb, s.beta, c, s.n) }
		f()
		if n := testing.AllocsPerRun(5, f); n != 0 {
			t.Errorf("%s: %v allocations per call", s.name, n)
		}
	}
}

// TestPack checks each configuration's packing routines against the
// portable ones, for every shape up to their widest block, with sentinels
// around the written area.
func TestPack(t *testing.T) {
	for _, cf := range all32 {
		testPack(t, cf)
	}
	for _, cf := range all64 {
		testPack(t, cf)
	}
}

func testPack[T float](t *testing.T, cf *config[T]) {
	rng := rand.New(rand.NewPCG(8, 9))
	src := operand[T](rng, 40, 40, 40)
	for _, tpose := range []bool{false, true} {
		f, ref, maxW := cf.copy, copyGo[T], cf.nr
		if tpose {
			f, ref, maxW = cf.tpose, tposeGo[T], min(cf.tposeW, cf.nr)
		}
		for width := 1; width <= maxW; width++ {
			// copy: rows of up to width values; tpose: up to width rows.
			for short := 0; short <= width; short++ {
				for long := 1; long <= 37; long++ {
					rows, cols := long, short
					if tpose {
						rows, cols = short, long
					}
					ldd := width + 2
					got, want := make([]T, (long+1)*ldd), make([]T, (long+1)*ldd)
					for i := range got {
						got[i], want[i] = -7, -7
					}
					f(&got[0], ldd, &src[1], 40, rows, cols, width)
					ref(&want[0], ldd, &src[1], 40, rows, cols, width)
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("%s tpose=%v width %d rows %d cols %d: dst[%d] = %v, want %v", cf.name, tpose, width, rows, cols, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestPool hands the workers many small calls with changing thread counts.
func TestPool(t *testing.T) {
	defer func(p int) { parallelMin = p }(parallelMin)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	parallelMin = 1
	a := make([]float32, 64*64)
	c := make([]float32, 64*64)
	for i := range a {
		a[i] = 1
	}
	for i := 0; i < 5000; i++ {
		runtime.GOMAXPROCS(1 + i%4)
		m := 20 + i%40
		Sgemm(false, false, m, 64, 64, 1, a, 64, a, 64, 0, c, 64)
		if c[(m-1)*64+63] != 64 {
			t.Fatalf("call %d: C = %v, want 64", i, c[(m-1)*64+63])
		}
	}
}
