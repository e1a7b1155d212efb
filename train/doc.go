// Package train runs the training loop: batches, forward and backward passes
// with curvature capture on the steps an optimizer asks for, learning-rate
// schedules, metrics every step, weight snapshots every N steps, a wall-clock
// budget, checkpoints and resumption that reproduces an uninterrupted run.
package train
