// Package train runs the training loop: batches, forward and backward passes
// with curvature capture on the steps an optimizer asks for, learning-rate
// schedules, metrics every step, weight snapshots every N steps, a wall-clock
// budget, checkpoints and resumption that reproduces an uninterrupted run.
//
// Run trains from a Config and writes a run directory; Resume continues one.
// Stepper is one training step on its own (forward, loss, backward, and the
// update with what the optimizer's Needs ask for), for benchmarks and
// notebooks. Errors in a Config are *SettingError, naming settings as
// run.json does; a command maps them to its flags.
package train
