package report

import (
	"fmt"
	"strings"
)

// Page is an HTML page of figures, with section headings, text, tables and
// links between them. Build it with NewPage and its methods, in the order
// the page shows them, and write it with WriteFile.
type Page struct {
	Title    string
	blocks   []block
	settings []setting
}

// block is one element of the page, in order.
type block struct {
	kind   string // "section", "text", "figure", "table" or "links"
	text   string
	figure Figure
	header []string
	rows   [][]string
	links  []Link
}

// Link is a link to another page (a later analysis, another run's report).
type Link struct {
	Href string // a path relative to the page, or a file name beside it
	Text string
	Note string // shown after the link
}

// setting is a named group of settings shown under "How this page was made".
type setting struct {
	name  string
	value any
}

// NewPage returns an empty page with the given title.
func NewPage(title string) *Page { return &Page{Title: title} }

// Section starts a section with a heading.
func (p *Page) Section(title string) {
	p.blocks = append(p.blocks, block{kind: "section", text: title})
}

// Text adds a paragraph.
func (p *Page) Text(text string) { p.blocks = append(p.blocks, block{kind: "text", text: text}) }

// Add adds a figure, after checking its values.
func (p *Page) Add(f Figure) error {
	if err := f.validate(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	p.blocks = append(p.blocks, block{kind: "figure", figure: f})
	return nil
}

// Table adds a table of text cells under a header row.
func (p *Page) Table(header []string, rows [][]string) {
	p.blocks = append(p.blocks, block{kind: "table", header: header, rows: rows})
}

// Links adds a list of links.
func (p *Page) Links(links []Link) { p.blocks = append(p.blocks, block{kind: "links", links: links}) }

// Settings records settings that made what the page shows (a run's run.json,
// say), shown as JSON under "How this page was made".
func (p *Page) Settings(name string, v any) { p.settings = append(p.settings, setting{name, v}) }

// Figures returns the page's figures in order.
func (p *Page) Figures() []Figure {
	var fs []Figure
	for _, b := range p.blocks {
		if b.kind == "figure" {
			fs = append(fs, b.figure)
		}
	}
	return fs
}

// slug turns a title into a file-name part: "Training loss (log)" ->
// "training-loss-log".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	if b.Len() == 0 {
		return "figure"
	}
	return b.String()
}
