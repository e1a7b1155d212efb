package cpu

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

func (d *Device) SoftmaxCrossEntropy(rows, cols int, logits, labels, grad, loss, correct device.Buffer) {
	dt, ok := d.ok("SoftmaxCrossEntropy", []int{rows, cols, rows * cols},
		check.B("logits", logits, rows*cols), check.I("labels", labels, rows), check.Opt("grad", grad, rows*cols),
		check.B("loss", loss, rows), check.I("correct", correct, rows))
	if !ok {
		return
	}
	if cols < 1 {
		d.errs.Set(fmt.Errorf("device cpu SoftmaxCrossEntropy: %d classes", cols))
		return
	}
	for r, y := range i32(labels)[:rows] {
		if y < 0 || int(y) >= cols {
			d.errs.Set(fmt.Errorf("device cpu SoftmaxCrossEntropy: label %d of row %d outside [0, %d)", y, r, cols))
			return
		}
	}
	run(dt, func() { crossEntropy(rows, cols, f32(logits), i32(labels), f32(grad), f32(loss), i32(correct)) },
		func() { crossEntropy(rows, cols, f64(logits), i32(labels), f64(grad), f64(loss), i32(correct)) })
}

// crossEntropy is nn.CrossEntropy row by row.
func crossEntropy[T float](rows, cols int, logits []T, labels []int32, grad, loss []T, correct []int32) {
	inv := 1 / float64(rows)
	for r := 0; r < rows; r++ {
		z := logits[r*cols : (r+1)*cols]
		m, arg := z[0], 0
		for j, v := range z {
			if v > m {
				m, arg = v, j
			}
		}
		y := int(labels[r])
		correct[r] = 0
		if arg == y {
			correct[r] = 1
		}
		var sum float64
		for _, v := range z {
			sum += math.Exp(float64(v - m))
		}
		lse := float64(m) + math.Log(sum)
		loss[r] = T(lse - float64(z[y]))
		if grad != nil {
			g := grad[r*cols : (r+1)*cols]
			for j, v := range z {
				g[j] = T(math.Exp(float64(v)-lse) * inv)
			}
			g[y] -= T(inv)
		}
	}
}

func (d *Device) Embedding(n, dim int, idx, w, y device.Buffer) {
	dt, ok := d.ok("Embedding", []int{n, dim, n * dim}, check.I("idx", idx, n), check.B("w", w, 0), check.B("y", y, n*dim))
	if !ok || !d.indices("Embedding", i32(idx)[:n], w.Len()/max(dim, 1)) {
		return
	}
	run(dt, func() { embedding(n, dim, i32(idx), f32(w), f32(y)) }, func() { embedding(n, dim, i32(idx), f64(w), f64(y)) })
}

func (d *Device) indices(op string, idx []int32, rows int) bool {
	for i, k := range idx {
		if k < 0 || int(k) >= rows {
			d.errs.Set(fmt.Errorf("device cpu %s: index %d at %d outside [0, %d)", op, k, i, rows))
			return false
		}
	}
	return true
}

func embedding[T float](n, dim int, idx []int32, w, y []T) {
	for i, k := range idx[:n] {
		copy(y[i*dim:(i+1)*dim], w[int(k)*dim:(int(k)+1)*dim])
	}
}

func (d *Device) EmbeddingBackward(n, dim int, idx, dy, dw device.Buffer) {
	dt, ok := d.ok("EmbeddingBackward", []int{n, dim, n * dim}, check.I("idx", idx, n), check.B("dy", dy, n*dim), check.B("dw", dw, 0))
	if !ok || !d.indices("EmbeddingBackward", i32(idx)[:n], dw.Len()/max(dim, 1)) {
		return
	}
	run(dt, func() { embeddingBackward(n, dim, i32(idx), f32(dy), f32(dw)) }, func() { embeddingBackward(n, dim, i32(idx), f64(dy), f64(dw)) })
}

func embeddingBackward[T float](n, dim int, idx []int32, dy, dw []T) {
	for i, k := range idx[:n] {
		row := dw[int(k)*dim : (int(k)+1)*dim]
		for j, v := range dy[i*dim : (i+1)*dim] {
			row[j] += v
		}
	}
}

func (d *Device) CausalSoftmax(blocks, t int, p device.Buffer) {
	dt, ok := d.ok("CausalSoftmax", []int{blocks, t, blocks * t * t}, check.B("p", p, blocks*t*t))
	if !ok {
		return
	}
	run(dt, func() { causalSoftmax(blocks, t, f32(p)) }, func() { causalSoftmax(blocks, t, f64(p)) })
}

// causalSoftmax is nn.CausalSelfAttention's masked softmax (nn.softmaxRow
// on each row's first i+1 entries).
func causalSoftmax[T float](blocks, t int, p []T) {
	for r := 0; r < blocks*t; r++ {
		i := r % t
		row := p[r*t : (r+1)*t]
		src := row[:i+1]
		m := src[0]
		for _, v := range src[1:] {
			m = max(m, v)
		}
		var sum float64
		for j, v := range src {
			e := math.Exp(float64(v - m))
			src[j] = T(e)
			sum += e
		}
		inv := 1 / sum
		for j := range src {
			src[j] = T(float64(src[j]) * inv)
		}
		clear(row[i+1:])
	}
}

func (d *Device) CausalSoftmaxBackward(blocks, t int, p, ds device.Buffer) {
	dt, ok := d.ok("CausalSoftmaxBackward", []int{blocks, t, blocks * t * t}, check.B("p", p, blocks*t*t), check.B("ds", ds, blocks*t*t))
	if !ok {
		return
	}
	run(dt, func() { causalSoftmaxBackward(blocks, t, f32(p), f32(ds)) }, func() { causalSoftmaxBackward(blocks, t, f64(p), f64(ds)) })
}

func causalSoftmaxBackward[T float](blocks, t int, p, ds []T) {
	for r := 0; r < blocks*t; r++ {
		i := r % t
		pr, dr := p[r*t:r*t+i+1], ds[r*t:(r+1)*t]
		var dot float64
		for j, pv := range pr {
			dot += float64(pv) * float64(dr[j])
		}
		for j, pv := range pr {
			dr[j] = pv * (dr[j] - T(dot))
		}
		clear(dr[i+1:])
	}
}
