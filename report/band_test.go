package report

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBandValidate(t *testing.T) {
	ok := BandSeries{Series: Series{Name: "adam", X: []float64{1, 2}, Y: []float64{0.5, 0.6}}, Lo: []float64{0.4, math.NaN()}, Hi: []float64{0.6, math.NaN()}}
	for _, c := range []struct {
		edit func(*BandSeries)
		want string
	}{
		{func(s *BandSeries) {}, ""},
		{func(s *BandSeries) { s.Lo = s.Lo[:1] }, "bounds of 1 and 2"},
		{func(s *BandSeries) { s.Lo = []float64{0.7, 0.5} }, "from 0.7 down to 0.6"},
		{func(s *BandSeries) { s.Y = s.Y[:1] }, "1 y values"},
	} {
		s := ok
		c.edit(&s)
		err := Band{Title: "b", Series: []BandSeries{s}}.validate()
		if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// Each band adds two stacked series after the lines, bound to their tables:
// the low bound and the width, whose sum is the high bound.
func TestBandChart(t *testing.T) {
	b := Band{Title: "b", XLabel: "epoch", YLabel: "acc", Series: []BandSeries{
		{Series: Series{Name: "adam", X: []float64{1, 2, 3}, Y: []float64{0.5, 0.6, 0.7}}, Lo: []float64{0.4, 0.5, 0.6}, Hi: []float64{0.6, 0.8, 0.7}},
		{Series: Series{Name: "sgd", X: []float64{1, 2}, Y: []float64{0.3, 0.4}}, Lo: []float64{0.3, 0.3}, Hi: []float64{0.3, 0.5}, BandName: "sgd ± std"},
	}}
	spec, err := b.chart()
	if err != nil {
		t.Fatal(err)
	}
	list := spec.Option["series"].([]any)
	if len(list) != 6 || len(spec.Tables) != 6 || len(spec.Binds) != 6 {
		t.Fatalf("%d series, %d tables, %d binds, want 6 each", len(list), len(spec.Tables), len(spec.Binds))
	}
	for i, want := range []struct {
		name, stack string
		area        bool
	}{{"adam", "band0", false}, {"adam", "band0", true}, {"sgd ± std", "band1", false}, {"sgd ± std", "band1", true}} {
		s := list[2+i].(map[string]any)
		_, area := s["areaStyle"]
		if s["name"] != want.name || s["stack"] != want.stack || area != want.area {
			t.Errorf("band series %d: %v", i, s)
		}
		if bd := spec.Binds[2+i]; bd.Series != 2+i || bd.Table != 2+i {
			t.Errorf("bind %d: %+v", 2+i, bd)
		}
	}
	lo, width := spec.Tables[2].Data[1], spec.Tables[3].Data[1]
	for k, hi := range b.Series[0].Hi {
		if math.Abs(lo[k]+width[k]-hi) > 1e-15 {
			t.Errorf("point %d: %v + %v != %v", k, lo[k], width[k], hi)
		}
	}
}

func TestBandPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "band.png")
	b := Band{Title: "b", Series: []BandSeries{{Series: Series{Name: "adam", X: []float64{1, 2, 3, 4}, Y: []float64{0.5, 0.6, 0.7, 0.7}},
		Lo: []float64{0.4, 0.5, math.NaN(), 0.6}, Hi: []float64{0.6, 0.8, math.NaN(), 0.8}}}}
	if err := WritePNG(b, path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() < 1000 {
		t.Fatalf("PNG: %v", err)
	}
}
