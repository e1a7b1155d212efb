package linalg

import "math"

// chaser reduces a symmetric band matrix to tridiagonal form (stage 2).
//
// The band is stored by rows in a dense layout: entry (r, c), for
// 0 <= r-c <= 2b, is ab[2b*(r+1)+c], so that every block below the diagonal
// within that reach is a row-major matrix with row stride 2b. The chase fills
// in up to 2b below the diagonal; entries above the diagonal are never
// stored (their slots hold other rows' entries).
type chaser struct {
	n, b int
	ab   []float64
	v, w []float64 // the current reflector and a work vector
	v2   []float64 // the next reflector
}

func (c *chaser) off(r, col int) int { return 2*c.b*(r+1) + col }

// load copies the lower band of half-width b of the row-major a (lda) into
// the chase layout.
func (c *chaser) load(n, b int, a []float64, lda int) {
	c.n, c.b = n, b
	c.ab = grow(c.ab, 2*b*(n+1)+n)
	clear(c.ab)
	for r := range n {
		lo := max(0, r-b)
		copy(c.ab[c.off(r, lo):c.off(r, r)+1], a[r*lda+lo:r*lda+r+1])
	}
	c.v = grow(c.v, b)
	c.v2 = grow(c.v2, b)
	c.w = grow(c.w, 2*b)
}

// tridiagonal writes the diagonal d (n) and subdiagonal e (n-1).
func (c *chaser) tridiagonal(d, e []float64) {
	for i := range c.n {
		d[i] = c.ab[c.off(i, i)]
		if i+1 < c.n {
			e[i] = c.ab[c.off(i+1, i)]
		}
	}
}

// reduce runs one sweep per column j: a reflector on rows j+1..j+b zeroes
// column j below its subdiagonal, and each following reflector zeroes the
// first column of the bulge that the previous one created in the block below
// its diagonal block (LAPACK's dsb2st_kernels, types 1 to 3). The fill it
// leaves in the bulge's other columns is the first column of the next
// sweep's bulges.
func (c *chaser) reduce() {
	n, b, s := c.n, c.b, 2*c.b
	ab := c.ab
	for j := 0; j < n-2; j++ {
		st := j + 1
		ed := min(j+b, n-1) // inclusive
		l := ed - st + 1
		tau := c.reflector(l, c.off(st, j), c.v)
		for {
			if tau != 0 {
				c.twoSided(st, l, tau)
			}
			lm := min(b, n-1-ed)
			if lm <= 0 {
				break
			}
			// B = A[ed+1 : ed+1+lm, st : st+l] := B H from the right.
			bo := c.off(ed+1, st)
			if tau != 0 {
				v := c.v[:l]
				for r := range lm {
					row := ab[bo+r*s : bo+r*s+l]
					var u float64
					for k, x := range row {
						u += x * v[k]
					}
					u *= tau
					for k := range row {
						row[k] -= u * v[k]
					}
				}
			}
			// The next reflector zeroes B's first column below its first
			// row; B's other columns take it from the left.
			tau2 := c.reflector(lm, bo, c.v2)
			if tau2 != 0 && l > 1 {
				v2 := c.v2[:lm]
				w := c.w[:l-1]
				clear(w)
				for r := range lm {
					row := ab[bo+r*s+1 : bo+r*s+l]
					vr := v2[r]
					for k, x := range row {
						w[k] += vr * x
					}
				}
				for r := range lm {
					row := ab[bo+r*s+1 : bo+r*s+l]
					f := tau2 * v2[r]
					for k := range row {
						row[k] -= f * w[k]
					}
				}
			}
			c.v, c.v2 = c.v2, c.v
			tau = tau2
			st, ed, l = ed+1, ed+lm, lm
		}
	}
}

// reflector makes the Householder reflector H = I - tau v v^T (v[0] = 1)
// that maps the column of l entries starting at ab[o] (stride 2b) to
// (beta, 0, ..., 0), stores beta and the zeros there and v in v.
func (c *chaser) reflector(l, o int, v []float64) float64 {
	s := 2 * c.b
	ab := c.ab
	if l <= 1 {
		v[0] = 1
		return 0
	}
	alpha := ab[o]
	var ss float64
	for i := 1; i < l; i++ {
		x := ab[o+i*s]
		ss += x * x
	}
	v[0] = 1
	if ss == 0 {
		for i := 1; i < l; i++ {
			v[i] = 0
		}
		return 0
	}
	var beta, tau float64
	if ss > 1e-250 && ss < 1e250 && math.Abs(alpha) < 1e125 {
		// LAPACK's dlarfg without its rescaling, which only matters near
		// underflow or overflow.
		beta = -math.Copysign(math.Sqrt(alpha*alpha+ss), alpha)
		tau = (beta - alpha) / beta
		f := 1 / (alpha - beta)
		for i := 1; i < l; i++ {
			ab[o+i*s] *= f
		}
	} else {
		beta, tau = lapackImpl.Dlarfg(l, alpha, ab[o+s:o+(l-1)*s+1], s)
	}
	ab[o] = beta
	for i := 1; i < l; i++ {
		v[i] = ab[o+i*s]
		ab[o+i*s] = 0
	}
	return tau
}

// twoSided applies H = I - tau v v^T to the symmetric diagonal block at
// rows and columns st..st+l-1 from both sides: with w = tau*D*v and
// p = w - (tau/2)(w.v) v, D := D - v p^T - p v^T, on the lower triangle.
func (c *chaser) twoSided(st, l int, tau float64) {
	s := 2 * c.b
	ab := c.ab
	v := c.v[:l]
	w := c.w[:l]
	clear(w)
	do := c.off(st, st)
	for r := range l {
		row := ab[do+r*s : do+r*s+r+1]
		vr := v[r]
		var acc float64
		for k, x := range row[:r] {
			acc += x * v[k]
			w[k] += x * vr
		}
		w[r] += acc + row[r]*vr
	}
	var wv float64
	for k := range w {
		w[k] *= tau
		wv += w[k] * v[k]
	}
	alpha := -0.5 * tau * wv
	for k := range w {
		w[k] += alpha * v[k]
	}
	for r := range l {
		row := ab[do+r*s : do+r*s+r+1]
		vr, wr := v[r], w[r]
		for k := range row {
			row[k] -= vr*w[k] + wr*v[k]
		}
	}
}
