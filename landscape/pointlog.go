package landscape

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"reflect"
	"sync"
)

// PointLog is the resumable record of a grid evaluation: a file of JSON
// lines, the first {"settings": ...} with the settings the values depend
// on, then one {"i","j","loss","accuracy"} object per finished point, each
// flushed as it finishes, so that an interrupted evaluation continues where
// it stopped. A log whose settings differ from the ones asked for is
// started afresh; a last line cut short by a crash is dropped and its point
// evaluated again.
//
// One log belongs to one writer. A partition of the grid into shards would
// give each shard its own log (its own path) holding only its points, and
// read all of them back to assemble the grid.
type PointLog[S any] struct {
	path  string
	known map[[2]int]Point
	valid int64 // bytes of whole lines read back
	cut   int64 // bytes after them, dropped: a line cut short by a crash
	mu    sync.Mutex
	f     *os.File
	w     *bufio.Writer
	err   error
}

type logHeader[S any] struct {
	Settings S `json:"settings"`
}

type logPoint struct {
	I        int      `json:"i"`
	J        int      `json:"j"`
	Loss     logFloat `json:"loss"`
	Accuracy logFloat `json:"accuracy"`
}

// logFloat writes a non-finite value as null and reads null as NaN (finite
// values as encoding/json does).
type logFloat float64

func (v logFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(v))
}

func (v *logFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = logFloat(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(v))
}

// OpenPointLog reads the points an earlier evaluation with equal settings
// (reflect.DeepEqual) saved at path, and opens the log to append to it; with
// no file, or other settings, it starts a new log with these settings.
func OpenPointLog[S any](path string, settings S) (*PointLog[S], error) {
	l := &PointLog[S]{path: path, known: map[[2]int]Point{}}
	if err := l.read(settings); err != nil {
		return nil, err
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if len(l.known) > 0 {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, err
	}
	if len(l.known) > 0 && l.cut > 0 {
		// Drop what follows the last whole point (a line cut short), so
		// that the next point starts a line of its own.
		if err := f.Truncate(l.valid); err != nil {
			f.Close()
			return nil, err
		}
	}
	l.f, l.w = f, bufio.NewWriter(f)
	if len(l.known) == 0 {
		b, err := json.Marshal(logHeader[S]{Settings: settings})
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("landscape: the settings of %s: %w", path, err)
		}
		l.w.Write(append(b, '\n'))
		if err := l.w.Flush(); err != nil {
			f.Close()
			return nil, err
		}
	}
	return l, nil
}

func (l *PointLog[S]) read(settings S) error {
	f, err := os.Open(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	line, err := r.ReadBytes('\n')
	if err != nil {
		return nil // no complete header: start afresh
	}
	var h logHeader[S]
	if json.Unmarshal(line, &h) != nil || !reflect.DeepEqual(h.Settings, settings) {
		return nil
	}
	l.valid = int64(len(line))
	defer func() {
		if fi, err := f.Stat(); err == nil && len(l.known) > 0 {
			l.cut = fi.Size() - l.valid
		}
	}()
	for {
		line, err := r.ReadBytes('\n')
		var p logPoint
		if err != nil || json.Unmarshal(line, &p) != nil {
			break // a line cut short by a crash: evaluate it again
		}
		l.valid += int64(len(line))
		l.known[[2]int{p.I, p.J}] = Point{I: p.I, J: p.J, Loss: float64(p.Loss), Accuracy: float64(p.Accuracy)}
	}
	return nil
}

// ReadPointLog returns the points a log at path holds for these settings,
// without opening it for writing: none when the file is missing or holds
// other settings.
func ReadPointLog[S any](path string, settings S) ([]Point, error) {
	l := &PointLog[S]{path: path, known: map[[2]int]Point{}}
	if err := l.read(settings); err != nil {
		return nil, err
	}
	out := make([]Point, 0, len(l.known))
	for _, p := range l.known {
		out = append(out, p)
	}
	return out, nil
}

// learn records p as known, as if it had been read from the file.
func (l *PointLog[S]) learn(p Point) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.known[[2]int{p.I, p.J}] = p
}

// Path is the log's file.
func (l *PointLog[S]) Path() string { return l.path }

// Known returns the point (i, j) as the log had it when opened.
func (l *PointLog[S]) Known(i, j int) (Point, bool) {
	p, ok := l.known[[2]int{i, j}]
	return p, ok
}

// Cut is the number of bytes that followed the last whole point when the log
// was opened, dropped: a line that a crash cut short, whose point is
// evaluated again.
func (l *PointLog[S]) Cut() int64 { return l.cut }

// Len is the number of points the log had when opened.
func (l *PointLog[S]) Len() int { return len(l.known) }

// Append writes one finished point and flushes it; it is safe for
// concurrent use. The first write error is kept and returned by Close.
func (l *PointLog[S]) Append(p Point) {
	b, err := json.Marshal(logPoint{I: p.I, J: p.J, Loss: logFloat(p.Loss), Accuracy: logFloat(p.Accuracy)})
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil {
		l.w.Write(append(b, '\n'))
		err = l.w.Flush()
	}
	if err != nil && l.err == nil {
		l.err = fmt.Errorf("landscape: writing %s: %w", l.path, err)
	}
}

// Close flushes and closes the file; closing again does nothing.
func (l *PointLog[S]) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return l.err
	}
	err := l.w.Flush()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	if l.err != nil {
		return l.err
	}
	return err
}
