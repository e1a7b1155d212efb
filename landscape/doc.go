// Package landscape measures a model's loss away from the weights it was
// trained to, and the curvature of the loss at those weights.
//
// Surfaces: [Evaluate] computes the loss on a grid of a line or plane
// (trajectory.Plane) in parallel, one model copy per worker; [Surface] is
// the whole pipeline behind `landscape surface`: the line between two
// checkpoints, or the plane of two filter-normalised random directions (Li
// et al. 2018), of the first two principal directions of the run's
// snapshots, or through three checkpoints, with the run's path placed on it
// and every finished point kept in a resumable [PointLog].
//
// Curvature: a [Curvature] is the Hessian, the generalised Gauss-Newton
// matrix, or the empirical or Monte-Carlo Fisher of the mean cross-entropy
// on a dataset, as an [Operator] known by its exact matrix-vector products;
// the probes of PyHessian take any Operator: [TopEigen] (power iteration
// with deflation), [Trace] (Hutchinson) and [Density] (stochastic Lanczos
// quadrature, [DensityGrid]). [Probe] is the pipeline behind
// `landscape hessian`.
//
// Runs enter as [Checkpoint]s that load their weights, so the package
// reads no run directory itself; it prints nothing and computes plain Go
// values (with JSON encodings for the files the commands write).
package landscape
