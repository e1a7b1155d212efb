package spectral

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func inputs(n, size int) []Input {
	rng := rand.New(rand.NewPCG(4, 4))
	var in []Input
	for k := range n {
		in = append(in, Input{Name: fmt.Sprint("m", k), Layer: fmt.Sprint("layer", k%2), Step: k, Side: "A", Matrix: factorLike(rng, size, 0.5)})
	}
	return in
}

func TestAnalyzeBatchProgress(t *testing.T) {
	in := inputs(7, 12)
	var calls [][2]int
	var inside atomic.Int32
	rs, err := AnalyzeBatch(context.Background(), in, Options{Sigma: 1e-3, Workers: 3}, func(done, total int) {
		if inside.Add(1) != 1 {
			t.Error("overlapping progress calls")
		}
		calls = append(calls, [2]int{done, total})
		inside.Add(-1)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]int{{0, 7}, {1, 7}, {2, 7}, {3, 7}, {4, 7}, {5, 7}, {6, 7}, {7, 7}}
	if !slices.Equal(calls, want) {
		t.Errorf("progress calls %v", calls)
	}
	for k, r := range rs {
		if r.Name != in[k].Name || r.N != 12 || len(r.Modes) != 2 {
			t.Errorf("result %d: %s n=%d modes=%d", k, r.Name, r.N, len(r.Modes))
		}
	}
}

func TestAnalyzeBatchCancel(t *testing.T) {
	in := inputs(6, 40)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := AnalyzeBatch(ctx, in, Options{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before the start: %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	last := 0
	rs, err := AnalyzeBatch(ctx, in, Options{Workers: 1}, func(done, total int) {
		last = done
		if done == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || rs != nil {
		t.Errorf("cancelled in the middle: %v, %d results", err, len(rs))
	}
	if last != 2 {
		t.Errorf("%d matrices finished after cancelling at 2 with one worker", last)
	}
}

func TestAnalyzeBatchEmpty(t *testing.T) {
	called := false
	rs, err := AnalyzeBatch(context.Background(), nil, Options{}, func(done, total int) { called = done == 0 && total == 0 })
	if err != nil || len(rs) != 0 || !called {
		t.Errorf("empty batch: %v, %v, progress called %v", rs, err, called)
	}
}

func TestSeriesByLayer(t *testing.T) {
	rs := []Result{
		{Layer: "fc2", Side: "G", Step: 200, DiagonalShare: 0.4},
		{Layer: "fc1", Side: "A", Step: 100, DiagonalShare: 0.9},
		{Layer: "fc2", Side: "G", Step: 100, DiagonalShare: 0.5},
		{Layer: "fc1", Side: "A", Step: 50, DiagonalShare: 1},
		{Layer: "fc1", Side: "G", Step: 50, DiagonalShare: 0.7},
		{Layer: "fc1", Side: "A", Step: 100, DiagonalShare: 0.1}, // duplicate step: the first is kept
	}
	got := SeriesByLayer(rs, DiagonalShareOf)
	want := []Series{
		{Layer: "fc2", Side: "G", Steps: []int{100, 200}, Values: []Float{0.5, 0.4}},
		{Layer: "fc1", Side: "A", Steps: []int{50, 100}, Values: []Float{1, 0.9}},
		{Layer: "fc1", Side: "G", Steps: []int{50}, Values: []Float{0.7}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d series, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Layer != want[i].Layer || got[i].Side != want[i].Side || !slices.Equal(got[i].Steps, want[i].Steps) || !slices.Equal(got[i].Values, want[i].Values) {
			t.Errorf("series %d = %+v, want %+v", i, got[i], want[i])
		}
	}

	analysed, err := AnalyzeBatch(context.Background(), inputs(4, 6), Options{Sigma: 1e-2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	snr := SeriesByLayer(analysed, SNROf(Corrected))
	noise := SeriesByLayer(analysed, NoiseSNROf(Corrected))
	if len(snr) != 2 || !slices.Equal(snr[0].Steps, []int{0, 2}) || snr[0].Values[1] != analysed[2].Modes[1].SNR || *analysed[2].Modes[1].NoiseSNR != noise[0].Values[1] {
		t.Errorf("SNR series %+v", snr)
	}
	if v := SNROf(Corrected)(Result{}); v == v {
		t.Errorf("SNR of a result without the mode = %v, want NaN", v)
	}
	if v := NoiseSNROf(Reference)(analysed[0]); v == v {
		t.Errorf("reference noise SNR = %v, want NaN", v)
	}
}

// Matrices given by Load are read as they are analysed, never more at once
// than there are workers, and give the results of the same matrices given
// directly; each sees every result once, in step with the progress.
func TestAnalyzeEachLoadsLazily(t *testing.T) {
	direct := inputs(6, 10)
	want, err := AnalyzeBatch(context.Background(), direct, Options{Workers: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var live, peak atomic.Int32
	lazy := make([]Input, len(direct))
	for k, in := range direct {
		m := in.Matrix
		in.Matrix = nil
		in.Load = func() (*mat.Dense, error) {
			if n := live.Add(1); n > peak.Load() {
				peak.Store(n)
			}
			return mat.DenseCopyOf(m), nil
		}
		lazy[k] = in
	}
	seen := map[int]bool{}
	var dones []int
	err = AnalyzeEach(context.Background(), lazy, Options{Workers: 2}, func(i int, r Result) error {
		live.Add(-1)
		if seen[i] {
			t.Errorf("result %d twice", i)
		}
		seen[i] = true
		if r.Name != want[i].Name || !slices.Equal(r.Modes[0].Perturbed, want[i].Modes[0].Perturbed) || !slices.Equal(r.Eigenvalues, want[i].Eigenvalues) {
			t.Errorf("result %d differs from the direct one", i)
		}
		return nil
	}, func(done, total int) { dones = append(dones, done) })
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 6 || peak.Load() > 2 || len(dones) != 7 || dones[6] != 6 {
		t.Errorf("seen %d, peak %d loaded at once, progress %v", len(seen), peak.Load(), dones)
	}
	failing := slices.Clone(lazy)
	failing[3].Load = func() (*mat.Dense, error) { return nil, errors.New("disk on fire") }
	err = AnalyzeEach(context.Background(), failing, Options{Workers: 1}, func(int, Result) error { return nil }, nil)
	if err == nil || !strings.Contains(err.Error(), "m3: disk on fire") {
		t.Errorf("failing load: %v", err)
	}
}
