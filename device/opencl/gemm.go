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
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.q
	ah, bh, ch := a.Buf.(*buffer).h, b.Buf.(*buffer).h, c.Buf.(*buffer).h
	u := func(v int) uintptr { return uintptr(v) }
	var st int32
	switch {
	case batch == 1 && dt == device.F32:
		st = blast.sgemm(blastRowMajor, trans(transA), trans(transB), u(m), u(n), u(k), float32(alpha),
			ah, u(a.Off), u(a.LD), bh, u(b.Off), u(b.LD), float32(beta), ch, u(c.Off), u(c.LD), &q, 0)
	case batch == 1:
		st = blast.dgemm(blastRowMajor, trans(transA), trans(transB), u(m), u(n), u(k), alpha,
			ah, u(a.Off), u(a.LD), bh, u(b.Off), u(b.LD), beta, ch, u(c.Off), u(c.LD), &q, 0)
	case dt == device.F32:
		st = blast.sgemmBatched(blastRowMajor, trans(transA), trans(transB), u(m), u(n), u(k), float32(alpha),
			ah, u(a.Off), u(a.LD), u(a.Stride), bh, u(b.Off), u(b.LD), u(b.Stride), float32(beta),
			ch, u(c.Off), u(c.LD), u(c.Stride), u(batch), &q, 0)
	default:
		st = blast.dgemmBatched(blastRowMajor, trans(transA), trans(transB), u(m), u(n), u(k), alpha,
			ah, u(a.Off), u(a.LD), u(a.Stride), bh, u(b.Off), u(b.LD), u(b.Stride), beta,
			ch, u(c.Off), u(c.LD), u(c.Stride), u(batch), &q, 0)
	}
	if st != 0 {
		d.errs.Set(fmt.Errorf("opencl: CLBlast GEMM %dx%dx%d (batch %d): status %d", m, n, k, batch, st))
	}
}
