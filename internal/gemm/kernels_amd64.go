//go:build amd64 && !purego

package gemm

import "unsafe"

// The micro-kernels of kernels_amd64.s (see kernelFunc).

//go:noescape
func kernS14x32AVX512(k int, a *float32, rsa, csa int, b, c *float32, ldc, m, n int, alpha, beta float32, load int)

//go:noescape
func kernD14x16AVX512(k int, a *float64, rsa, csa int, b, c *float64, ldc, m, n int, alpha, beta float64, load int)

//go:noescape
func kernS14x16AVX512(k int, a *float32, rsa, csa int, b, c *float32, ldc, m, n int, alpha, beta float32, load int)

//go:noescape
func kernS8x48AVX512(k int, a *float32, rsa, csa int, b, c *float32, ldc, m, n int, alpha, beta float32, load int)

//go:noescape
func kernS14x32IndAVX512(k int, a *float32, offs *int, unused int, b, c *float32, ldc, m, n int, alpha, beta float32, load int)

//go:noescape
func kernS14x16IndAVX512(k int, a *float32, offs *int, unused int, b, c *float32, ldc, m, n int, alpha, beta float32, load int)

//go:noescape
func kernD14x8AVX512(k int, a *float64, rsa, csa int, b, c *float64, ldc, m, n int, alpha, beta float64, load int)

//go:noescape
func kernS6x16AVX2(k int, a *float32, rsa, csa int, b, c *float32, ldc, m, n int, alpha, beta float32, load int)

//go:noescape
func kernD6x8AVX2(k int, a *float64, rsa, csa int, b, c *float64, ldc, m, n int, alpha, beta float64, load int)

// The AVX-512 packing routines of kernels_amd64.s (see packFunc).

//go:noescape
func copyS(dst *float32, ldd int, src *float32, lds int, rows, cols, width int)

//go:noescape
func tposeS(dst *float32, ldd int, src *float32, lds int, rows, cols, width int)

//go:noescape
func copyD(dst *float64, ldd int, src *float64, lds int, rows, cols, width int)

//go:noescape
func tposeD(dst *float64, ldd int, src *float64, lds int, rows, cols, width int)

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

// features reports whether the CPU and the OS support AVX2 with FMA, and
// AVX-512F.
func features() (avx2, avx512 bool) {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false, false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false, false
	}
	xcr0, _ := xgetbv()
	_, ebx7, _, _ := cpuid(7, 0)
	avx2 = xcr0&0x6 == 0x6 && ebx7&(1<<5) != 0
	avx512 = avx2 && xcr0&0xe6 == 0xe6 && ebx7&(1<<16) != 0
	return avx2, avx512
}

// The blocking is sized for AMD Zen 4/5 (L1d 32-48 KiB, L2 1 MiB per core):
// a kc x nr micro-panel of B (32 KiB) stays in L1 while the kernel sweeps
// the panels of A, an mc x kc block of A (504 KiB) stays in L2, and a kc x nc
// panel of B (4 MiB) lives in L3.
var (
	// AVX-512: 14 rows by two vectors, or by one for narrow products.
	avx512s = &config[float32]{name: "avx512", mr: 14, nr: 32, kc: 256, mc: 504, nc: 4096, partialN: true,
		kern: kernS14x32AVX512, copy: copyS, tpose: tposeS, tposeW: 16, narrow: avx512sn}
	avx512d = &config[float64]{name: "avx512", mr: 14, nr: 16, kc: 256, mc: 252, nc: 2048, partialN: true,
		kern: kernD14x16AVX512, copy: copyD, tpose: tposeD, tposeW: 8, narrow: avx512dn}
	avx512sn = &config[float32]{name: "avx512-narrow", mr: 14, nr: 16, kc: 256, mc: 504, nc: 4096, partialN: true, slow: 1.2,
		kern: kernS14x16AVX512, copy: copyS, tpose: tposeS, tposeW: 16}
	// AVX-512 with 8 rows by three vectors: products with 8, 16, 24, 32
	// or 64 rows (a narrow network's channels) fill its tiles, where 14
	// rows leave up to half of them empty; and it loads fewer values per
	// multiply-add than 14x16.
	avx512s8 = &config[float32]{name: "avx512-8x48", mr: 8, nr: 48, kc: 256, mc: 512, nc: 4080, partialN: true,
		kern: kernS8x48AVX512, copy: copyWideS, tpose: tposeS, tposeW: 16}
	avx512dn = &config[float64]{name: "avx512-narrow", mr: 14, nr: 8, kc: 256, mc: 252, nc: 2048, partialN: true,
		kern: kernD14x8AVX512, copy: copyD, tpose: tposeD, tposeW: 8}
	// AVX2: 6 rows by two vectors.
	avx2s = &config[float32]{name: "avx2", mr: 6, nr: 16, kc: 256, mc: 144, nc: 4096,
		kern: kernS6x16AVX2, copy: copyGo[float32], tpose: tposeGo[float32], tposeW: 1 << 30}
	avx2d = &config[float64]{name: "avx2", mr: 6, nr: 8, kc: 256, mc: 72, nc: 2048,
		kern: kernD6x8AVX2, copy: copyGo[float64], tpose: tposeGo[float64], tposeW: 1 << 30}
)

func init() {
	avx2, avx512 := features()
	all32, all64 = []*config[float32]{go32}, []*config[float64]{go64}
	if avx2 {
		all32, all64 = append(all32, avx2s), append(all64, avx2d)
	}
	if avx512 {
		all32, all64 = append(all32, avx512s8, avx512sn, avx512s), append(all64, avx512dn, avx512d)
		avx512s.rows8 = avx512s8
		indWide = &indirect{cf: avx512s, kern: kernS14x32IndAVX512}
		indNarrow = &indirect{cf: avx512sn, kern: kernS14x16IndAVX512}
	}
	cfg32, cfg64 = all32[len(all32)-1], all64[len(all64)-1]
}

// copyWideS is copyS for widths past two vectors, in blocks of 32 columns.
func copyWideS(dst *float32, ldd int, src *float32, lds int, rows, cols, width int) {
	for off := 0; off < width; off += 32 {
		w := min(32, width-off)
		c := max(0, min(w, cols-off))
		s := src
		if c > 0 {
			s = (*float32)(unsafe.Add(unsafe.Pointer(src), 4*off))
		}
		copyS((*float32)(unsafe.Add(unsafe.Pointer(dst), 4*off)), ldd, s, lds, rows, c, w)
	}
}
