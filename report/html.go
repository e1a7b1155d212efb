package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/rundir"
)

var (
	//go:embed page.html.tmpl
	pageTemplate string
	//go:embed page.css
	pageCSS string
	//go:embed hook.js
	hookJS string
	//go:embed page.js
	pageJS string

	tmpl = template.Must(template.New("page").Parse(pageTemplate))
)

// WriteFile writes the page to path (an .html file), atomically, with the
// JavaScript it needs inlined; with o.PNG it first writes every figure as a
// PNG beside it. It fails, writing nothing, when the JavaScript is not
// installed (see LoadJS).
func (p *Page) WriteFile(path string, o Options) error {
	js, err := LoadJS(o.JSDir)
	if err != nil {
		return err
	}
	var pngs []string
	if o.PNG {
		if pngs, err = p.writePNGs(path); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := p.render(&buf, js, o, pngs); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := rundir.WriteBytesAtomic(path, buf.Bytes()); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// Render writes the page as HTML to w, with the JavaScript in js inlined.
func (p *Page) Render(w io.Writer, js *JS, o Options) error {
	var buf bytes.Buffer
	if err := p.render(&buf, js, o, nil); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// pngNames returns the file names of the page's figures as PNGs:
// "<page>-NN-<title>.png".
func (p *Page) pngNames(path string) []string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var names []string
	for i, f := range p.Figures() {
		names = append(names, fmt.Sprintf("%s-%02d-%s.png", base, i+1, slug(f.FigureTitle())))
	}
	return names
}

// writePNGs writes every figure as a PNG beside the page at path and returns
// their names.
func (p *Page) writePNGs(path string) ([]string, error) {
	names := p.pngNames(path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for i, f := range p.Figures() {
		if err := WritePNG(f, filepath.Join(filepath.Dir(path), names[i])); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// Views of the page for the template.
type (
	pageView struct {
		Title, Version, Written, Command  string
		EChartsVersion, EChartsGLVersion  string
		CSS                               template.CSS
		Hook, ECharts, EChartsGL, Runtime template.JS
		Data                              template.JS
		GL                                bool
		TOC                               []figureView
		Blocks                            []blockView
		Settings                          []settingView
	}
	blockView struct {
		Kind, Text string
		Header     []string
		Rows       [][]string
		Links      []Link
		figureView
	}
	figureView struct {
		ID, Title, PNG string
		Index, Height  int
		Notes          []string
	}
	settingView struct{ Name, JSON string }
	// pageData is the JSON the page's script reads.
	pageData struct {
		Title  string      `json:"title"`
		Charts []chartData `json:"charts"`
	}
	chartData struct {
		Title string `json:"title"`
		Slug  string `json:"slug"`
		*chartSpec
	}
)

func (p *Page) render(w io.Writer, js *JS, o Options, pngs []string) error {
	v := pageView{
		Title: p.Title, Version: o.Version, Written: time.Now().UTC().Format("2006-01-02 15:04:05 UTC"),
		Command:        shellQuote(o.Command),
		EChartsVersion: EChartsVersion, EChartsGLVersion: EChartsGLVersion,
		CSS:  template.CSS(pageCSS),
		Hook: template.JS(hookJS), ECharts: template.JS(js.ECharts), EChartsGL: template.JS(js.EChartsGL),
		Runtime: template.JS(pageJS),
	}
	if v.Version == "" {
		v.Version = "(version unknown)"
	}
	data := pageData{Title: p.Title}
	var specs []*chartSpec
	for _, f := range p.Figures() {
		spec, err := f.chart()
		if err != nil {
			return fmt.Errorf("report: %s: %w", f.FigureTitle(), err)
		}
		specs = append(specs, spec)
	}
	if err := fitFullData(specs, maxPageBytes-len(js.ECharts)-len(js.EChartsGL)-len(pageTemplate)-len(pageCSS)-len(pageJS)-len(hookJS)); err != nil {
		return err
	}
	for _, b := range p.blocks {
		bv := blockView{Kind: b.kind, Text: b.text, Header: b.header, Rows: b.rows, Links: b.links}
		if b.kind == "figure" {
			i := len(data.Charts)
			spec := specs[i]
			title := b.figure.FigureTitle()
			data.Charts = append(data.Charts, chartData{Title: title, Slug: fmt.Sprintf("%02d-%s", i+1, slug(title)), chartSpec: spec})
			v.GL = v.GL || spec.GL
			bv.figureView = figureView{ID: fmt.Sprintf("fig-%d", i+1), Title: title, Index: i, Height: spec.Height, Notes: spec.Notes}
			if i < len(pngs) {
				bv.PNG = pngs[i]
			}
			v.TOC = append(v.TOC, bv.figureView)
		}
		v.Blocks = append(v.Blocks, bv)
	}
	for _, s := range p.settings {
		b, err := json.MarshalIndent(s.value, "", "  ")
		if err != nil {
			return fmt.Errorf("report: settings %s: %w", s.name, err)
		}
		v.Settings = append(v.Settings, settingView{Name: s.name, JSON: string(b)})
	}
	if v.GL && js.EChartsGL == "" {
		return fmt.Errorf("%w: the page has 3-D charts and echarts-gl was not loaded; %s", ErrNoJS, installHint)
	}
	b, err := json.Marshal(data) // escapes <, > and &, so the JSON cannot end its <script>
	if err != nil {
		return fmt.Errorf("report: encode page data: %w", err)
	}
	v.Data = template.JS(b)
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if refs := RemoteReferences(buf.Bytes()); len(refs) > 0 {
		return fmt.Errorf("report: the page would load %s from the network; refusing to write it", strings.Join(refs, ", "))
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// shellQuote joins a command line, quoting the arguments a shell would split.
func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.IndexFunc(a, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
		}) < 0 {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
