// Package vec holds the float32 element-wise loops of the normalisation and
// activation layers (sums over a channel, affine maps, ReLU and its
// gradient, residual additions) in Go assembly, because the Go compiler
// does not vectorise and these loops take a sixth of a CIFAR ResNet step.
//
// Every routine has a portable Go version with the same meaning; the
// assembly (AVX2 with FMA on amd64) is chosen at init when the CPU runs it,
// and never with the build tag purego. The sums accumulate in float64, as
// the Go loops do, but in a different order; the affine maps fuse their
// multiply-adds; ReLU, its gradient and the additions give the same bits
// as the Go code, NaNs included.
package vec

//go:generate go run gen.go
