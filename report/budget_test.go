package report

import (
	"fmt"
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
