// Package data provides the toolkit's datasets and the plumbing around them:
// loaders for CSV files, IDX files (MNIST, Fashion-MNIST) and the bundled iris
// and digits sets; train/test splits and feature standardisation; and seeded
// shuffling and batching.
//
// Every random choice is a pure function of a seed (and, for shuffling, the
// epoch), so a run that is stopped and resumed sees exactly the same splits and
// batch orders without saving any random-number-generator state.
package data
