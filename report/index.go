package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/adafisher-go/landscape/rundir"
)

// Names of the files WriteRunIndex writes into its directory.
const (
	IndexFile     = "index.html"
	IndexDataFile = "index.json" // what the index was made from, for UpdateIndex
)

// indexRecord is what IndexDataFile holds.
type indexRecord struct {
	Runs    []string `json:"runs"`
	Command []string `json:"command,omitempty"`
	Version string   `json:"version,omitempty"`
	PNG     bool     `json:"png,omitempty"`
	Links   []Link   `json:"links,omitempty"`
}

// WriteRunIndex writes dir/index.html, the report of one or several run
// directories: training loss against step and against wall-clock time, loss
// and accuracy per epoch (test and train), the learning rate, the time per
// step, and every per-layer curvature diagnostic an optimizer logged. Several
// runs overlay, one colour per run, each named by its optimizer and the
// settings that tell it apart ("adam lr=0.01"). The page ends with links to
// the other pages in dir (the pages of later analyses) and to o.Links. With
// o.PNG every figure is also written as a PNG in dir.
//
// It also writes dir/index.json, so that an analysis that adds a page to dir
// can list it with UpdateIndex.
func WriteRunIndex(dir string, runs []string, o Options) error {
	if len(runs) == 0 {
		return errors.New("report: no run directories to report on")
	}
	var rs []*runData
	for _, path := range runs {
		r, err := readRun(path)
		if err != nil {
			return err
		}
		rs = append(rs, r)
	}
	nameRuns(rs)
	p := runIndexPage(rs)
	p.Section("Analyses")
	links := slices.Clone(o.Links)
	found, err := pagesIn(dir)
	if err != nil {
		return err
	}
	for _, l := range found {
		if !slices.ContainsFunc(links, func(k Link) bool { return k.Href == l.Href }) {
			links = append(links, l)
		}
	}
	if len(links) == 0 {
		p.Text("No analysis pages yet. The pages that later analyses write into this directory are listed here.")
	} else {
		p.Links(links)
	}
	if err := p.WriteFile(filepath.Join(dir, IndexFile), o); err != nil {
		return err
	}
	rec := indexRecord{Command: o.Command, Version: o.Version, PNG: o.PNG, Links: o.Links}
	for _, r := range runs {
		abs, err := filepath.Abs(r)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		rec.Runs = append(rec.Runs, abs)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := rundir.WriteBytesAtomic(filepath.Join(dir, IndexDataFile), append(b, '\n')); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// UpdateIndex writes dir/index.html again from the runs and options recorded
// in dir/index.json by WriteRunIndex, adding links: an analysis calls it
// after writing its page into dir (a page there is listed even without a
// link). Where o.JSDir is set it is used to find the JavaScript.
func UpdateIndex(dir string, o Options, links ...Link) error {
	b, err := os.ReadFile(filepath.Join(dir, IndexDataFile))
	if err != nil {
		return fmt.Errorf("report: %s has no index to update (write it with WriteRunIndex first): %w", dir, err)
	}
	var rec indexRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return fmt.Errorf("report: read %s: %w", filepath.Join(dir, IndexDataFile), err)
	}
	opts := Options{JSDir: o.JSDir, PNG: rec.PNG, Command: rec.Command, Version: rec.Version, Links: rec.Links}
	for _, l := range links {
		if !slices.ContainsFunc(opts.Links, func(k Link) bool { return k.Href == l.Href }) {
			opts.Links = append(opts.Links, l)
		}
	}
	return WriteRunIndex(dir, rec.Runs, opts)
}

var titlePattern = regexp.MustCompile(`(?is)<title>(.*?)</title>`)

// pagesIn lists the HTML pages in dir other than the index, by title.
func pagesIn(dir string) ([]Link, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var links []Link
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == IndexFile || strings.HasPrefix(name, ".") || !strings.HasSuffix(strings.ToLower(name), ".html") {
			continue
		}
		title := name
		if f, err := os.Open(filepath.Join(dir, name)); err == nil {
			head := make([]byte, 64<<10)
			n, _ := f.Read(head)
			f.Close()
			if m := titlePattern.FindSubmatch(head[:n]); m != nil {
				title = html.UnescapeString(strings.TrimSpace(string(m[1])))
			}
		}
		links = append(links, Link{Href: name, Text: title, Note: name})
	}
	return links, nil
}

