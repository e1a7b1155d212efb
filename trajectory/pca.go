package trajectory

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// PCARoute selects how [FitPCA] computes the principal directions.
type PCARoute int

const (
	// RouteAuto uses the Gram route when there are more parameters than
	// snapshots and the covariance route otherwise.
	RouteAuto PCARoute = iota
	// RouteGram eigendecomposes the N x N Gram matrix X X^T of the N
	// centred snapshots and maps its eigenvectors u to directions
	// X^T u / sqrt(lambda): the cost is O(N^2 P) time and O(N^2) memory.
	RouteGram
	// RouteCovariance eigendecomposes the P x P matrix X^T X directly.
	RouteCovariance
)

// PCAOptions configures [FitPCA].
type PCAOptions struct {
	// K is the number of directions, default 2.
	K int
	// Centre is the point the fitted plane passes through. nil centres on
	// the mean of all snapshots of all runs (classical PCA). A given centre,
	// for example the final weights of one run, makes the directions the
	// top eigenvectors of sum_i (x_i - c)(x_i - c)^T: the K-dimensional
	// affine subspace through c that best fits the snapshots in least
	// squares. (Li et al.'s loss-landscape code instead takes the mean-
	// centred directions and draws the plane through the final weights; for
	// that, fit with Centre nil and call [PCA.ProjectFrom] with the final
	// weights.)
	Centre []float64
	// Route forces the Gram or covariance computation; the results agree
	// to rounding.
	Route PCARoute
}

// PCA is one shared principal-component basis for the snapshots of one or
// several runs.
//
// Sign convention: each direction is oriented so that its component of
// largest magnitude is positive (the first such component on ties), which
// makes the result deterministic.
type PCA struct {
	// Centre is the origin of the plane (length P).
	Centre []float64
	// Directions holds K orthonormal directions of length P, by decreasing
	// eigenvalue.
	Directions [][]float64
	// Eigenvalues are the sums of squared coordinates along each direction
	// over all snapshots (the eigenvalues of X^T X for the centred snapshot
	// matrix X; divide by N-1 for sample variances).
	Eigenvalues []float64
	// Share is each direction's part of the total sum of squares about the
	// centre: the explained-variance ratio when centred on the mean.
	Share []float64
	// Total is the sum of squared distances of all snapshots from the
	// centre.
	Total float64
	// Coords[r][s] are the K coordinates of snapshot s of run r in the
	// basis, relative to Centre.
	Coords [][][]float64
	// Distance[r][s] is the Euclidean distance of snapshot s of run r from
	// the K-dimensional affine subspace (the norm of the residual after
	// projection).
	Distance [][]float64
	// Route is the route used (RouteGram or RouteCovariance).
	Route PCARoute
}

// ErrRank is returned by [FitPCA] when fewer than K directions carry any
// variance about the centre (for example two snapshots and K = 2 with the
// mean as centre).
var ErrRank = errors.New("trajectory: fewer directions with nonzero variance than requested")

// pcaChunk is the number of parameters processed at a time; it bounds the
// scratch memory to N*pcaChunk values per worker.
const pcaChunk = 2048

// maxCovarianceP caps the size of the P x P matrix of the covariance route.
const maxCovarianceP = 8192

