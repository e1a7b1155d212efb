package opencl

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// CLBlast's enumerations (clblast_c.h).
const (
	blastRowMajor = 101
	blastNoTrans  = 111
	blastTrans    = 112
)

func trans(t bool) int32 {
	if t {
		return blastTrans
	}
	return blastNoTrans
}

// batchedKernelMax is the size m*n*k below which GemmBatched runs the
// kernels' own batched GEMM (one launch for all heads); larger products
// run one CLBlast GEMM each. CLBlast's strided-batched routine is not used:
// on pocl it compiles for over a minute per precision, and attention's
// per-head products are small.
const batchedKernelMax = 1 << 21

func (d *Device) Gemm(transA, transB bool, m, n, k int, alpha float64, a, b device.Mat, beta float64, c device.Mat) {
	d.GemmBatched(transA, transB, m, n, k, alpha, a, b, beta, c, 1)
}

func (d *Device) GemmBatched(transA, transB bool, m, n, k int, alpha float64, a, b device.Mat, beta float64, c device.Mat, batch int) {
	if d.errs.Err() != nil {
		return
	}
	for _, x := range []device.Buffer{a.Buf, b.Buf, c.Buf} {
		if x == nil {
			continue
		}
		if _, err := d.own(x); err != nil {
			d.errs.Set(fmt.Errorf("device opencl Gemm: %w", err))
			return
		}
	}
	dt, ok := check.Gemm(&d.errs, "Gemm", transA, transB, m, n, k, a, b, c, batch)
	if !ok || m == 0 || n == 0 || batch == 0 {
		return
	}
	if k == 0 {
		// C = beta*C; CLBlast rejects an empty inner dimension.
		for i := 0; i < batch; i++ {
			d.launch(dt, "scale_mat", m*n, c.Buf, c.Off+i*c.Stride, c.LD, m, n, realv(beta))
		}
		return
	}
	if batch > 1 {
		if m*n*k < batchedKernelMax {
			d.launch(dt, "gemm_batched", batch*m*n, a.Buf, b.Buf, c.Buf, m, n, k, realv(alpha), realv(beta), transA, transB,
				a.Off, a.LD, a.Stride, b.Off, b.LD, b.Stride, c.Off, c.LD, c.Stride, batch)
			return
		}
		for i := 0; i < batch; i++ {
			at := func(x device.Mat) device.Mat { x.Off += i * x.Stride; return x }
			d.GemmBatched(transA, transB, m, n, k, alpha, at(a), at(b), beta, at(c), 1)
		}
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.q
	ah, bh, ch := a.Buf.(*buffer).h, b.Buf.(*buffer).h, c.Buf.(*buffer).h
	u := func(v int) uintptr { return uintptr(v) }
	var st int32
	if dt == device.F32 {
		st = blast.sgemm(blastRowMajor, trans(transA), trans(transB), u(m), u(n), u(k), float32(alpha),
			ah, u(a.Off), u(a.LD), bh, u(b.Off), u(b.LD), float32(beta), ch, u(c.Off), u(c.LD), &q, 0)
	} else {
		st = blast.dgemm(blastRowMajor, trans(transA), trans(transB), u(m), u(n), u(k), alpha,
			ah, u(a.Off), u(a.LD), bh, u(b.Off), u(b.LD), beta, ch, u(c.Off), u(c.LD), &q, 0)
	}
	if st != 0 {
		d.errs.Set(fmt.Errorf("opencl: CLBlast GEMM %dx%dx%d status %d", m, n, k, st))
	}
}
