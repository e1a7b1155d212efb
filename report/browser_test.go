package report

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/report/reporttest"
)

// requireJS returns node_modules, or skips (fails in CI) without it.
func requireJS(t *testing.T) string {
	t.Helper()
	js, err := LoadJS("")
	reporttest.NeedJS(t, err)
	return js.Dir
}

// checkDrawn fails unless every chart of the page drew into a canvas with no
// JavaScript error.
func checkDrawn(t *testing.T, s reporttest.Status, charts int) {
	t.Helper()
	if errs := s.AllErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors:\n%s", strings.Join(errs, "\n"))
	}
	if s.Charts != charts || s.Rendered != charts || !s.Done {
		t.Errorf("%d of %d charts drawn (done %v), want %d", s.Rendered, s.Charts, s.Done, charts)
	}
	for i, n := range s.Canvases {
		if n == 0 {
			t.Errorf("chart %d has no canvas", i+1)
		}
	}
}

// Every kind of figure draws in a browser, and its data downloads.
func TestGalleryInBrowser(t *testing.T) {
	nm := requireJS(t)
	reporttest.Chromium(t)
	t.Parallel()
	path := filepath.Join(t.TempDir(), "gallery.html")
	if err := galleryPage().WriteFile(path, Options{JSDir: nm}); err != nil {
		t.Fatal(err)
	}
	s := reporttest.Open(t, path, reporttest.Options{SelfTest: true})
	checkDrawn(t, s, 7)
	want := []struct {
		rows   int
		header string
	}{
		{600, "series,step,loss"},
		{25, "series,PC1,PC2,step"},
		{64 * 48, "series,column,row,entry"},
		{-1, "series,PC1,PC2,loss,x1,y1,x2,y2"},
		{61*61 + 20, "series,PC1,PC2,loss"},
		{9, "series,centre (real),centre (imaginary),radius,real part,imaginary part"},
		{-1, "series,from,to,count"},
	}
	if len(s.SelfTest) != len(want) {
		t.Fatalf("downloads of %d charts, want %d", len(s.SelfTest), len(want))
	}
	for i, w := range want {
		got := s.SelfTest[i]
		if w.rows >= 0 && got.CSVRows != w.rows || got.CSVHeader != w.header || got.JSONTables == 0 {
			t.Errorf("chart %d: CSV of %d rows under %q, %d JSON tables; want %d rows under %q", i+1, got.CSVRows, got.CSVHeader, got.JSONTables, w.rows, w.header)
		}
	}
}

// A page of a 2000x2000 matrix stays under 5 MB and opens.
func TestLargeHeatmapPage(t *testing.T) {
	nm := requireJS(t)
	reporttest.Chromium(t)
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	m := make([][]float64, 2000)
	for i := range m {
		m[i] = make([]float64, 2000)
		for j := range m[i] {
			m[i][j] = r.NormFloat64()
		}
	}
	p := NewPage("A 2000x2000 matrix")
	must(p.Add(Heatmap{Title: "Random matrix", ValueLabel: "entry", Values: m}))
	path := filepath.Join(t.TempDir(), "big.html")
	start := time.Now()
	if err := p.WriteFile(path, Options{JSDir: nm}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("page of %.2f MB written in %v", float64(fi.Size())/1e6, time.Since(start))
	if fi.Size() >= 5e6 {
		t.Errorf("page is %d bytes, want under 5 MB", fi.Size())
	}
	s := reporttest.Open(t, path, reporttest.Options{SelfTest: true})
	checkDrawn(t, s, 1)
	if len(s.SelfTest) == 1 && s.SelfTest[0].CSVRows != 500*500 {
		t.Errorf("download of %d cells, want the 500x500 block means", s.SelfTest[0].CSVRows)
	}
}

// The check is not vacuous: a page with a script error, a blocked remote
// script or a console error reports it.
func TestBrowserCatchesErrors(t *testing.T) {
	nm := requireJS(t)
	reporttest.Chromium(t)
	p := NewPage("small")
	must(p.Add(Line{Title: "a", Series: []Series{{Name: "x", X: []float64{1, 2}, Y: []float64{3, 4}}}}))
	base := filepath.Join(t.TempDir(), "small.html")
	if err := p.WriteFile(base, Options{JSDir: nm}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, inject, want string
	}{
		{"script error", `<script>noSuchFunction();</script>`, "noSuchFunction"},
		{"remote script", `<script src="https://example.invalid/x.js"></script>`, "Content-Security-Policy"},
		{"console error", `<script>console.error("broken chart");</script>`, "broken chart"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "bad.html")
			end := strings.LastIndex(string(page), "</body>") // the libraries hold the string too
			bad := string(page[:end]) + c.inject + string(page[end:])
			if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
				t.Fatal(err)
			}
			s := reporttest.Open(t, path, reporttest.Options{})
			if !strings.Contains(strings.Join(s.AllErrors(), "\n"), c.want) {
				t.Errorf("errors %q, want one about %q", s.AllErrors(), c.want)
			}
		})
	}
}
