package nn

import "github.com/adafisher-go/landscape/internal/vec"

// Diagonal capture of Conv2d (Mode.Diagonal): the column sums of squares of
// the patch matrix A and of the output-gradient rows G, accumulated while the
// engine's passes go over the groups of samples, so that neither the
// whole-batch patch matrix nor a transposed copy of dy is ever built. Each
// core sums its groups into partials of its own; the caller adds them in core
// order.

// addPatchSquares adds into acc (length In*k*k) the sum over the output
// positions of samples [b0, b1) of the squared patch entries: for column
// (ch, i, j), the sum of x[b, ch, oy*s-p+i, ox*s-p+j]^2 over the positions
// inside the image (the padding adds 0). It walks the input once, row by
// row: for each kernel column j, input row iy contributes the squares of
// the columns that output columns [span[2j], span[2j+1]) read (rowSquares),
// and the row is read by kernel row i from output row oy when iy = oy*s -
// p + i. rowSq is scratch of length h*k.
func (c *Conv2d[T]) addPatchSquares(x []T, acc, rowSq []float64, b0, b1 int) {
	if c.sameRows() {
		c.addPatchSquaresSame(x, acc, rowSq, b0, b1)
		return
	}
	k, s, p := c.Kernel, c.Stride, c.Padding
	h, w := c.h, c.w
	for b := b0; b < b1; b++ {
		for ch := 0; ch < c.In; ch++ {
			plane := x[(b*c.In+ch)*h*w : (b*c.In+ch+1)*h*w]
			col := acc[ch*k*k : (ch+1)*k*k]
			for iy := 0; iy < h; iy++ {
				c.rowSquares(plane[iy*w:(iy+1)*w], rowSq[iy*k:(iy+1)*k])
			}
			for i := 0; i < k; i++ {
				ci := col[i*k : (i+1)*k]
				for oy := 0; oy < c.oh; oy++ {
					iy := oy*s - p + i
					if iy < 0 || iy >= h {
						continue
					}
					for j, v := range rowSq[iy*k : (iy+1)*k] {
						ci[j] += v
					}
				}
			}
		}
	}
}

// addPatchSquaresSame is addPatchSquares for sameRows convolutions. Kernel
// entry (i, j) reads every input value but those of the first p-i or last
// i-p rows and of the first p-j or last j-p columns, so its sum is the
// plane's sum of squares less the left-out rows' and columns' sums plus
// the left-out corners (which both took away): one vector sum over the
// plane and a few edge sums, where row by row costs a call per row. The
// subtractions leave rounding of the order of the plane's sum (1e-16 of
// it), and a sum that should be 0 may come out as such a residue or be
// clamped to 0. scratch has length h+w or more.
func (c *Conv2d[T]) addPatchSquaresSame(x []T, acc, scratch []float64, b0, b1 int) {
	k, p, h, w := c.Kernel, c.Padding, c.h, c.w
	rows, cols := scratch[:h], scratch[h:h+w]
	edge := func(t, n int) bool { return t < p || t >= n-p }
	for b := b0; b < b1; b++ {
		for ch := 0; ch < c.In; ch++ {
			plane := x[(b*c.In+ch)*h*w : (b*c.In+ch+1)*h*w]
			total := sumSquares(plane)
			for iy := range rows {
				if edge(iy, h) {
					rows[iy] = sumSquares(plane[iy*w : (iy+1)*w])
				}
			}
			for ix := range cols {
				if edge(ix, w) {
					var s float64
					for iy := 0; iy < h; iy++ {
						v := float64(plane[iy*w+ix])
						s += v * v
					}
					cols[ix] = s
				}
			}
			for i := 0; i < k; i++ {
				r0, r1 := max(0, i-p), min(h, h+i-p) // the rows kernel row i reads
				for j := 0; j < k; j++ {
					c0, c1 := max(0, j-p), min(w, w+j-p)
					if r0 >= r1 || c0 >= c1 {
						continue
					}
					v := total
					for iy := 0; iy < h; iy++ {
						if iy >= r0 && iy < r1 {
							iy = r1 - 1
							continue
						}
						v -= rows[iy]
						for ix := 0; ix < w; ix++ {
							if ix >= c0 && ix < c1 {
								ix = c1 - 1
								continue
							}
							f := float64(plane[iy*w+ix])
							v += f * f
						}
					}
					for ix := 0; ix < w; ix++ {
						if ix >= c0 && ix < c1 {
							ix = c1 - 1
							continue
						}
						v -= cols[ix]
					}
					acc[(ch*k+i)*k+j] += max(v, 0)
				}
			}
		}
	}
}