// runIndexPage builds the figures of the index page.
func runIndexPage(rs []*runData) *Page {
	title := "Training report: " + rs[0].name
	if len(rs) > 1 {
		title = fmt.Sprintf("Training report: %d runs", len(rs))
	}
	p := NewPage(title)
	p.Section("Runs")
	p.Table([]string{"run", "directory", "model", "data", "steps", "epochs", "time (s)", "final train loss", "train accuracy", "test loss", "test accuracy"}, runTable(rs))
	color := func(i int) string { return SeriesColor(i) }

	p.Section("Loss")
	lossBy := func(x func(r *runData) []float64) []Series {
		var ss []Series
		for i, r := range rs {
			ss = append(ss, Series{Name: r.name, X: x(r), Y: r.loss, Color: color(i)})
		}
		return ss
	}
	add(p, Line{Title: "Training loss against step", Subtitle: "loss of each batch before its update",
		XLabel: "step", YLabel: "training loss", LogY: positive(rs, func(r *runData) []float64 { return r.loss }),
		Series: lossBy(func(r *runData) []float64 { return r.step })})
	add(p, Line{Title: "Training loss against wall-clock time", Subtitle: "time spent on training steps and snapshots, not on evaluation",
		XLabel: "wall-clock time (s)", YLabel: "training loss", LogY: positive(rs, func(r *runData) []float64 { return r.loss }),
		Series: lossBy(func(r *runData) []float64 { return r.time })})

	if slices.ContainsFunc(rs, func(r *runData) bool { return len(r.epoch) > 0 }) {
		p.Section("Per epoch")
		var loss, acc []Series
		for i, r := range rs {
			if r.hasTest {
				loss = append(loss, Series{Name: r.name + " test", X: r.epoch, Y: r.testLoss, Color: color(i), Markers: true})
				acc = append(acc, Series{Name: r.name + " test", X: r.epoch, Y: r.testAcc, Color: color(i), Markers: true})
			}
			loss = append(loss, Series{Name: r.name + " train", X: r.epoch, Y: r.trainLoss, Color: color(i), Dashed: true, Markers: true})
			acc = append(acc, Series{Name: r.name + " train", X: r.epoch, Y: r.trainAcc, Color: color(i), Dashed: true, Markers: true})
		}
		sub := "test split after each epoch (solid); mean over the epoch's training batches (dashed)"
		add(p, Line{Title: "Loss per epoch", Subtitle: sub, XLabel: "epoch", YLabel: "loss", Series: loss})
		add(p, Line{Title: "Accuracy per epoch", Subtitle: sub, XLabel: "epoch", YLabel: "accuracy (fraction correct)", Series: acc})
	}

	p.Section("Learning rate and speed")
	var lrs, speed []Series
	for i, r := range rs {
		lrs = append(lrs, Series{Name: r.name, X: r.step, Y: r.lr, Color: color(i)})
		speed = append(speed, Series{Name: r.name, X: r.step, Y: stepMillis(r.time), Color: color(i)})
	}
	add(p, Line{Title: "Learning rate", XLabel: "step", YLabel: "learning rate", LogY: spread(rs, func(r *runData) []float64 { return r.lr }) > 100, Series: lrs})
	add(p, Line{Title: "Time per step", Subtitle: "wall-clock time between consecutive steps", XLabel: "step", YLabel: "time per step (ms)",
		LogY: spread(rs, func(r *runData) []float64 { return stepMillis(r.time) }) > 100, Series: speed})

	var fields []string
	for _, r := range rs {
		for _, f := range r.curvatureFields {
			if !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	if len(fields) > 0 {
		p.Section("Curvature diagnostics")
		p.Text("Per-layer diagnostics the optimizer logged when it refreshed its curvature factors; one colour per run, one dash pattern per layer.")
	}
	for _, f := range fields {
		var ss []Series
		var all []float64
		for i, r := range rs {
			for k, layer := range r.curvatureLayers {
				c := r.curvature[f][layer]
				if c == nil {
					continue
				}
				ss = append(ss, Series{Name: r.name + " " + layer, X: c.step, Y: c.value, Color: color(i), Dashed: k%2 == 1, Markers: true})
				all = append(all, c.value...)
			}
		}
		lo, hi := extent(all)
		add(p, Line{Title: f, Subtitle: "per layer, at the steps the factors were refreshed", XLabel: "step", YLabel: f,
			LogY: lo > 0 && hi/lo > 100, Series: ss})
	}
	for _, r := range rs {
		p.Settings(r.name+" — "+r.dir+"/run.json", r.info)
	}
	return p
}

// add adds a figure the index builds; its values are always well formed.
func add(p *Page, f Figure) {
	if err := p.Add(f); err != nil {
		panic(err)
	}
}

// stepMillis returns the time of each step in milliseconds from the
// cumulative times.
func stepMillis(t []float64) []float64 {
	out := make([]float64, len(t))
	prev := 0.0
	for i, v := range t {
		out[i] = 1000 * (v - prev)
		prev = v
	}
	return out
}

// positive reports whether every value of every run is positive (so a log
// axis can show them).
func positive(rs []*runData, f func(*runData) []float64) bool {
	for _, r := range rs {
		for _, v := range f(r) {
			if v <= 0 {
				return false
			}
		}
	}
	return true
}

// spread returns the ratio of the largest to the smallest value when all
// are positive, and 0 otherwise.
func spread(rs []*runData, f func(*runData) []float64) float64 {
	if !positive(rs, f) {
		return 0
	}
	var all [][]float64
	for _, r := range rs {
		all = append(all, f(r))
	}
	lo, hi := extent(all...)
	if !(lo > 0) {
		return 0
	}
	return hi / lo
}

// runTable returns a row per run for the table at the top of the index.
func runTable(rs []*runData) [][]string {
	var rows [][]string
	for _, r := range rs {
		text := func(v string) string {
			if v == "" {
				return "–"
			}
			return v
		}
		last := func(v []float64) string {
			if len(v) == 0 {
				return "–"
			}
			return cell(v[len(v)-1])
		}
		final := func(v func(f *rundir.FinalRecord) float64) string {
			if r.final == nil {
				return "–"
			}
			return cell(v(r.final))
		}
		rows = append(rows, []string{r.name, r.dir, text(r.info.Model), text(r.info.Data.Name), last(r.step), last(r.epoch), last(r.time),
			final(func(f *rundir.FinalRecord) float64 { return f.TrainLoss }), final(func(f *rundir.FinalRecord) float64 { return f.TrainAccuracy }),
			final(func(f *rundir.FinalRecord) float64 { return orNaN(f.TestLoss) }), final(func(f *rundir.FinalRecord) float64 { return orNaN(f.TestAccuracy) })})
	}
	return rows
}

// cell formats a number for a table: 6 significant digits.
func cell(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}
