package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
)

// Dataset is a labelled set of samples held in memory.
type Dataset struct {
	// Name identifies the dataset: "iris", "digits", "fashion-mnist" or the
	// path of a CSV file.
	Name string
	// X holds the samples row-major: Len() rows of Features() values each.
	X []float64
	// Shape is the shape of one sample, e.g. [4] for iris or [1, 8, 8] for an
	// 8x8 single-channel image.
	Shape []int
	// Y holds the class label of each sample, 0 <= Y[i] < Classes, or with
	// Targets > 0 the Targets labels of each sample in turn.
	Y []int
	// Targets is 0 for one class label per sample. A language-model sample
	// of T tokens has Targets = T: the next token after each of its
	// positions, so that the loss runs over all B*T positions of a batch.
	Targets int
	// ZeroPixel holds, per channel, the value a black pixel has after the
	// dataset's normalisation (CIFAR-10: -mean/std); nil means 0. Padding in
	// augmentation fills with it, as torchvision pads before normalising.
	ZeroPixel []float64
	// Levels, when not nil, says that the samples are 8-bit images: every
	// value of channel c is Levels[c][b] for a byte b (CIFAR-10:
	// (b/255 - mean_c)/std_c).
	Levels [][]float64
	// Pixels, when not nil (Options.Bytes), holds the samples as those
	// bytes, laid out as X would be, and X is nil.
	Pixels []uint8
	// Classes is the number of classes: the largest label plus one, or the
	// dataset's known number of classes.
	Classes int
	// FeatureNames names the features when the source does (a CSV header);
	// it is nil otherwise.
	FeatureNames []string
}

// Len returns the number of samples.
func (d *Dataset) Len() int { return len(d.Y) / d.LabelsPerSample() }

// LabelsPerSample is the number of labels of each sample: 1, or Targets.
func (d *Dataset) LabelsPerSample() int { return max(d.Targets, 1) }

// Labels returns the labels of sample i (shared, do not modify).
func (d *Dataset) Labels(i int) []int {
	k := d.LabelsPerSample()
	return d.Y[i*k : (i+1)*k]
}

// Features returns the number of values in one sample, the product of Shape.
func (d *Dataset) Features() int {
	n := 1
	for _, s := range d.Shape {
		n *= s
	}
	return n
}

// Subset returns a new dataset holding copies of the samples at idx, in that
// order. Indices may repeat. It panics if an index is out of range.
func (d *Dataset) Subset(idx []int) *Dataset {
	f := d.Features()
	s := &Dataset{
		Name:    d.Name,
		X:       make([]float64, 0, len(idx)*f),
		Shape:   append([]int(nil), d.Shape...),
		Y:       make([]int, 0, len(idx)*d.LabelsPerSample()),
		Classes: d.Classes,
		Targets: d.Targets,
	}
	if d.ZeroPixel != nil {
		s.ZeroPixel = append([]float64(nil), d.ZeroPixel...)
	}
	if d.FeatureNames != nil {
		s.FeatureNames = append([]string(nil), d.FeatureNames...)
	}
	for _, j := range idx {
		s.X = append(s.X, d.X[j*f:(j+1)*f]...)
		s.Y = append(s.Y, d.Labels(j)...)
	}
	return s
}

// Fingerprint returns the hex SHA-256 of the dataset's contents: its shape,
// the exact bits of X and the labels Y, each preceded by its length. Two
// datasets with the same fingerprint feed a model identical inputs, so it is
// worth recording beside a run's results. Name, Classes and FeatureNames do
// not enter the hash.
func (d *Dataset) Fingerprint() string {
	h := sha256.New()
	buf := make([]byte, 0, 8*1024)
	flush := func() {
		h.Write(buf)
		buf = buf[:0]
	}
	put := func(v uint64) {
		buf = binary.LittleEndian.AppendUint64(buf, v)
		if len(buf) == cap(buf) {
			flush()
		}
	}
	put(uint64(len(d.Shape)))
	for _, s := range d.Shape {
		put(uint64(int64(s)))
	}
	if d.X == nil && d.Pixels != nil {
		// The values the bytes stand for: the hash of the same dataset
		// loaded with X.
		plane := len(d.Pixels) / max(d.Len(), 1) / len(d.Levels)
		put(uint64(len(d.Pixels)))
		for i, b := range d.Pixels {
			put(math.Float64bits(d.Levels[i/plane%len(d.Levels)][b]))
		}
	} else {
		put(uint64(len(d.X)))
		for _, v := range d.X {
			put(math.Float64bits(v))
		}
	}
	put(uint64(len(d.Y)))
	for _, y := range d.Y {
		put(uint64(int64(y)))
	}
	flush()
	return hex.EncodeToString(h.Sum(nil))
}
