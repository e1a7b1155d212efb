package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
	"github.com/adafisher-go/landscape/trajectory"
)

// surfaceSettings are what a grid's values depend on; a resumed evaluation
// reuses saved points only when they are equal.
type surfaceSettings struct {
	Run        string     `json:"run"`
	Mode       string     `json:"mode"`
	Centre     string     `json:"centre"`
	From       string     `json:"from,omitempty"`
	To         string     `json:"to,omitempty"`
	Steps      []string   `json:"steps,omitempty"`
	Seed       uint64     `json:"seed"`
	OneD       string     `json:"one_d"`
	Range      [2]float64 `json:"range"`
	RangeB     [2]float64 `json:"range_b"`
	Resolution int        `json:"resolution"`
	Split      string     `json:"split"`
}

// surfaceResult is surface.json.
type surfaceResult struct {
	Settings surfaceSettings `json:"settings"`
	Alphas   floats          `json:"alphas"`
	Betas    floats          `json:"betas,omitempty"`
	Loss     grid            `json:"loss"`
	Accuracy grid            `json:"accuracy"`
	// Path is the run's weight snapshots in plane coordinates, with their
	// distance from the plane.
	Path      []pathPoint `json:"path,omitempty"`
	Explained floats      `json:"pca_explained_share,omitempty"`
	Seconds   float64     `json:"seconds"`
}

type pathPoint struct {
	Step     int     `json:"step"` // -1 for final.safetensors
	A        float64 `json:"a"`
	B        float64 `json:"b"`
	Distance float64 `json:"distance"`
}

