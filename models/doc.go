// Package models is the toolkit's zoo: networks built from package nn's
// layers with PyTorch's module names, so that a state_dict written by the
// PyTorch module of the same definition loads by name. It holds a
// multi-layer perceptron, the paper's Figure-1 toy for iris, a small CNN,
// the CIFAR ResNets of depth 6n+2, and a small GPT.
//
// Build constructs a model from a Config; Archs lists the names it accepts.
package models

// numel is the number of elements of a tensor of the given shape.
func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// splitmix is SplitMix64's finaliser, which spreads nearby seeds; it must
// stay identical to the one nn's Dropout uses, so that a seeded gpt keeps
// its dropout masks.
func splitmix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
