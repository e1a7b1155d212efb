package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/adafisher-go/landscape/experiment"
	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// surfaceResult is surface.json.
type surfaceResult = landscape.SurfaceResult

func cmdSurface(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("landscape surface", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var st landscape.SurfaceSettings
	fs.StringVar(&st.Mode, "mode", "random", "line (between --from and --to), random (two filter-normalised random directions), pca (the run's snapshots), three (the plane through --steps a,b,c)")
	fs.StringVar(&st.Centre, "centre", "final", "the weights at the origin of random and pca planes: final or a snapshot step")
	fs.StringVar(&st.From, "from", "0", "line: the start (a snapshot step or final)")
	fs.StringVar(&st.To, "to", "final", "line: the end (a snapshot step or final)")
	steps := fs.String("steps", "", "three: three snapshot steps (or final), comma-separated")
	shard := cli.ShardFlag(fs)
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
	if st.Mode == "three" {
		st.Steps = strings.Split(*steps, ",")
	}
	if *workers < 0 {
		return usagef("--workers %d, want a number of parallel evaluations (0: all cores)", *workers)
	}
	if *rng != "" {
		lo, hi, ok := strings.Cut(*rng, ":")
		a, err1 := strconv.ParseFloat(lo, 64)
		b, err2 := strconv.ParseFloat(hi, 64)
		if !ok || err1 != nil || err2 != nil || !(a < b) {
			return usagef("--range %q, want MIN:MAX with MIN < MAX", *rng)
		}
		st.Range = [2]float64{a, b}
	}
	if err := st.Validate(); err != nil {
		return usageError{Err: cli.FlagNames(err, surfaceFlagNames)}
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
	cps, err := checkpoints(saved)
	if err != nil {
		return err
	}
	sh, err := cli.ParseShard(*shard)
	if err != nil {
		return err
	}
	// A shard writes its points into OUT/shards/K-of-N; the unsharded call
	// takes theirs and writes surface.json.
	lockDir, pointsPath := *out, filepath.Join(*out, "surface.points.jsonl")
	imports, _ := filepath.Glob(filepath.Join(*out, "shards", "*", "surface.points.jsonl"))
	if !sh.Whole() {
		lockDir = filepath.Join(*out, "shards", fmt.Sprintf("%d-of-%d", sh.K, sh.N))
		pointsPath, imports = filepath.Join(lockDir, "surface.points.jsonl"), nil
	}
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		return err
	}
	// One writer per output: a second evaluation would interleave its
	// points with this one's in the point log.
	lock, err := rundir.Lock(lockDir, append([]string{"landscape", "surface"}, args...))
	if err != nil {
		return err
	}
	defer lock.Release()
	if lock.Stale != nil {
		fmt.Fprintf(stderr, "%s: took over the lock of %s, which ended without releasing it\n", lockDir, *lock.Stale)
	}
	for _, path := range rundir.RemoveTemps(lockDir) {
		fmt.Fprintf(stderr, "removed %s, the unfinished write of a process that stopped\n", path)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bar := newGridProgress(stderr)
	res, err := landscape.Surface(ctx, landscape.SurfaceConfig{Settings: st, Checkpoints: cps, Build: saved.Build, Data: d,
		Log: pointsPath, Shard: sh, Import: imports, Workers: *workers, Progress: bar.add})
	bar.done()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted; %s keeps the finished points: run the same command to continue", pointsPath)
		}
		if errors.Is(err, landscape.ErrSnapshots) {
			return fmt.Errorf("%w (write snapshots with train --snapshot-every)", err)
		}
		return err
	}
	if res.Cut > 0 {
		fmt.Fprintf(stderr, "%s: dropped its last line, a point cut short when an evaluation stopped (%d bytes); evaluated it again\n", pointsPath, res.Cut)
	}
	if !sh.Whole() {
		cli.ShardDone(stdout, sh, "surface")
		return nil
	}
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if err := rundir.WriteBytesAtomic(filepath.Join(*out, "surface.json"), b); err != nil {
		return err
	}
	if !*noHTML {
		if err := experiment.WriteSurfacePage(*out, res, report.Options{PNG: *png, Command: append([]string{"landscape", "surface"}, args...), Version: version()}); err != nil {
			return err
		}
	}
	rows, cols := len(res.Loss), 1
	if rows > 0 {
		cols = len(res.Loss[0])
	}
	fmt.Fprintf(stdout, "%s: %s surface, %d points (%d reused) in %.1fs\n", *out, st.Mode, rows*cols, res.Reused, res.Seconds)
	return nil
}

// surfaceFlagNames maps the settings that landscape.SettingError names to
// the flags that set them.
var surfaceFlagNames = map[string]string{"mode": "mode", "one_d": "one-d", "steps": "steps", "split": "split",
	"range": "range", "range_b": "range", "resolution": "resolution"}

// checkpoints lists a run's weights for package landscape: its snapshots in
// step order, then final.safetensors.
func checkpoints(s *train.Saved) ([]landscape.Checkpoint, error) {
	steps, err := s.Dir.WeightSteps()
	if err != nil {
		return nil, err
	}
	var cps []landscape.Checkpoint
	for _, step := range steps {
		cps = append(cps, landscape.Checkpoint{Step: step, File: filepath.ToSlash(filepath.Join(rundir.WeightsDir, filepath.Base(s.Dir.WeightsPath(step)))),
			Load: func() (*nn.Model[float64], error) { return s.Load(step) }})
	}
	cps = append(cps, landscape.Checkpoint{Step: finalStep(s.Dir), Final: true, File: "final.safetensors",
		Load: func() (*nn.Model[float64], error) { return s.Load(-1) }})
	return cps, nil
}

// snapshots reads every weight snapshot of a run, flattened, and final
// weights last (step -1).
func snapshots(s *train.Saved) ([][]float64, []int, error) {
	cps, err := checkpoints(s)
	if err != nil {
		return nil, nil, err
	}
	return landscape.Snapshots(cps)
}

// gridProgress shows evaluated points on a terminal, or nothing.
type gridProgress struct {
	w     io.Writer
	tty   bool
	start time.Time
	last  time.Time
}

func newGridProgress(w io.Writer) *gridProgress {
	p := &gridProgress{w: w, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// add is landscape's progress callback (called from one goroutine at a time).
func (p *gridProgress) add(done, total int) {
	if !p.tty || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\rgrid %d/%d points  %.0f points/s   ", done, total, float64(done)/time.Since(p.start).Seconds())
}

func (p *gridProgress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