func cmdSurface(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("landscape surface", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var st surfaceSettings
	fs.StringVar(&st.Mode, "mode", "random", "line (between --from and --to), random (two filter-normalised random directions), pca (the run's snapshots), three (the plane through --steps a,b,c)")
	fs.StringVar(&st.Centre, "centre", "final", "the weights at the origin of random and pca planes: final or a snapshot step")
	fs.StringVar(&st.From, "from", "0", "line: the start (a snapshot step or final)")
	fs.StringVar(&st.To, "to", "final", "line: the end (a snapshot step or final)")
	steps := fs.String("steps", "", "three: three snapshot steps (or final), comma-separated")
	fs.Uint64Var(&st.Seed, "seed", 1, "random: seed of the directions")
	fs.StringVar(&st.OneD, "one-d", "zero", "random: biases and normalisation parameters in the directions: zero (Li et al.'s default), copy or filter")
	rng := fs.String("range", "", "coordinate range MIN:MAX (default -1:1 for random, -0.5:1.5 for line, around the path for pca and three)")
	fs.IntVar(&st.Resolution, "resolution", 51, "grid points along each axis")
	fs.StringVar(&st.Split, "split", "train", "evaluate the loss on the train or test split")
	out := fs.String("out", "", "directory for surface.json and the report (default RUN/surface-MODE)")
	workers := fs.Int("workers", 0, "parallel evaluations (0: all cores)")
	png := fs.Bool("png", false, "also write the figures as PNG")
	noHTML := fs.Bool("no-html", false, "write surface.json only, no surface.html")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: landscape surface RUN [flags]

Evaluates the loss of a run's model along a line between two checkpoints or on a plane: two
filter-normalised random directions (Li et al. 2018), the first two principal directions of the run's
weight snapshots, or the plane through three checkpoints. Points are evaluated in parallel and saved as
they finish, so that an interrupted evaluation continues where it stopped.

flags:`)
		printFlags(fs, stderr)
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one run directory, got %d arguments", len(pos))
	}
	st.Run = pos[0]
	if st.Resolution < 2 {
		return usagef("--resolution %d, want at least 2", st.Resolution)
	}
	switch st.Mode {
	case "line", "random", "pca", "three":
	default:
		return usagef("--mode %q, want line, random, pca or three", st.Mode)
	}
	oneD := map[string]trajectory.OneDMode{"zero": trajectory.OneDZero, "copy": trajectory.OneDCopy, "filter": trajectory.OneDFilter}
	if _, ok := oneD[st.OneD]; !ok {
		return usagef("--one-d %q, want zero, copy or filter", st.OneD)
	}
	if st.Split != "train" && st.Split != "test" {
		return usagef("--split %q, want train or test", st.Split)
	}
	if st.Mode == "three" {
		st.Steps = strings.Split(*steps, ",")
		if len(st.Steps) != 3 {
			return usagef("--mode three needs --steps a,b,c")
		}
	}
	if *rng != "" {
		lo, hi, ok := strings.Cut(*rng, ":")
		a, err1 := strconv.ParseFloat(lo, 64)
		b, err2 := strconv.ParseFloat(hi, 64)
		if !ok || err1 != nil || err2 != nil || !(a < b) {
			return usagef("--range %q, want MIN:MAX with MIN < MAX", *rng)
		}
		st.Range, st.RangeB = [2]float64{a, b}, [2]float64{a, b}
	}
	if *out == "" {
		*out = filepath.Join(st.Run, "surface-"+st.Mode)
	}
	if !*noHTML {
		if _, err := report.LoadJS(""); err != nil {
			return err
		}
	}
	saved, err := train.Open(st.Run)
	if err != nil {
		return err
	}
	d := saved.Train
	if st.Split == "test" {
		if d = saved.Test; d == nil {
			return fmt.Errorf("%s has no test split", st.Run)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	res, plane, template, err := surfacePlane(saved, &st, oneD[st.OneD], *rng != "")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	pointsPath := filepath.Join(*out, "surface.points.jsonl")
	known, err := loadPoints(pointsPath, st)
	if err != nil {
		return err
	}
	pf, err := openPoints(pointsPath, st, len(known) > 0)
	if err != nil {
		return err
	}
	defer pf.Close()
	nb := len(plane.Betas)
	if plane.D2 == nil {
		nb = 1
	}
	total := len(plane.Alphas) * nb
	bar := newGridProgress(stderr, total, len(known))
	acc := map[[2]int]float64{}
	var mu sync.Mutex
	values, err := landscape.Evaluate(ctx, plane, saved.Build, template, d, *workers,
		func(i, j int) bool { _, ok := known[[2]int{i, j}]; return ok },
		func(p landscape.Point) {
			mu.Lock()
			acc[[2]int{p.I, p.J}] = p.Accuracy
			mu.Unlock()
			pf.write(p)
			bar.add()
		})
	bar.done()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted; %s keeps the finished points: run the same command to continue", pointsPath)
		}
		return err
	}
	res.Loss = values
	res.Accuracy = make(grid, len(values))
	for i := range values {
		res.Accuracy[i] = make([]float64, len(values[i]))
		for j := range values[i] {
			if p, ok := known[[2]int{i, j}]; ok {
				values[i][j], res.Accuracy[i][j] = p.Loss, p.Accuracy
			} else {
				res.Accuracy[i][j] = acc[[2]int{i, j}]
			}
		}
	}
	res.Seconds = time.Since(start).Seconds()
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if err := rundir.WriteBytesAtomic(filepath.Join(*out, "surface.json"), b); err != nil {
		return err
	}
	if !*noHTML {
		if err := surfaceReport(*out, res, report.Options{PNG: *png, Command: append([]string{"landscape", "surface"}, args...), Version: version()}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: %s surface, %d points (%d reused) in %.1fs\n", *out, st.Mode, total, len(known), res.Seconds)
	return nil
}

// surfacePlane builds the grid's plane (or line) from the run's snapshots.
func surfacePlane(s *train.Saved, st *surfaceSettings, oneD trajectory.OneDMode, rangeGiven bool) (*surfaceResult, landscape.Plane, *nn.Model[float64], error) {
	res := &surfaceResult{Settings: *st}
	var p landscape.Plane
	load := func(ref string) (*nn.Model[float64], []float64, error) {
		step := -1
		if ref != "final" {
			v, err := strconv.Atoi(ref)
			if err != nil || v < 0 {
				return nil, nil, fmt.Errorf("snapshot %q: want a step number or final", ref)
			}
			step = v
		}
		m, err := s.Load(step)
		if err != nil {
			return nil, nil, err
		}
		return m, landscape.Flatten(m), nil
	}
	var template *nn.Model[float64]
	switch st.Mode {
	case "line":
		m, from, err := load(st.From)
		if err != nil {
			return nil, p, nil, err
		}
		_, to, err := load(st.To)
		if err != nil {
			return nil, p, nil, err
		}
		template = m
		d1 := make([]float64, len(from))
		for k := range d1 {
			d1[k] = to[k] - from[k]
		}
		if !rangeGiven {
			st.Range = [2]float64{-0.5, 1.5}
		}
		p = landscape.Plane{Center: from, D1: d1}
	case "random", "pca":
		m, centre, err := load(st.Centre)
		if err != nil {
			return nil, p, nil, err
		}
		template = m
		var d1, d2 []float64
		if st.Mode == "random" {
			var ws []trajectory.Tensor
			for _, q := range m.Params() {
				ws = append(ws, trajectory.Tensor{Name: q.Name, Shape: q.Value.Shape, Data: q.Value.Data})
			}
			a, err := trajectory.FilterNormalizedDirection(ws, trajectory.FilterNormOptions{Seed: st.Seed, OneD: oneD})
			if err != nil {
				return nil, p, nil, err
			}
			b, err := trajectory.FilterNormalizedDirection(ws, trajectory.FilterNormOptions{Seed: st.Seed + 1, OneD: oneD})
			if err != nil {
				return nil, p, nil, err
			}
			d1, d2 = trajectory.Flatten(a), trajectory.Flatten(b)
		} else {
			snaps, _, err := snapshots(s)
			if err != nil {
				return nil, p, nil, err
			}
			pca, err := trajectory.FitPCA([][][]float64{snaps}, trajectory.PCAOptions{K: 2, Centre: centre})
			if err != nil {
				return nil, p, nil, fmt.Errorf("PCA of %s's snapshots (write them with --snapshot-every): %w", s.Dir.Path, err)
			}
			d1, d2 = pca.Directions[0], pca.Directions[1]
			res.Explained = pca.Share
		}
		p = landscape.Plane{Center: centre, D1: d1, D2: d2}
	case "three":
		var ws [3][]float64
		for k, ref := range st.Steps {
			m, w, err := load(strings.TrimSpace(ref))
			if err != nil {
				return nil, p, nil, err
			}
			if k == 0 {
				template = m
			}
			ws[k] = w
		}
		pl, _, err := trajectory.PlaneThrough(ws[0], ws[1], ws[2], true)
		if err != nil {
			return nil, p, nil, err
		}
		p = landscape.Plane{Center: pl.Centre, D1: pl.D1, D2: pl.D2}
	}
	if p.D2 != nil {
		snaps, stepsOf, err := snapshots(s)
		if err != nil {
			return nil, p, nil, err
		}
		for k, w := range snaps {
			a, b, dist := projectOnto(w, p.Center, p.D1, p.D2)
			res.Path = append(res.Path, pathPoint{Step: stepsOf[k], A: a, B: b, Distance: dist})
		}
		if !rangeGiven {
			st.Range, st.RangeB = [2]float64{-1, 1}, [2]float64{-1, 1}
			if st.Mode != "random" {
				st.Range, st.RangeB = [2]float64{-0.1, 0.1}, [2]float64{-0.1, 0.1}
				for _, q := range res.Path {
					st.Range = [2]float64{min(st.Range[0], q.A), max(st.Range[1], q.A)}
					st.RangeB = [2]float64{min(st.RangeB[0], q.B), max(st.RangeB[1], q.B)}
				}
				for _, r := range []*[2]float64{&st.Range, &st.RangeB} {
					pad := 0.2 * (r[1] - r[0])
					r[0], r[1] = r[0]-pad, r[1]+pad
				}
			}
		}
		p.Betas = trajectory.Linspace(st.RangeB[0], st.RangeB[1], st.Resolution)
		res.Betas = p.Betas
	}
	p.Alphas = trajectory.Linspace(st.Range[0], st.Range[1], st.Resolution)
	res.Alphas = p.Alphas
	res.Settings = *st
	return res, p, template, nil
}

// snapshots reads every weight snapshot of a run, flattened, and final
// weights last (step -1).
func snapshots(s *train.Saved) ([][]float64, []int, error) {
	steps, err := s.Dir.WeightSteps()
	if err != nil {
		return nil, nil, err
	}
	steps = append(steps, -1)
	var out [][]float64
	for _, st := range steps {
		m, err := s.Load(st)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, landscape.Flatten(m))
	}
	return out, steps, nil
}

// projectOnto returns the least-squares coordinates of w - c in the span of
// d1 and d2, and the distance of w from that plane.
func projectOnto(w, c, d1, d2 []float64) (a, b, dist float64) {
	var g11, g12, g22, r1, r2 float64
	for k := range w {
		x := w[k] - c[k]
		g11 += d1[k] * d1[k]
		g12 += d1[k] * d2[k]
		g22 += d2[k] * d2[k]
		r1 += d1[k] * x
		r2 += d2[k] * x
	}
	det := g11*g22 - g12*g12
	if det == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	a = (g22*r1 - g12*r2) / det
	b = (g11*r2 - g12*r1) / det
	var res float64
	for k := range w {
		e := w[k] - c[k] - a*d1[k] - b*d2[k]
		res += e * e
	}
	return a, b, math.Sqrt(res)
}

// pointsFile appends finished grid points, one JSON object a line, after a
// first line with the settings they belong to.
type pointsFile struct {
	mu sync.Mutex
	f  *os.File
	w  *bufio.Writer
}

type savedPoint struct {
	I        int     `json:"i"`
	J        int     `json:"j"`
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
}

func openPoints(path string, st surfaceSettings, appendTo bool) (*pointsFile, error) {
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if appendTo {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, err
	}
	p := &pointsFile{f: f, w: bufio.NewWriter(f)}
	if !appendTo {
		b, _ := json.Marshal(map[string]any{"settings": st})
		p.w.Write(append(b, '\n'))
		p.w.Flush()
	}
	return p, nil
}

func (p *pointsFile) write(pt landscape.Point) {
	b, _ := json.Marshal(savedPoint{I: pt.I, J: pt.J, Loss: pt.Loss, Accuracy: pt.Accuracy})
	p.mu.Lock()
	p.w.Write(append(b, '\n'))
	p.w.Flush()
	p.mu.Unlock()
}

func (p *pointsFile) Close() error {
	p.w.Flush()
	return p.f.Close()
}

// loadPoints reads the points saved by an earlier, interrupted evaluation
// with the same settings; other settings (or no file) give none.
func loadPoints(path string, st surfaceSettings) (map[[2]int]savedPoint, error) {
	known := map[[2]int]savedPoint{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return known, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		if first {
			first = false
			var h struct {
				Settings surfaceSettings `json:"settings"`
			}
			if json.Unmarshal(sc.Bytes(), &h) != nil || !reflect.DeepEqual(h.Settings, st) {
				return map[[2]int]savedPoint{}, nil
			}
			continue
		}
		var p savedPoint
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			break // a line cut short by a crash: evaluate it again
		}
		known[[2]int{p.I, p.J}] = p
	}
	return known, nil
}

// gridProgress shows evaluated points on a terminal, or one line at the end.
type gridProgress struct {
	mu           sync.Mutex
	w            io.Writer
	tty          bool
	total, count int
	start, last  time.Time
}

func newGridProgress(w io.Writer, total, done int) *gridProgress {
	p := &gridProgress{w: w, total: total, count: done, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *gridProgress) add() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count++
	if !p.tty || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\rgrid %d/%d points  %.0f points/s   ", p.count, p.total, float64(p.count)/time.Since(p.start).Seconds())
}

func (p *gridProgress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
