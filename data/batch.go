package data

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Domain constants keep the random streams of epochs and of the train/test
// split apart even when they share a seed.
const (
	epochDomain = 0x6570_6f63_6873_6875 // "epochshu"
	splitDomain = 0x7472_6169_6e74_6573 // "traintes"
)

// Permutation returns a random permutation of 0..n-1 that depends only on
// seed and epoch: a resumed run that knows both gets the same order without
// saved generator state. The stream is math/rand/v2's PCG seeded from
// (seed, epoch), and the shuffle is an unbiased Fisher-Yates written here, so
// the result does not change with the Go release.
func Permutation(n int, seed uint64, epoch int) []int {
	p := make([]int, n)
	permuteEpoch(p, seed, epoch)
	return p
}

func permuteEpoch(p []int, seed uint64, epoch int) {
	permute(p, mix(seed), mix(uint64(int64(epoch))^epochDomain))
}

// permute fills p with a permutation of 0..len(p)-1 drawn from a PCG seeded
// with (s1, s2). It does not allocate.
func permute(p []int, s1, s2 uint64) {
	for i := range p {
		p[i] = i
	}
	var src rand.PCG
	src.Seed(s1, s2)
	for i := len(p) - 1; i > 0; i-- {
		j := uniform(&src, uint64(i)+1)
		p[i], p[j] = p[j], p[i]
	}
}

// uniform returns a uniform integer in [0, n) by Lemire's multiply-and-reject
// method.
func uniform(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// mix is SplitMix64's finaliser: it spreads nearby seeds (0, 1, 2, ...) over
// the whole 64-bit range before they seed a PCG.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Batcher cuts a dataset into mini-batches, epoch after epoch, like a PyTorch
// DataLoader with drop_last=False: StepsPerEpoch batches of the batch size,
// the last one smaller when the size does not divide the dataset. With
// shuffling, epoch e visits the samples in the order Permutation(n, seed, e);
// without, in the dataset's order. A Batcher caches the current epoch's order
// and is not safe for concurrent use.
type Batcher struct {
	d       *Dataset
	size    int
	shuffle bool
	seed    uint64

	perm      []int // order of the cached epoch, when shuffling
	permEpoch int
	permOK    bool
}

// NewBatcher returns a Batcher over d with batches of batchSize samples
// (0 means the whole dataset as one batch), shuffled with seed if shuffle is
// set. It fails for a negative batch size or an empty dataset.
func NewBatcher(d *Dataset, batchSize int, shuffle bool, seed uint64) (*Batcher, error) {
	switch {
	case batchSize < 0:
		return nil, fmt.Errorf("data: batch size %d is negative", batchSize)
	case d == nil || d.Len() == 0:
		return nil, errors.New("data: batcher over an empty dataset")
	case len(d.X) != d.Len()*d.Features():
		return nil, fmt.Errorf("data: %s: %d values for %d samples of %d features", d.Name, len(d.X), d.Len(), d.Features())
	}
	if batchSize == 0 || batchSize > d.Len() {
		batchSize = d.Len()
	}
	return &Batcher{d: d, size: batchSize, shuffle: shuffle, seed: seed}, nil
}

// BatchSize returns the number of samples in every batch but perhaps the
// last.
func (b *Batcher) BatchSize() int { return b.size }

// StepsPerEpoch returns the number of batches in an epoch, ceil(N/size).
func (b *Batcher) StepsPerEpoch() int { return (b.d.Len() + b.size - 1) / b.size }

// Batch returns batch i of the given epoch: xOut holds its samples row-major
// (Features() values each) and yOut their labels (LabelsPerSample() each).
// They are appended to x[:0] and y[:0], so passing back the previous call's
// results makes Batch allocate nothing once the buffers have grown. It
// panics unless 0 <= i < StepsPerEpoch().
func (b *Batcher) Batch(epoch, i int, x []float64, y []int) (xOut []float64, yOut []int) {
	steps := b.StepsPerEpoch()
	if i < 0 || i >= steps {
		panic(fmt.Sprintf("data: batch %d out of range [0, %d)", i, steps))
	}
	n, f, k := b.d.Len(), b.d.Features(), b.d.LabelsPerSample()
	lo, hi := i*b.size, min((i+1)*b.size, n)
	x, y = x[:0], y[:0]
	if !b.shuffle {
		return append(x, b.d.X[lo*f:hi*f]...), append(y, b.d.Y[lo*k:hi*k]...)
	}
	if !b.permOK || b.permEpoch != epoch {
		if b.perm == nil {
			b.perm = make([]int, n)
		}
		permuteEpoch(b.perm, b.seed, epoch)
		b.permEpoch, b.permOK = epoch, true
	}
	for _, j := range b.perm[lo:hi] {
		x = append(x, b.d.X[j*f:(j+1)*f]...)
		y = append(y, b.d.Labels(j)...)
	}
	return x, y
}
