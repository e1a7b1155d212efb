// Package device is the seam between the training engine and where its
// arithmetic runs: a Device owns buffers of float32, float64 or int32
// elements and runs the operations of a training step on them (GEMM, the
// forward and backward of every layer, the optimizer updates), so that
// weights, activations, gradients and optimizer state stay resident and the
// host only sends batches and reads back losses and metrics.
//
// Two implementations exist: device/cpu, plain Go loops and the project's
// GEMM, which computes every operation exactly as packages nn and optim do
// (it is the reference the accelerator is tested against), and
// device/opencl, OpenCL kernels and CLBlast opened at run time without cgo.
// Every operation has one meaning, written on its method below; the
// implementations differ only in the rounding of sums, whose order an
// accelerator chooses (GEMM, reductions), and in the last bits of the
// transcendental functions (exp, tanh, erf). Element-wise arithmetic that
// PyTorch rounds a particular way (the optimizers' fused multiply-adds, the
// bias corrections) is the same bit for bit.
//
// Operations do not return errors: the first misuse or failure is kept and
// reported by Err and Sync, as a stream of GPU work reports its failures
// when it is waited for. Operations after a failure do nothing.
//
// A layer dispatches to a Device instead of looping over host slices; see
// docs/device.md for the design of that integration.
package device