// FitPCA computes one principal basis for all snapshots of all runs:
// runs[r][s] is the flattened parameter vector of snapshot s of run r, all
// of the same length P (P may be 10^6; the snapshots are not copied).
func FitPCA(runs [][][]float64, opt PCAOptions) (*PCA, error) {
	var snaps [][]float64
	for _, run := range runs {
		snaps = append(snaps, run...)
	}
	n := len(snaps)
	if n == 0 {
		return nil, errors.New("trajectory: PCA of no snapshots")
	}
	p := len(snaps[0])
	for i, s := range snaps {
		if len(s) != p {
			return nil, fmt.Errorf("trajectory: snapshot %d has %d parameters, snapshot 0 has %d", i, len(s), p)
		}
	}
	k := opt.K
	if k == 0 {
		k = 2
	}
	if k < 0 || k > p {
		return nil, fmt.Errorf("trajectory: %d directions requested for %d parameters", k, p)
	}
	centre := opt.Centre
	if centre == nil {
		centre = meanOf(snaps, p)
	} else {
		if len(centre) != p {
			return nil, fmt.Errorf("trajectory: centre has %d parameters, snapshots %d", len(centre), p)
		}
		centre = slices.Clone(centre)
	}
	route := opt.Route
	if route == RouteAuto {
		route = RouteCovariance
		if p > n {
			route = RouteGram
		}
	}
	if route == RouteCovariance && p > maxCovarianceP {
		return nil, fmt.Errorf("trajectory: covariance route with %d parameters would need a %dx%d matrix; use the Gram route", p, p, p)
	}
	var dirs [][]float64
	var lambda []float64
	var err error
	if route == RouteGram {
		dirs, lambda, err = gramDirections(snaps, centre, k)
	} else {
		dirs, lambda, err = covDirections(snaps, centre, k)
	}
	if err != nil {
		return nil, err
	}
	orthonormalise(dirs)
	for _, d := range dirs {
		orientSign(d)
	}
	res := &PCA{Centre: centre, Directions: dirs, Eigenvalues: lambda, Route: route}
	for _, s := range snaps {
		res.Total += sqDist(s, centre)
	}
	res.Share = make([]float64, k)
	for i := range lambda {
		if res.Total > 0 {
			res.Share[i] = lambda[i] / res.Total
		}
	}
	coords := make([][]float64, n)
	dist := make([]float64, n)
	parallelFor(n, func(i int) {
		coords[i] = make([]float64, k)
		dist[i] = project(snaps[i], centre, dirs, coords[i])
	})
	res.Coords = make([][][]float64, len(runs))
	res.Distance = make([][]float64, len(runs))
	off := 0
	for r, run := range runs {
		res.Coords[r] = coords[off : off+len(run)]
		res.Distance[r] = dist[off : off+len(run)]
		off += len(run)
	}
	return res, nil
}

// Project returns the coordinates of x in the basis relative to Centre and
// its distance from the plane.
func (p *PCA) Project(x []float64) (coords []float64, dist float64) {
	return p.ProjectFrom(p.Centre, x)
}

// ProjectFrom is [PCA.Project] with another origin: the coordinates of
// x - origin in the basis, and the distance of x from the affine subspace
// through origin spanned by the directions.
func (p *PCA) ProjectFrom(origin, x []float64) (coords []float64, dist float64) {
	coords = make([]float64, len(p.Directions))
	dist = project(x, origin, p.Directions, coords)
	return coords, dist
}

// project writes the coordinates of x - c along the orthonormal dirs into
// coords and returns the norm of the residual, computed explicitly (not as
// a difference of squares) so that points on the plane give 0 to rounding.
func project(x, c []float64, dirs [][]float64, coords []float64) float64 {
	for k, d := range dirs {
		var s float64
		for j := range x {
			s += (x[j] - c[j]) * d[j]
		}
		coords[k] = s
	}
	var r2 float64
	for j := range x {
		r := x[j] - c[j]
		for k, d := range dirs {
			r -= coords[k] * d[j]
		}
		r2 += r * r
	}
	return math.Sqrt(r2)
}

func meanOf(snaps [][]float64, p int) []float64 {
	m := make([]float64, p)
	for _, s := range snaps {
		for j, v := range s {
			m[j] += v
		}
	}
	inv := float64(len(snaps))
	for j := range m {
		m[j] /= inv
	}
	return m
}

func sqDist(a, b []float64) float64 {
	var s float64
	for j := range a {
		d := a[j] - b[j]
		s += d * d
	}
	return s
}

