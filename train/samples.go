package train

import (
	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/nn"
)

// samples is a split's samples as a run reads them: in T, or for 8-bit
// images (data.Dataset.Pixels: CIFAR-10) as their bytes, a quarter of
// float32's memory (150 MB for CIFAR-10's training set, as torchvision
// keeps it, against 614 MB), decoded through a per-channel table of the T
// values the bytes stand for: the values X would hold, bit for bit.
type samples[T nn.Float] struct {
	x     []T // the samples in T, or nil
	b     []uint8
	table [][256]T
	size  int // values per sample
	plane int // values per channel of a sample (bytes only)
}

// newSamples returns d's samples: its bytes when it keeps them
// (data.Options.Bytes), else its values in T (d's own when T is float64).
func newSamples[T nn.Float](d *data.Dataset) samples[T] {
	size := d.Features()
	if d.X == nil && d.Pixels != nil {
		s := samples[T]{b: d.Pixels, table: make([][256]T, len(d.Levels)), size: size, plane: size / len(d.Levels)}
		for c, levels := range d.Levels {
			for b, v := range levels {
				s.table[c][b] = T(v)
			}
		}
		return s
	}
	xs, ok := any(d.X).([]T)
	if !ok {
		xs = make([]T, len(d.X))
		for i, v := range d.X {
			xs[i] = T(v)
		}
	}
	return samples[T]{x: xs, size: size}
}

// read writes samples [lo, hi) into dst.
func (s *samples[T]) read(lo, hi int, dst []T) {
	if s.x != nil {
		copy(dst, s.x[lo*s.size:hi*s.size])
		return
	}
	src := s.b[lo*s.size : hi*s.size]
	dst = dst[:len(src)]
	for q := 0; q < len(src); q += s.plane {
		t := &s.table[q%s.size/s.plane]
		out := dst[q : q+s.plane]
		for k, b := range src[q : q+s.plane] {
			out[k] = t[b]
		}
	}
}
