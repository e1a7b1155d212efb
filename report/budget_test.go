package report

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// A long series is drawn decimated; its downloads hold every point while
// the page has room for them, and the points drawn, said so, when not.
func TestFullDataWithinBudget(t *testing.T) {
	line := func(series, points int) Line {
		l := Line{Title: "loss"}
		for i := range series {
			x, y := wave(points, float64(i))
			l.Series = append(l.Series, Series{Name: fmt.Sprint("run ", i), X: x, Y: y})
		}
		return l
	}
	cases := []struct {
		name           string
		lines          []Line
		budget         int
		full           []bool // per chart: downloads hold every point
		drawnPerSeries int    // most points drawn per series
	}{
		{"short series", []Line{line(2, 3000)}, 8 << 20, []bool{false}, 3000},
		{"one long series", []Line{line(1, 100_000)}, 8 << 20, []bool{true}, maxLinePoints},
		{"too long for the page", []Line{line(6, 200_000)}, 8 << 20, []bool{false}, maxLinePoints},
		{"the first that fits", []Line{line(1, 100_000), line(1, 100_000)}, 3 << 20, []bool{true, false}, maxLinePoints},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var specs []*chartSpec
			for _, l := range c.lines {
				s, err := l.chart()
				if err != nil {
					t.Fatal(err)
				}
				specs = append(specs, s)
			}
			if err := fitFullData(specs, c.budget); err != nil {
				t.Fatal(err)
			}
			for i, s := range specs {
				for k, tb := range s.Tables {
					if n := len(tb.Data[0]); n > c.drawnPerSeries {
						t.Errorf("chart %d series %d: %d points drawn, want at most %d", i, k, n, c.drawnPerSeries)
					}
				}
				decimated := len(c.lines[i].Series[0].X) > maxLinePoints
				switch {
				case c.full[i]:
					if len(s.Full) != len(c.lines[i].Series) || len(s.Full[0].Data[0]) != len(c.lines[i].Series[0].X) || s.DownloadNote != "" {
						t.Errorf("chart %d: downloads of %d tables, note %q; want every point of every series", i, len(s.Full), s.DownloadNote)
					}
				case decimated:
					if s.Full != nil || !strings.Contains(s.DownloadNote, "points drawn") || !strings.Contains(strings.Join(s.Notes, " "), s.DownloadNote) {
						t.Errorf("chart %d: full data kept (%v) or no note (%q)", i, s.Full != nil, s.DownloadNote)
					}
				default:
					if s.Full != nil || s.DownloadNote != "" {
						t.Errorf("chart %d of short series has separate downloads", i)
					}
				}
			}
		})
	}
}

// Subsampling keeps the grid's first and last lines and at most limit lines.
func TestStrided(t *testing.T) {
	for _, c := range []struct{ n, limit, k, len int }{
		{50, 101, 1, 50}, {101, 101, 1, 101}, {102, 101, 2, 52}, {200, 101, 2, 101}, {201, 101, 2, 101}, {1001, 101, 10, 101}, {1002, 101, 11, 92},
	} {
		idx, k := strided(c.n, c.limit)
		if k != c.k || len(idx) != c.len || idx[0] != 0 || idx[len(idx)-1] != c.n-1 || len(idx) > c.limit {
			t.Errorf("strided(%d, %d) = %d indices, stride %d, last %d; want %d, %d, %d", c.n, c.limit, len(idx), k, idx[len(idx)-1], c.len, c.k, c.n-1)
		}
		for i := 1; i < len(idx)-1; i++ {
			if idx[i]-idx[i-1] != k {
				t.Errorf("strided(%d, %d): step %d at %d", c.n, c.limit, idx[i]-idx[i-1], i)
			}
		}
	}
}

// A page of many large grids keeps under its budget by writing the largest
// grids to float32, says so under each chart it shortened, and leaves the
// grids of a page that fits at full precision.
func TestGridsShortenedToFitBudget(t *testing.T) {
	x, y, z := bowl(200)
	contours := func(n int) []*chartSpec {
		var specs []*chartSpec
		for i := range n {
			s, err := Contour{Title: fmt.Sprint("c", i), X: x, Y: y, Z: z}.chart()
			if err != nil {
				t.Fatal(err)
			}
			specs = append(specs, s)
		}
		return specs
	}
	// d: the bytes one chart draws; g: what writing its grid to float32 saves.
	one := contours(1)[0]
	d := len(mustJSON(t, one.Tables)) + len(mustJSON(t, one.Option))
	g := len(one.Tables[0].Grid.Values) / 2
	for _, c := range []struct {
		name      string
		charts    int
		budget    int
		shortened int
	}{
		{"fits", 2, pageSlack + 2*d, 0},
		{"two of six", 6, pageSlack + 6*d - 3*g/2, 2},
		{"all of twelve", 12, pageSlack + 12*d - 23*g/2, 12},
		{"too many to fit", 12, pageSlack + 6*d, 12},
	} {
		t.Run(c.name, func(t *testing.T) {
			specs := contours(c.charts)
			if err := fitFullData(specs, c.budget); err != nil {
				t.Fatal(err)
			}
			short := 0
			for i, s := range specs {
				g := s.Tables[0].Grid
				noted := strings.Contains(strings.Join(s.Notes, " "), "float32 precision")
				if (g.Enc == "f32") != noted {
					t.Errorf("chart %d: grid %s, note %v", i, g.Enc, noted)
				}
				if g.Enc != "f32" {
					continue
				}
				short++
				got := values32(t, g)
				for k, v := range flatten(z) {
					if got[k] != float32(v) {
						t.Fatalf("chart %d value %d: %v, want float32(%v)", i, k, got[k], v)
					}
				}
			}
			if short != c.shortened {
				t.Errorf("%d grids shortened, want %d", short, c.shortened)
			}
		})
	}
}

func values32(t *testing.T, g *grid) []float32 {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(g.Values)
	if err != nil || len(b) != 4*g.Rows*g.Cols {
		t.Fatalf("grid of %d x %d: %d bytes, %v", g.Rows, g.Cols, len(b), err)
	}
	out := make([]float32, g.Rows*g.Cols)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
