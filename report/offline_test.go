package report

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRemoteReferences(t *testing.T) {
	cases := []struct {
		html string
		want []string
	}{
		{`<script src="https://cdn.example/echarts.min.js"></script>`, []string{"https://cdn.example/echarts.min.js"}},
		{`<script src=//cdn.example/x.js></script>`, []string{"//cdn.example/x.js"}},
		{`<link rel="stylesheet" href="http://fonts.example/css">`, []string{"http://fonts.example/css"}},
		{`<style>@import url("https://fonts.example/a.css");</style>`, []string{"https://fonts.example/a.css"}},
		{`<style>@font-face{src:url(https://f.example/x.woff2)}</style>`, []string{"https://f.example/x.woff2"}},
		{`<img srcset="https://i.example/a.png 2x">`, []string{"https://i.example/a.png"}},
		{`el.src="https://x.example/lib.js"`, []string{"https://x.example/lib.js"}},
		{`<a href="https://echarts.apache.org">docs</a>`, nil},
		{`<img src="data:image/png;base64,AAAA">`, nil},
		{`<a href="#fig-1">x</a> <img src="index-01-loss.png">`, nil},
		{`"http://www.w3.org/2000/svg"`, nil},
	}
	for _, c := range cases {
		if got := RemoteReferences([]byte(c.html)); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.html, got, c.want)
		}
	}
}

// checkOffline fails unless a written page is self-contained: no remote
// reference anywhere; no external script, style sheet or font at all; the
// network forbidden by its Content-Security-Policy; and, outside the inlined
// libraries, no URL of any kind (go-echarts' CDN host and its ECharts 4 for
// 3-D charts included).
func checkOffline(t *testing.T, page []byte, js *JS) {
	t.Helper()
	if refs := RemoteReferences(page); len(refs) > 0 {
		t.Errorf("remote references: %q", refs)
	}
	own := bytes.ReplaceAll(page, []byte(js.ECharts), nil)
	own = bytes.ReplaceAll(own, []byte(js.EChartsGL), nil)
	for _, bad := range []string{"http://", "https://", "<script src", "<link", "@import", "@font-face", "go-echarts-assets", "echarts@4", "scatter3D\",\"coordinateSystem\":\"cartesian3D\",\"data\":null"} {
		if i := bytes.Index(own, []byte(bad)); i >= 0 {
			t.Errorf("page contains %q: ...%s...", bad, own[max(0, i-80):min(len(own), i+80)])
		}
	}
	if !bytes.Contains(page, []byte(`http-equiv="Content-Security-Policy" content="default-src 'none';`)) {
		t.Errorf("page has no Content-Security-Policy forbidding the network")
	}
	if !bytes.Contains(page, []byte(js.ECharts)) {
		t.Errorf("page does not inline echarts.min.js")
	}
}

func TestPagesAreOffline(t *testing.T) {
	nm := requireJS(t)
	js, err := LoadJS(nm)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pages := map[string]*Page{"gallery.html": galleryPage()}
	two := NewPage("two lines")
	must(two.Add(Line{Title: "a", Series: []Series{{Name: "x", X: []float64{1, 2}, Y: []float64{3, 4}}}}))
	pages["two.html"] = two
	for name, p := range pages {
		path := filepath.Join(dir, name)
		if err := p.WriteFile(path, Options{JSDir: nm, Command: []string{"landscape", "report", "--out", "https://x"}}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			if name == "gallery.html" {
				// A page with 3-D charts inlines echarts-gl; the command line shows escaped.
				if !bytes.Contains(b, []byte(js.EChartsGL)) {
					t.Errorf("page with a surface does not inline echarts-gl")
				}
				b = bytes.ReplaceAll(b, []byte("https://x"), nil) // the made-up --out is text, not a load
			} else if bytes.Contains(b, []byte(js.EChartsGL)) {
				t.Errorf("page without 3-D charts inlines echarts-gl")
			} else {
				b = bytes.ReplaceAll(b, []byte("https://x"), nil)
			}
			checkOffline(t, b, js)
		})
	}
	// The writer refuses a page with anything that reads as a remote load,
	// even in text.
	p := NewPage(`<img src="https://tracker.example/x.png">`)
	var buf bytes.Buffer
	if err := p.Render(&buf, js, Options{}); err == nil || !strings.Contains(err.Error(), "https://tracker.example/x.png") {
		t.Errorf("Render: %v, want a refusal naming the URL", err)
	}
	if buf.Len() > 0 {
		t.Errorf("a refused page was written")
	}
}
