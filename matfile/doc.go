// Package matfile reads 2-D float matrices from the files PyTorch and numpy
// users save: .npy, .npz, .safetensors, torch.save checkpoints (.pt, .pth)
// and the pickled factor dumps of the official AdaFisher analysis code
// (.pkl), the last two through package torchfile, which never runs a
// pickle.
//
// Read returns every array of a file as a Matrix: its name, its shape and
// its entries as float64 in row-major order, whatever the stored dtype
// (floats of 16, 32 and 64 bits, signed and unsigned integers, booleans;
// little- or big-endian; C or Fortran order for .npy). Matrices need not be
// square; RequireSquare is the separate check that the analyses need.
//
// Every error is an *Error naming the file and, where there is one, the
// tensor, and wraps one of the sentinel errors below, so a caller can test
// for the kind of problem with errors.Is:
//
//   - ErrEmptyFile: a file of zero bytes, or an archive with no arrays.
//   - ErrTruncated: a file that ends before its header or data.
//   - ErrBadHeader: a wrong magic string, an unreadable .npy header, a
//     corrupt archive or safetensors header.
//   - ErrUnsupportedDType: complex, object, string, datetime, structured or
//     extended-precision arrays.
//   - ErrNot2D: an array that is not 2-D, or has no entries.
//   - ErrNotFinite: an array with a NaN or infinite entry.
//   - ErrNotSquare: from RequireSquare.
//
// Matrix names are the path as given for .npy files, and "path:tensor" for
// the arrays of .npz (the member name without ".npy", as numpy.load gives
// it), .safetensors and .pt files, and "path:INDEX:CLASS" for the entries of
// a dump. Errors of torch files wrap ErrBadHeader and the torchfile kind
// (torchfile.ErrGlobal for a pickle naming a global outside the allow-list).
package matfile
