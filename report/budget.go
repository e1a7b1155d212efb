package report

import (
	"encoding/json"
	"fmt"
	"slices"
)

// maxPageBytes is the size a page is kept under: a browser opens a page of
// 10 MB in a moment, and its renderer stays well under a gigabyte.
const maxPageBytes = 10 << 20

// pageSlack is what a page holds beyond its charts' data and its scripts:
// the text, tables, settings and markup.
const pageSlack = 256 << 10

// fitFullData decides which charts' downloads keep the data as it was
// before decimation (chartSpec.Full) on a page that may hold budget bytes
// of chart data: the data drawn always stays, and then, chart by chart in
// page order, the full data where it still fits. A chart whose full data
// does not fit offers what it draws for download, and says so.
func fitFullData(specs []*chartSpec, budget int) error {
	left := budget - pageSlack
	size := func(v any) (int, error) {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, fmt.Errorf("report: encode chart data: %w", err)
		}
		return len(b), nil
	}
	drawn := 0
	for _, s := range specs {
		n, err := size(s.Tables)
		if err != nil {
			return err
		}
		m, err := size(s.Option)
		if err != nil {
			return err
		}
		drawn += n + m
	}
	if drawn > left {
		saved, err := shortenGrids(specs, drawn-left)
		if err != nil {
			return err
		}
		drawn -= saved
	}
	left -= drawn
	for _, s := range specs {
		if s.Full == nil {
			continue
		}
		n, err := size(s.Full)
		if err != nil {
			return err
		}
		if n <= left {
			left -= n
			continue
		}
		s.Full = nil
		s.DownloadNote = fmt.Sprintf("The downloads hold the points drawn, not every point: all of them (%.1f MB) would make the page too large to open well.", float64(n)/(1<<20))
		s.Notes = append(s.Notes, s.DownloadNote)
	}
	return nil
}

// shortenGrids writes float64 grids (a contour's or a surface's values) to
// float32, chart by chart from the largest, until need bytes are saved: seven
// significant digits are far more than a colour band or a tooltip shows, and
// a page with a dozen 200 x 200 grids (Figure 1 with six optimizers) would
// otherwise pass maxPageBytes. Each chart that was shortened says so; the
// exact values stay in the files the command wrote beside the page.
func shortenGrids(specs []*chartSpec, need int) (int, error) {
	type cand struct {
		s *chartSpec
		t *table
	}
	var cs []cand
	for _, s := range specs {
		for _, t := range s.Tables {
			if t.Grid != nil && t.Grid.Enc == "f64" {
				cs = append(cs, cand{s, t})
			}
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return len(b.t.Grid.Values) - len(a.t.Grid.Values) })
	saved := 0
	for _, c := range cs {
		if saved >= need {
			break
		}
		before := len(c.t.Grid.Values)
		if err := c.t.Grid.toF32(); err != nil {
			return saved, fmt.Errorf("report: %s: %w", c.t.Name, err)
		}
		saved += before - len(c.t.Grid.Values)
		c.s.Notes = append(c.s.Notes, fmt.Sprintf("The page holds the %s values to float32 precision (7 significant digits) to stay under %d MB; the files written beside it hold them exactly.", c.t.Name, maxPageBytes>>20))
	}
	return saved, nil
}
