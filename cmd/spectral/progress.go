package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress shows the matrices done, the time elapsed and the time left:
// on a terminal as a bar redrawn in place, elsewhere as a line every ten
// seconds and one at the end. The time left assumes a matrix costs n^3
// (its eigen-solves).
type progress struct {
	mu              sync.Mutex
	w               io.Writer
	tty             bool
	start, last     time.Time
	cost            []float64
	total, finished float64
	count           int
	printed         bool
}

func newProgress(w io.Writer, sizes []int) *progress {
	p := &progress{w: w, start: time.Now(), last: time.Now()}
	for _, n := range sizes {
		c := float64(n) * float64(n) * float64(n)
		p.cost = append(p.cost, c)
		p.total += c
	}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	if p.tty {
		p.draw()
	}
	return p
}

// add counts matrix i as done.
func (p *progress) add(i int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count++
	p.finished += p.cost[i]
	if p.tty || time.Since(p.last) >= 10*time.Second || p.count == len(p.cost) {
		p.draw()
		p.last = time.Now()
	}
}

func (p *progress) draw() {
	el := time.Since(p.start)
	eta := "?"
	if p.finished > 0 {
		eta = time.Duration(float64(el) * (p.total - p.finished) / p.finished).Round(time.Second).String()
	}
	const width = 30
	filled := 0
	if p.total > 0 {
		filled = int(width * p.finished / p.total)
	}
	line := fmt.Sprintf("[%s%s] %d/%d matrices  %s elapsed  ETA %s", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		p.count, len(p.cost), el.Round(time.Second), eta)
	if p.tty {
		fmt.Fprintf(p.w, "\r%s   ", line)
		p.printed = true
	} else if p.count == len(p.cost) && el < 10*time.Second {
		return
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) done() {
	if p.printed {
		fmt.Fprintln(p.w)
	}
}