// rowSquares sets rowSq[j] to the sum of the squares of the input row's
// entries that kernel column j reads: columns ox*s - p + j for ox in
// [span[2j], span[2j+1]). With stride 1 these ranges share a middle part,
// summed once, and differ by at most k columns at either end.
func (c *Conv2d[T]) rowSquares(src []T, rowSq []float64) {
	k, s, p := c.Kernel, c.Stride, c.Padding
	if s != 1 {
		for j := 0; j < k; j++ {
			var sum float64
			for ox := c.span[2*j]; ox < c.span[2*j+1]; ox++ {
				v := float64(src[ox*s-p+j])
				sum += v * v
			}
			rowSq[j] = sum
		}
		return
	}
	// Column ranges [a_j, b_j) = span_j shifted by j - p.
	midLo, midHi := 0, len(src)
	for j := 0; j < k; j++ {
		lo, hi := c.span[2*j], c.span[2*j+1]
		if lo >= hi {
			continue
		}
		midLo, midHi = max(midLo, lo-p+j), min(midHi, hi-p+j)
	}
	if midLo > midHi {
		midLo, midHi = 0, 0 // no common part: sum each range whole
	}
	mid := sumSquares(src[midLo:midHi])
	for j := 0; j < k; j++ {
		lo, hi := c.span[2*j], c.span[2*j+1]
		if lo >= hi {
			rowSq[j] = 0
			continue
		}
		a, b := lo-p+j, hi-p+j
		if midLo == midHi {
			rowSq[j] = sumSquares(src[a:b])
			continue
		}
		rowSq[j] = mid + sumSquares(src[a:midLo]) + sumSquares(src[midHi:b])
	}
}

// sumSquares returns the sum of v[i]^2 in float64: the centred squares
// about 0 (float32 from 16 values on in vector registers; rowSquares' edge
// ranges of a value or two, and float64, on the portable loop).
func sumSquares[T Float](v []T) float64 {
	if !is32[T]() {
		return vec.CentredSquaresLoop(as64(v), 0)
	}
	if len(v) >= 16 {
		return vec.CentredSquares(as32(v), 0)
	}
	return vec.CentredSquaresLoop(as32(v), 0)
}

// channelSum sums channel k of a B x C x HW tensor as optim's diagonals of
// a full capture do, so that a diagonal capture gives the same bits: each
// image's row of HW values in T with four accumulators, the rows in
// float64. (The channel sums of BatchNorm2d's diagonals are squared and may
// cancel, so their summation order shows.)
func channelSum[T Float](x []T, b, c, hw, k int) float64 {
	var sum float64
	for i := 0; i < b; i++ {
		row := x[(i*c+k)*hw : (i*c+k+1)*hw]
		var s0, s1, s2, s3 T
		j := 0
		for ; j+4 <= len(row); j += 4 {
			s0 += row[j]
			s1 += row[j+1]
			s2 += row[j+2]
			s3 += row[j+3]
		}
		for ; j < len(row); j++ {
			s0 += row[j]
		}
		sum += float64(s0) + float64(s1) + float64(s2) + float64(s3)
	}
	return sum
}

// colSquares sets acc[j] to the sum over the rows of the rows x cols matrix
// m of m[r,j]^2.
func colSquares[T Float](m []T, rows, cols int, acc []float64) {
	clear(acc)
	for r := 0; r < rows; r++ {
		a := acc[:cols]
		for j, v := range m[r*cols : (r+1)*cols] {
			f := float64(v)
			a[j] += f * f
		}
	}
}

// addSquaresInOrder adds the squares of the entries of each row r of the
// rows x n matrix m into acc[r], one by one in order. A row of P^T (or of a
// group's output gradient) is a column of the patch matrix A (of G) over
// the group's rows, so that, group after group, this adds in the order in
// which the diagonals of a full capture go down the columns of A and G: in
// float64 the two captures then give the same bits. Four rows at a time keep
// four independent additions in flight.
func addSquaresInOrder[T Float](m []T, n int, acc []float64) {
	r := 0
	for ; r+4 <= len(acc); r += 4 {
		a0, a1, a2, a3 := acc[r], acc[r+1], acc[r+2], acc[r+3]
		x0, x1, x2, x3 := m[r*n:(r+1)*n], m[(r+1)*n:(r+2)*n], m[(r+2)*n:(r+3)*n], m[(r+3)*n:(r+4)*n]
		for i, v := range x0 {
			f0, f1, f2, f3 := float64(v), float64(x1[i]), float64(x2[i]), float64(x3[i])
			a0 += f0 * f0
			a1 += f1 * f1
			a2 += f2 * f2
			a3 += f3 * f3
		}
		acc[r], acc[r+1], acc[r+2], acc[r+3] = a0, a1, a2, a3
	}
	for ; r < len(acc); r++ {
		a := acc[r]
		for _, v := range m[r*n : (r+1)*n] {
			f := float64(v)
			a += f * f
		}
		acc[r] = a
	}
}

// addRowSquares adds the sum of the squares of each of the rows of the
// rows x n matrix m into acc[r].
func addRowSquares[T Float](m []T, n int, acc []float64) {
	for r := range acc {
		acc[r] += sumSquares(m[r*n : (r+1)*n])
	}
}

// diagPartials clears the partial sums of one core for a pass over d
// columns.
func diagPartials(buf []float64, d int) []float64 {
	if cap(buf) < d {
		buf = make([]float64, d)
	}
	buf = buf[:d]
	clear(buf)
	return buf
}

// sumPartials sets dst to the sum of the first cores' partials (part picks
// the one kept in a core's scratch), in core order.
func (c *Conv2d[T]) sumPartials(dst []float64, cores int, part func(*convWork[T]) []float64) {
	clear(dst)
	for _, wk := range c.work[:cores] {
		for i, v := range part(wk) {
			dst[i] += v
		}
	}
}
