package spectral

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
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
