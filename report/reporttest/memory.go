package reporttest

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// memoryWatch follows the processes Chromium starts and records the peak
// resident memory (VmHWM, which the kernel keeps as the high-water mark of
// a process's RSS) of its renderers and of its GPU process, read from
// /proc. VmHWM only grows, so any reading after the peak holds it; the
// watch polls until Chromium exits, and a renderer's growth in the last
// poll interval before it exits can be missed.
type memoryWatch struct {
	root     int
	stop     chan struct{}
	done     chan struct{}
	renderer int64 // bytes, the largest renderer's peak
	gpu      int64 // bytes, the GPU process's peak (software WebGL runs there)
}

// pollEvery is how often the watch reads /proc.
const pollEvery = 20 * time.Millisecond

// watchMemory starts watching the process tree under pid; it does nothing
// where /proc is missing.
func watchMemory(pid int) *memoryWatch {
	w := &memoryWatch{root: pid, stop: make(chan struct{}), done: make(chan struct{})}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		close(w.done)
		return w
	}
	go func() {
		defer close(w.done)
		kinds := map[int]string{} // pid -> its --type, once known
		tick := time.NewTicker(pollEvery)
		defer tick.Stop()
		for n := 0; ; n++ {
			if n%5 == 0 { // the tree changes rarely; its members' memory often
				for _, p := range descendants(w.root) {
					// A zygote's child carries the zygote's command line
					// until it takes its own: ask again until it has.
					if k := kinds[p]; k == "" || k == "zygote" {
						kinds[p] = processType(p)
					}
				}
			}
			for p, kind := range kinds {
				hwm := vmHWM(p)
				switch kind {
				case "renderer":
					w.renderer = max(w.renderer, hwm)
				case "gpu-process":
					w.gpu = max(w.gpu, hwm)
				}
			}
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// Stop ends the watch and returns the peaks in bytes (0 where unknown).
func (w *memoryWatch) Stop() (renderer, gpu int64) {
	select {
	case <-w.done:
	default:
		close(w.stop)
		<-w.done
	}
	return w.renderer, w.gpu
}

// descendants returns the processes below pid, from /proc/*/stat.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		if pp, err := strconv.Atoi(f[1]); err == nil {
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// processType returns the value of a Chromium process's --type flag ("" for
// the browser process and for other programs).
func processType(pid int) string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return ""
	}
	// Chromium rewrites a zygote child's command line as one string of
	// space-separated arguments.
	for _, a := range bytes.FieldsFunc(b, func(r rune) bool { return r == 0 || r == ' ' }) {
		if t, ok := bytes.CutPrefix(a, []byte("--type=")); ok {
			return string(t)
		}
	}
	return ""
}

// vmHWM returns a process's peak resident memory in bytes, 0 when it cannot
// be read (the process has exited).
func vmHWM(pid int) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			f := strings.Fields(v) // "123456 kB"
			if len(f) == 2 && f[1] == "kB" {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return kb << 10
				}
			}
		}
	}
	return 0
}
