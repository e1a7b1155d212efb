package train

import (
	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/nn"
)

// batchAt assembles batch i of an epoch: its samples (augmented when the run
// says so) and their labels, in buffers reused by the next batch.
func (s *session[T]) batchAt(epoch, i int) (*nn.Tensor[T], []int) {
	idx := s.indices(epoch, i)
	sample := numel(s.train.Shape)
	in := resizeT(&s.input, append([]int{len(idx)}, s.train.Shape...))
	s.labels = s.labels[:0]
	for r, j := range idx {
		dst := in.Data[r*sample : (r+1)*sample]
		if s.aug != nil {
			if cap(s.sample) < sample {
				s.sample = make([]T, sample)
			}
			src := s.sample[:sample]
			s.xs.read(j, j+1, src)
			data.Augment(*s.aug, dst, src, s.train.Shape, s.train.ZeroPixel, s.cfg.Seed, epoch, j)
		} else {
			s.xs.read(j, j+1, dst)
		}
		s.labels = append(s.labels, s.train.Labels(j)...)
	}
	return in, s.labels
}

// indices returns the training samples of batch i of an epoch. The order
// depends only on the seed and the epoch, so a resumed run sees the same
// batches as an uninterrupted one.
func (s *session[T]) indices(epoch, i int) []int {
	n := s.train.Len()
	if s.perm == nil || s.permEpoch != epoch {
		if s.cfg.Shuffle {
			s.perm = data.Permutation(n, s.cfg.Seed, epoch)
		} else if s.perm == nil {
			s.perm = make([]int, n)
			for j := range s.perm {
				s.perm[j] = j
			}
		}
		s.permEpoch = epoch
	}
	lo := i * s.batch
	return s.perm[lo:min(lo+s.batch, n)]
}

func resizeT[T nn.Float](t *nn.Tensor[T], shape []int) *nn.Tensor[T] {
	n := numel(shape)
	if cap(t.Data) < n {
		t.Data = make([]T, n)
	}
	t.Data = t.Data[:n]
	t.Shape = append(t.Shape[:0], shape...)
	return t
}

func numel(shape []int) int {
	n := 1
	for _, v := range shape {
		n *= v
	}
	return n
}
