package experiment

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/report"
)

// Figure 1 as `landscape trajectory --dataset iris` draws it by default
// (all six optimizers on a 200 x 200 grid: thirteen contours and seven 3-D
// surfaces) makes a page a browser opens: at most 10 MB.
func TestFigure1PageFits(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates six 200 x 200 surfaces")
	}
	out := t.TempDir()
	res, err := Figure1(t.Context(), Figure1Config{Seed: 1, Epochs: 3, BatchSize: 10, Grid: 200, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Paths) != 6 {
		t.Fatalf("%d paths, want the six optimizers of Figure 1", len(res.Paths))
	}
	if err := WriteFigure1Page(out, res, report.Options{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("page %.2f MB", float64(fi.Size())/(1<<20))
	if fi.Size() > 10<<20 {
		t.Errorf("Figure 1 page is %.2f MB, want at most 10 MB", float64(fi.Size())/(1<<20))
	}
}
