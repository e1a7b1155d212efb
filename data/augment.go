package data

import (
	"fmt"
	"math/rand/v2"
)

// Float is the element type augmentation writes: float32 or float64.
type Float interface{ float32 | float64 }

// augmentDomain keeps augmentation's random stream apart from shuffling's.
const augmentDomain = 0x6175_676d_656e_7421 // "augment!"

// Augmentation is the standard CIFAR training augmentation of the paper's
// code (reference section 8.2): RandomCrop(size, padding=Pad), a horizontal
// flip with probability 1/2, then Cutout of one Cutout x Cutout hole, for
// images of shape [C, H, W] already normalised.
//
// The crop is taken from the image padded with black pixels (the dataset's
// ZeroPixel, since torchvision pads before normalising), so it keeps the
// image's size; the hole's centre is uniform over the image and the hole is
// clipped to it, and its pixels are set to 0 (Cutout runs after the
// normalisation). Pad or Cutout 0 switch that part off.
type Augmentation struct {
	Pad    int
	Flip   bool
	Cutout int
}

// StandardAugmentation is crop with padding 4, flip, and a 16-pixel cutout.
var StandardAugmentation = Augmentation{Pad: 4, Flip: true, Cutout: 16}

// CropFlipAugmentation is crop with padding 4 and flip, without cutout: the
// official code's ResNet-18 analysis runs train with it.
var CropFlipAugmentation = Augmentation{Pad: 4, Flip: true}

// AugmentationNames lists the names ParseAugmentation accepts, besides ""
// and "none".
var AugmentationNames = []string{"standard", "crop-flip"}

// ParseAugmentation returns the augmentation named name: "standard"
// (StandardAugmentation), "crop-flip" (CropFlipAugmentation), or "" and
// "none" for none (ok is then false).
func ParseAugmentation(name string) (a Augmentation, ok bool, err error) {
	switch name {
	case "", "none":
		return Augmentation{}, false, nil
	case "standard":
		return StandardAugmentation, true, nil
	case "crop-flip":
		return CropFlipAugmentation, true, nil
	}
	return Augmentation{}, false, fmt.Errorf("data: unknown augmentation %q, want none, standard (crop, flip, cutout 16) or crop-flip", name)
}

// Check reports whether the augmentation applies to samples of the shape.
func (a Augmentation) Check(shape []int) error {
	if len(shape) != 3 {
		return fmt.Errorf("augmentation needs images of shape [C, H, W], not samples of shape %v", shape)
	}
	return nil
}

// Augment writes an augmented copy of the image src (shape [C, H, W]) into
// dst. The random choices are a pure function of (seed, epoch, sample):
// sample is the image's index in the dataset, so a resumed run and a run
// with a different batch size augment every image of an epoch alike. zero
// holds the per-channel value of a black pixel (nil: 0).
func Augment[T Float](a Augmentation, dst, src []T, shape []int, zero []float64, seed uint64, epoch, sample int) {
	c, h, w := shape[0], shape[1], shape[2]
	var rng rand.PCG
	rng.Seed(mix(seed^augmentDomain), mix(uint64(int64(epoch))<<32^uint64(int64(sample))))
	oy, ox := a.Pad, a.Pad // the crop's offset in the padded image
	if a.Pad > 0 {
		oy, ox = int(uniform(&rng, uint64(2*a.Pad+1))), int(uniform(&rng, uint64(2*a.Pad+1)))
	}
	flip := a.Flip && rng.Uint64()&1 == 1
	cy, cx := -1, -1
	if a.Cutout > 0 {
		cy, cx = int(uniform(&rng, uint64(h))), int(uniform(&rng, uint64(w)))
	}
	for ch := 0; ch < c; ch++ {
		var fill T
		if zero != nil {
			fill = T(zero[ch])
		}
		plane, out := src[ch*h*w:(ch+1)*h*w], dst[ch*h*w:(ch+1)*h*w]
		for y := 0; y < h; y++ {
			sy := y + oy - a.Pad
			for x := 0; x < w; x++ {
				xx := x
				if flip {
					xx = w - 1 - x
				}
				sx := xx + ox - a.Pad
				if sy < 0 || sy >= h || sx < 0 || sx >= w {
					out[y*w+x] = fill
				} else {
					out[y*w+x] = plane[sy*w+sx]
				}
			}
		}
		if a.Cutout > 0 {
			half := a.Cutout / 2
			for y := max(cy-half, 0); y < min(cy+a.Cutout-half, h); y++ {
				clear(out[y*w+max(cx-half, 0) : y*w+min(cx+a.Cutout-half, w)])
			}
		}
	}
}
