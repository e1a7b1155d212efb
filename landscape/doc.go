// Package landscape evaluates a model's loss away from the weights it was
// trained to: along lines between checkpoints and on planes (spanned by PCA
// directions of a trajectory, by filter-normalised random directions, or
// through three checkpoints, or by two chosen coordinates). Grid points are
// evaluated in parallel, one model copy per worker, and reported as they
// finish so that a caller can persist them and resume an interrupted grid.
package landscape
