package report

import (
	"encoding/json"
	"fmt"
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
	for _, s := range specs {
		n, err := size(s.Tables)
		if err != nil {
			return err
		}
		m, err := size(s.Option)
		if err != nil {
			return err
		}
		left -= n + m
	}
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
