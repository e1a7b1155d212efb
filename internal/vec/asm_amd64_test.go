//go:build amd64 && !purego

package vec

// On amd64 the tests also run the sums' AVX2 versions directly, since the
// dispatch picks the AVX-512 ones where the CPU has them.
func init() {
	if haveAsm {
		impls = append(impls, impl{"avx2", sumAVX2, centredSquaresAVX2, sumAndCentredDotAVX2,
			Affine, Affine2, ReLU, ReLUBackward, Add, AddReLU})
	}
}
