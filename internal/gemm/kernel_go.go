package gemm

import "unsafe"

// kernGo is the portable 4x4 micro-kernel (see kernelFunc). It runs the
// inner dimension twice, for rows 0-1 and 2-3, so that the accumulators and
// operands stay in the 16 registers of amd64.
func kernGo[T float](k int, a *T, rsa, csa int, b, c *T, ldc, m, n int, alpha, beta T, load int) {
	var acc [16]T
	kernGo2x4(k, a, rsa, csa, b, acc[:8])
	if m > 2 {
		kernGo2x4(k, &unsafe.Slice(a, 2*rsa+1)[2*rsa], rsa, csa, b, acc[8:])
	}
	cs := unsafe.Slice(c, (m-1)*ldc+n)
	for i := 0; i < m; i++ {
		row := cs[i*ldc : i*ldc+n]
		for j := range row {
			if load == 0 {
				row[j] = alpha * acc[i*4+j]
			} else {
				row[j] = alpha*acc[i*4+j] + beta*row[j]
			}
		}
	}
}

// kernGo2x4 sets acc to rows 0 and 1 of the product of the 4x4 kernel.
func kernGo2x4[T float](k int, a *T, rsa, csa int, b *T, acc []T) {
	var c00, c01, c02, c03, c10, c11, c12, c13 T
	as := unsafe.Slice(a, rsa+(k-1)*csa+1)
	bs := unsafe.Slice(b, 4*k)
	for p := range k {
		i := p * csa
		a0, a1 := as[i], as[i+rsa]
		bb := bs[4*p : 4*p+4 : 4*p+4]
		b0, b1, b2, b3 := bb[0], bb[1], bb[2], bb[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
	}
	acc = acc[:8]
	acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7] = c00, c01, c02, c03, c10, c11, c12, c13
}

// The portable configurations.
var (
	go32 = &config[float32]{name: "go", mr: 4, nr: 4, kc: 256, mc: 128, nc: 1024, partialN: true, kern: kernGo[float32], copy: copyGo[float32], tpose: tposeGo[float32], tposeW: 1 << 30}
	go64 = &config[float64]{name: "go", mr: 4, nr: 4, kc: 256, mc: 64, nc: 1024, partialN: true, kern: kernGo[float64], copy: copyGo[float64], tpose: tposeGo[float64], tposeW: 1 << 30}
)
