package data

import (
	"slices"
	"testing"
)

func image(c, h, w int) []float64 {
	x := make([]float64, c*h*w)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

func TestAugmentDeterministic(t *testing.T) {
	shape := []int{3, 8, 8}
	src := image(3, 8, 8)
	a := Augmentation{Pad: 2, Flip: true, Cutout: 4}
	out := func(seed uint64, epoch, sample int) []float64 {
		dst := make([]float64, len(src))
		Augment(a, dst, src, shape, []float64{-1, -2, -3}, seed, epoch, sample)
		return dst
	}
	if !slices.Equal(out(1, 2, 3), out(1, 2, 3)) {
		t.Fatal("the same (seed, epoch, sample) gives different images")
	}
	differ := 0
	for e := 0; e < 10; e++ {
		if !slices.Equal(out(1, e, 3), out(1, e+1, 3)) {
			differ++
		}
	}
	if differ < 8 {
		t.Errorf("only %d of 10 epoch pairs differ", differ)
	}
	// float32 makes the same choices.
	src32 := make([]float32, len(src))
	for i, v := range src {
		src32[i] = float32(v)
	}
	dst32 := make([]float32, len(src))
	Augment(a, dst32, src32, shape, []float64{-1, -2, -3}, 1, 2, 3)
	for i, v := range out(1, 2, 3) {
		if float64(dst32[i]) != v {
			t.Fatalf("float32 differs at %d", i)
		}
	}
}

// TestAugmentParts checks each part on its own against its definition.
func TestAugmentParts(t *testing.T) {
	shape := []int{1, 4, 5}
	src := image(1, 4, 5)
	dst := make([]float64, len(src))
	// Flip only: every image is itself or its mirror.
	flips := 0
	for s := 0; s < 20; s++ {
		Augment(Augmentation{Flip: true}, dst, src, shape, nil, 7, 0, s)
		if slices.Equal(dst, src) {
			continue
		}
		flips++
		for y := 0; y < 4; y++ {
			for x := 0; x < 5; x++ {
				if dst[y*5+x] != src[y*5+4-x] {
					t.Fatalf("sample %d is neither the image nor its mirror: %v", s, dst)
				}
			}
		}
	}
	if flips == 0 || flips == 20 {
		t.Errorf("%d of 20 flipped", flips)
	}
	// Crop only: a shifted copy with the fill in the padding.
	for s := 0; s < 20; s++ {
		Augment(Augmentation{Pad: 1}, dst, src, shape, []float64{-9}, 7, 0, s)
		var dy, dx int
		found := false
		for oy := -1; oy <= 1 && !found; oy++ {
			for ox := -1; ox <= 1 && !found; ox++ {
				ok := true
				for y := 0; y < 4; y++ {
					for x := 0; x < 5; x++ {
						want := -9.0
						if sy, sx := y+oy, x+ox; sy >= 0 && sy < 4 && sx >= 0 && sx < 5 {
							want = src[sy*5+sx]
						}
						ok = ok && dst[y*5+x] == want
					}
				}
				if ok {
					dy, dx, found = oy, ox, true
				}
			}
		}
		if !found {
			t.Fatalf("sample %d is no shift of the image: %v", s, dst)
		}
		_, _ = dy, dx
	}
	// Cutout only: a block of zeros of at most 2x2, the rest unchanged.
	for s := 0; s < 20; s++ {
		Augment(Augmentation{Cutout: 2}, dst, src, shape, nil, 7, 0, s)
		zeros := 0
		for i, v := range dst {
			if v == 0 {
				zeros++
			} else if v != src[i] {
				t.Fatalf("cutout changed a pixel outside the hole")
			}
		}
		if zeros < 1 || zeros > 4 {
			t.Fatalf("cutout of %d pixels", zeros)
		}
	}
}
