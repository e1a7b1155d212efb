package report

import (
	"image"
	"image/color"
	_ "image/png"
	"os"
	"path/filepath"
	"testing"
)

// Every figure kind draws as a PNG of its size, with something on it.
func TestPNG(t *testing.T) {
	dir := t.TempDir()
	for i, f := range galleryPage().Figures() {
		t.Run(f.FigureTitle(), func(t *testing.T) {
			path := filepath.Join(dir, slug(f.FigureTitle())+".png")
			if err := WritePNG(f, path); err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, path)
			pf, err := f.plot()
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != pf.w || b.Dy() != pf.h {
				t.Errorf("figure %d: %dx%d pixels, want %dx%d", i+1, b.Dx(), b.Dy(), pf.w, pf.h)
			}
			if colours(img) < 8 {
				t.Errorf("figure %d looks blank: %d colours", i+1, colours(img))
			}
		})
	}
}

// The PNG of a matrix too large for the page keeps every cell: it has at
// least a pixel for each.
func TestHeatmapPNGKeepsEveryCell(t *testing.T) {
	m := make([][]float64, 700)
	for i := range m {
		m[i] = make([]float64, 900)
		for j := range m[i] {
			m[i][j] = float64((i + j) % 2) // a checkerboard: averaging would make it flat
		}
	}
	path := filepath.Join(t.TempDir(), "m.png")
	if err := WritePNG(Heatmap{Title: "checkerboard", Values: m}, path); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, path)
	if b := img.Bounds(); b.Dx() < 900+colorBarWidth || b.Dy() < 700 {
		t.Errorf("%dx%d pixels for a 700x900 matrix", b.Dx(), b.Dy())
	}
	// Every cell keeps pixels of its own colour: averaging or resampling
	// would blend the checkerboard into the middle of the scale.
	low, high := sequential.at(0), sequential.at(1)
	n := map[color.NRGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			n[color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)]++
		}
	}
	if n[low] < 700*900/2 || n[high] < 700*900/2 {
		t.Errorf("%d and %d pixels of the checkerboard's two colours, want at least %d each", n[low], n[high], 700*900/2)
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// colours counts the distinct colours of an image, up to 64.
func colours(img image.Image) int {
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}] = true
			if len(seen) >= 64 {
				return 64
			}
		}
	}
	return len(seen)
}
