// Package nn holds neural-network layers whose forward and backward passes are
// written by hand on BLAS, with PyTorch's parameter names and layouts, the
// Model that chains them, Hessian- and Gauss-Newton-vector products by the
// R-operator, and curvature capture: on the steps where an
// optimizer asks for it, every layer with parameters exposes its input rows and
// the rows of the loss gradient with respect to its output, taken from the same
// forward and backward pass at no extra cost.
//
// Every type is generic over the element type T (float32 or float64). Layers own
// their output and gradient buffers and reuse them from step to step, so a
// tensor returned by Forward or Backward is valid until that layer runs again.
//
// Tensor[T] is the compute tensor: a shape and a []T that layers and
// optimizers work on. It is not the tensor of a file (rundir.Tensor: a
// dtype and the raw bytes of a safetensors entry) nor a parameter of a
// weight path (trajectory.Tensor: float64 values of a snapshot).
//
// The toolkit's named networks (mlp, cnn, the ResNets, gpt) are built from
// these layers by package models.
package nn
