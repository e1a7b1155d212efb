// Package engine trains an nn.Model on a device.Device: weights, gradients,
// activations and optimizer state stay resident on the device, and the host
// only sends each batch and reads back the per-row losses and hits.
//
// New compiles the model's layer list into device operations (it names the
// first layer or optimizer it cannot run) and uploads the weights and the
// optimizer's state, so that a run resumed from a CPU checkpoint continues on
// the device. Step is train.Stepper's step on the device, Evaluate a batch
// in evaluation mode. ToHost downloads
// the weights and the optimizer state into the host model and optimizer, in
// the names and shapes their State methods use, so snapshots, checkpoints and
// evaluation run the existing CPU code; FromHost uploads them again.
package engine
