package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/train"
)

// progress shows a bar with loss, speed and time left when stderr is a
// terminal, and plain lines (one per epoch, at most one a second) otherwise.
type progress struct {
	w        io.Writer
	tty      bool
	last     time.Time
	start    time.Time
	drawn    bool
	firstStp int
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, start: time.Now(), firstStp: -1}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) event(e train.Event) {
	if p.firstStp < 0 {
		p.firstStp = e.Step - 1
		p.start = time.Now()
	}
	now := time.Now()
	rate := float64(e.Step-p.firstStp) / max(now.Sub(p.start).Seconds(), 1e-9)
	left := ""
	switch {
	case e.TotalSteps > 0:
		left = (time.Duration(float64(e.TotalSteps-e.Step)/rate) * time.Second).Round(time.Second).String()
	case e.Budget > 0:
		left = (e.Budget - e.Elapsed).Round(time.Second).String()
	}
	if p.tty {
		if now.Sub(p.last) < 100*time.Millisecond && e.Step != e.TotalSteps {
			return
		}
		p.last = now
		bar := ""
		if e.TotalSteps > 0 {
			n := 30 * e.Step / e.TotalSteps
			bar = "[" + strings.Repeat("=", n) + strings.Repeat(" ", 30-n) + "] "
		}
		fmt.Fprintf(p.w, "\r%sstep %d epoch %d loss %.4f  %.0f steps/s  %s left   ", bar, e.Step, e.Epoch, e.Loss, rate, left)
		p.drawn = true
		return
	}
	if e.Stats == nil || (now.Sub(p.last) < time.Second && e.Step != e.TotalSteps) {
		return
	}
	p.last = now
	line := fmt.Sprintf("epoch %d step %d train loss %.6g accuracy %.4f", e.Stats.Epoch, e.Step, e.Stats.TrainLoss, e.Stats.TrainAccuracy)
	if e.Stats.TrainPerplexity > 0 {
		line += fmt.Sprintf(" perplexity %.4g", e.Stats.TrainPerplexity)
	}
	if e.Stats.HasTest {
		line += fmt.Sprintf(" test loss %.6g accuracy %.4f", e.Stats.TestLoss, e.Stats.TestAccuracy)
	}
	if e.Stats.TestPerplexity > 0 {
		line += fmt.Sprintf(" perplexity %.4g", e.Stats.TestPerplexity)
	}
	fmt.Fprintf(p.w, "%s (%.0f steps/s, %s left)\n", line, rate, left)
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
