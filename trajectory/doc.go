// Package trajectory is the geometry of weight space behind trajectory and
// loss-surface pictures: PCA of parameter snapshots with one shared basis for
// several runs, filter-normalised random directions (Li et al. 2018), and
// the one plane implementation (a centre and two directions, grid points on
// it, the plane through three checkpoints, coordinates of a point projected
// onto it). Parameters are flat float64 vectors or named [Tensor]s; the
// package knows nothing of models (package landscape turns a model into
// tensors) and nothing of interpolation (package interp).
//
// Everything here returns plain Go values and prints nothing; commands and
// reports are built on top of it elsewhere.
package trajectory
