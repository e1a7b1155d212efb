package data

import (
	"strings"
	"testing"
)

func TestParseAugmentation(t *testing.T) {
	for _, c := range []struct {
		name string
		want Augmentation
		ok   bool
	}{
		{"", Augmentation{}, false},
		{"none", Augmentation{}, false},
		{"standard", Augmentation{Pad: 4, Flip: true, Cutout: 16}, true},
		{"crop-flip", Augmentation{Pad: 4, Flip: true}, true},
	} {
		a, ok, err := ParseAugmentation(c.name)
		if err != nil || ok != c.ok || a != c.want {
			t.Errorf("%q: %+v %v %v, want %+v %v", c.name, a, ok, err, c.want, c.ok)
		}
	}
	if _, _, err := ParseAugmentation("cutout"); err == nil || !strings.Contains(err.Error(), "crop-flip") {
		t.Errorf("unknown name: error %v, want one listing the names", err)
	}
}

// TestCropFlipHasNoHole checks the analysis runs' augmentation on a
// CIFAR-sized image: every output pixel is a pixel of the image or the
// padding's fill, never a cutout's 0, and some samples are shifted.
func TestCropFlipHasNoHole(t *testing.T) {
	shape := []int{3, 32, 32}
	src := image(3, 32, 32) // values 1 ... 3072, all distinct and nonzero
	dst := make([]float64, len(src))
	fill := []float64{-1, -2, -3}
	moved := 0
	for s := 0; s < 50; s++ {
		Augment(CropFlipAugmentation, dst, src, shape, fill, 1, 0, s)
		for i, v := range dst {
			ch := i / 1024
			if v == 0 || (v < 0 && v != fill[ch]) || (v > 0 && int(v-1)/1024 != ch) {
				t.Fatalf("sample %d: pixel %d is %g: neither the image's (channel %d) nor the fill", s, i, v, ch)
			}
		}
		if dst[0] != src[0] {
			moved++
		}
	}
	if moved < 25 {
		t.Errorf("only %d of 50 samples moved", moved)
	}
}

func TestLoadChecksAugmentation(t *testing.T) {
	dir := cifarDir(t)
	if _, _, err := Load("cifar10:"+dir, Options{Augmentation: "crop-flip"}); err != nil {
		t.Errorf("cifar10 with crop-flip: %v", err)
	}
	if _, _, err := Load("cifar10:"+dir, Options{Augmentation: "rotate"}); err == nil {
		t.Error("unknown augmentation: no error")
	}
	if _, _, err := Load("iris", Options{Augmentation: "standard"}); err == nil || !strings.Contains(err.Error(), "[C, H, W]") {
		t.Errorf("iris with augmentation: error %v, want one saying it needs images", err)
	}
}
