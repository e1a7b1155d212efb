// Package experiment runs multi-run jobs: a typed configuration in, a typed
// result out, so that the command line, a notebook or a test call the same
// function.
//
//   - Figure1 reproduces the paper's Figure 1: the toy model on iris, trained
//     from one start by each optimizer, its weight paths over the
//     interpolated and the evaluated loss surfaces.
//   - Compare trains one model with several optimizers for the same
//     wall-clock time, keeping finished runs and resuming interrupted ones.
//   - Sweep trains a grid of optimizers, learning rates, batch sizes and
//     seeds and summarises each setting over its seeds (SweepSummary:
//     mean, sample std, min, max), as the paper's Table 2 and Figure 5.
//   - TrajectoryOfRuns puts the weight snapshots of several runs into one
//     PCA plane and evaluates the loss on it.
//
// A job is a list of cells (one training run each) in a deterministic order;
// a cluster.Shard selects a share of them (ShardCells), so that separate processes can train the
// cells of one job and a last one summarises. Progress arrives as Events
// through a callback: this package never prints.
//
// The Write*Page functions draw the results as HTML pages with package
// report.
package experiment
