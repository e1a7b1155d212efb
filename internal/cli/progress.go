package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/experiment"
	"github.com/adafisher-go/landscape/train"
)

// Progress shows a bar with loss, speed and time left when stderr is a
// terminal, and plain lines (one per epoch, at most one a second) otherwise.
type Progress struct {
	w        io.Writer
	tty      bool
	last     time.Time
	start    time.Time
	drawn    bool
	firstStp int
}

// NewProgress returns a progress display writing to w.
func NewProgress(w io.Writer) *Progress {
	p := &Progress{w: w, start: time.Now(), firstStp: -1}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// Event shows one training event.
func (p *Progress) Event(e train.Event) {
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

// Done ends the display.
func (p *Progress) Done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// JobProgress prints a job's events to w: a line as each cell starts, is
// kept or resumes, the notices of the training loop, and, with bars, the
// progress of the cell in training. name prefixes the lines ("compare").
func JobProgress(w io.Writer, name string, bars bool) func(experiment.Event) {
	var p *Progress
	return func(e experiment.Event) {
		c := e.Cell
		switch e.Kind {
		case experiment.CellStarted, experiment.CellResumed:
			if bars {
				p = NewProgress(w)
			}
			if e.Kind == experiment.CellResumed {
				fmt.Fprintf(w, "%s: resuming %s from %s\n", name, c.Name, c.Config.Out)
			} else if c.Config.TimeBudget > 0 {
				fmt.Fprintf(w, "%s: %s (%s) for %s\n", name, c.Name, c.Config.Optimizer, c.Config.TimeBudget)
			}
		case experiment.CellKept:
			fmt.Fprintf(w, "%s: %s finished already: %s\n", name, c.Name, c.Config.Out)
		case experiment.CellSkipped:
			fmt.Fprintf(w, "%s: %s\n", name, e.Message)
		case experiment.Notice:
			fmt.Fprintln(w, e.Message)
		case experiment.Training:
			if p != nil {
				p.Event(*e.Train)
			}
		case experiment.CellDone:
			if p != nil {
				p.Done()
				p = nil
			}
		}
	}
}