// gramDirections accumulates G = X X^T over column blocks of the centred
// snapshots, in a fixed number of parts (so the sums do not depend on the
// number of cores), eigendecomposes it and maps the top eigenvectors to
// directions X^T u / sqrt(lambda).
func gramDirections(snaps [][]float64, c []float64, k int) ([][]float64, []float64, error) {
	n, p := len(snaps), len(c)
	const parts = 8
	partial := make([][]float64, parts)
	parallelFor(parts, func(part int) {
		lo, hi := part*p/parts, (part+1)*p/parts
		g := make([]float64, n*n)
		buf := make([]float64, n*pcaChunk)
		for j0 := lo; j0 < hi; j0 += pcaChunk {
			w := min(pcaChunk, hi-j0)
			for i, s := range snaps {
				row := buf[i*w : (i+1)*w]
				for j := range row {
					row[j] = s[j0+j] - c[j0+j]
				}
			}
			blas64.Implementation().Dsyrk(blas.Upper, blas.NoTrans, n, w, 1, buf[:n*w], w, 1, g, n)
		}
		partial[part] = g
	})
	g := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			var s float64
			for _, pg := range partial {
				s += pg[i*n+j]
			}
			g.SetSym(i, j, s)
		}
	}
	vals, vecs, err := topEigen(g, k)
	if err != nil {
		return nil, nil, err
	}
	dirs := make([][]float64, k)
	for m := range dirs {
		dirs[m] = make([]float64, p)
	}
	parallelFor(parts, func(part int) {
		lo, hi := part*p/parts, (part+1)*p/parts
		for m := 0; m < k; m++ {
			d := dirs[m][lo:hi]
			for i, s := range snaps {
				u := vecs[m][i]
				if u == 0 {
					continue
				}
				for j := range d {
					d[j] += u * (s[lo+j] - c[lo+j])
				}
			}
			inv := 1 / math.Sqrt(vals[m])
			for j := range d {
				d[j] *= inv
			}
		}
	})
	return dirs, vals, nil
}

// covDirections eigendecomposes X^T X (P x P) directly.
func covDirections(snaps [][]float64, c []float64, k int) ([][]float64, []float64, error) {
	p := len(c)
	cov := mat.NewSymDense(p, nil)
	row := make([]float64, p)
	for _, s := range snaps {
		for j := range row {
			row[j] = s[j] - c[j]
		}
		cov.SymRankOne(cov, 1, mat.NewVecDense(p, row))
	}
	vals, vecs, err := topEigen(cov, k)
	if err != nil {
		return nil, nil, err
	}
	return vecs, vals, nil
}

// topEigen returns the k largest eigenvalues of a and their eigenvectors
// (as rows), and ErrRank when one of them is zero to rounding.
func topEigen(a *mat.SymDense, k int) ([]float64, [][]float64, error) {
	var es mat.EigenSym
	if !es.Factorize(a, true) {
		return nil, nil, errors.New("trajectory: eigendecomposition failed")
	}
	vals := es.Values(nil)
	var ev mat.Dense
	es.VectorsTo(&ev)
	n := len(vals)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] > vals[idx[b]] })
	if k > n {
		return nil, nil, fmt.Errorf("%w: %d requested, at most %d", ErrRank, k, n)
	}
	top := vals[idx[0]]
	floor := float64(n) * 0x1p-52 * top
	outVals := make([]float64, k)
	outVecs := make([][]float64, k)
	for m := 0; m < k; m++ {
		lam := vals[idx[m]]
		if !(lam > floor) || !(top > 0) {
			return nil, nil, fmt.Errorf("%w: %d requested, %d nonzero", ErrRank, k, m)
		}
		outVals[m] = lam
		outVecs[m] = mat.Col(nil, idx[m], &ev)
	}
	return outVals, outVecs, nil
}

// orthonormalise applies modified Gram-Schmidt twice, which restores
// orthonormality to rounding even where X^T u / sqrt(lambda) lost some for
// a small eigenvalue.
func orthonormalise(dirs [][]float64) {
	for pass := 0; pass < 2; pass++ {
		for a := range dirs {
			for b := 0; b < a; b++ {
				var dot float64
				for j := range dirs[a] {
					dot += dirs[a][j] * dirs[b][j]
				}
				for j := range dirs[a] {
					dirs[a][j] -= dot * dirs[b][j]
				}
			}
			var nrm float64
			for _, v := range dirs[a] {
				nrm += v * v
			}
			nrm = math.Sqrt(nrm)
			for j := range dirs[a] {
				dirs[a][j] /= nrm
			}
		}
	}
}

// orientSign flips d so that its component of largest magnitude (the first
// one on ties) is positive.
func orientSign(d []float64) {
	best, at := -1.0, 0
	for j, v := range d {
		if a := math.Abs(v); a > best {
			best, at = a, j
		}
	}
	if d[at] < 0 {
		for j := range d {
			d[j] = -d[j]
		}
	}
}

// parallelFor runs f(0..n-1) on up to GOMAXPROCS goroutines. Each index
// writes its own output, so results do not depend on the scheduling.
func parallelFor(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	wg.Wait()
}
