// Package reporttest opens report pages in headless Chromium for tests and
// reads back what the page recorded about itself: how many charts it has,
// how many finished drawing with a canvas, every JavaScript error (script
// errors, failed or blocked loads, console.error) and, on request, the sizes
// of the CSV and JSON downloads of each chart; and, on Linux, the peak
// resident memory of the renderer that drew the page.
//
// Tests that need Chromium skip when they are missing,
// except where the environment variable CI is "true": there they fail, so
// that CI never passes by skipping them (.ci/run installs both).
package reporttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// ChromiumEnv names a variable that, when set, is the Chromium binary to use.
const ChromiumEnv = "LANDSCAPE_CHROMIUM"

// InCI reports whether the tests run in CI, where missing tools are
// failures, not skips.
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing skips the test with msg, or fails it in CI.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s (CI=true: this test must run; .ci/run installs what it needs)", msg)
	}
	t.Skip(msg)
}

// NeedJS skips the test (fails it in CI) when loading the report
// JavaScript failed with err (report.LoadJS's error), the message saying how
// to install it.
func NeedJS(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		Missing(t, fmt.Sprintf("skipping: %v", err))
	}
}

// Chromium returns the Chromium binary, skipping the test (failing it in CI)
// when there is none.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(ChromiumEnv); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome-headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Missing(t, "skipping: no chromium on PATH (Debian: apt-get install chromium)")
	return ""
}

// flags run Chromium headless, offline and without any of its own traffic.
// Software WebGL (SwiftShader) draws the 3-D charts on machines without a
// GPU.
var flags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
	"--disable-default-apps", "--disable-extensions", "--mute-audio", "--enable-logging=stderr", "--v=0",
}

// Status is what a page recorded after it loaded.
type Status struct {
	Charts   int        `json:"charts"`
	Rendered int        `json:"rendered"` // charts that finished drawing and have a canvas
	Canvases []int      `json:"canvases"` // drawn canvases per chart
	Errors   []string   `json:"errors"`   // recorded by the page
	Done     bool       `json:"-"`        // every chart finished drawing
	Console  []string   `json:"-"`        // uncaught errors in Chromium's console log
	SelfTest []Download `json:"-"`        // with Options.SelfTest
	// RendererPeak is the peak resident memory of the page's renderer
	// process in bytes (VmHWM from /proc; 0 where there is no /proc), and
	// GPUPeak that of Chromium's GPU process, where software WebGL draws
	// the 3-D charts.
	RendererPeak, GPUPeak int64 `json:"-"`
	// TimedOut says that the page did not finish in time (with
	// Options.AllowTimeout); the peaks are those reached until then.
	TimedOut bool `json:"-"`
}

// Download is the size of a chart's downloads.
type Download struct {
	CSVRows    int    `json:"csv_rows"`
	CSVHeader  string `json:"csv_header"`
	JSONTables int    `json:"json_tables"`
}

// AllErrors returns the page's and the console's errors together.
func (s Status) AllErrors() []string { return append(append([]string(nil), s.Errors...), s.Console...) }

// Options of Open.
type Options struct {
	// Budget is the virtual time the page gets to draw (default 30 s).
	Budget time.Duration
	// SelfTest asks the page to build every chart's downloads.
	SelfTest bool
	// Timeout is the real time Chromium gets before the test fails
	// (default 90 s).
	Timeout time.Duration
	// AllowTimeout returns, instead of failing, a Status with TimedOut set
	// and the memory peaks so far when Chromium runs out of time.
	AllowTimeout bool
}

var (
	htmlTag    = regexp.MustCompile(`(?s)<html\b[^>]*>`)
	attrStatus = regexp.MustCompile(`data-landscape-status="([^"]*)"`)
	attrSelf   = regexp.MustCompile(`data-landscape-selftest="([^"]*)"`)
	attrErrors = regexp.MustCompile(`data-landscape-errors="([^"]*)"`)
)

// Open loads the page in headless Chromium and returns what it recorded.
func Open(t testing.TB, page string, o Options) Status {
	t.Helper()
	bin := Chromium(t)
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	if o.Budget == 0 {
		o.Budget = 30 * time.Second
	}
	// The page draws the charts near the window only: walking, it scrolls
	// through them all, drawing each in turn.
	url := "file://" + abs + "#landscape-walk"
	if o.SelfTest {
		url += ",landscape-selftest"
	}
	args := append(append([]string{}, flags...), "--user-data-dir="+t.TempDir(),
		fmt.Sprintf("--virtual-time-budget=%d", o.Budget.Milliseconds()), "--dump-dom", url)
	stdout, stderr, renderer, gpu, timedOut := run(t, bin, args, o.Timeout, o.AllowTimeout)
	if timedOut {
		return Status{RendererPeak: renderer, GPUPeak: gpu, TimedOut: true}
	}
	tag := htmlTag.Find(stdout)
	if tag == nil {
		t.Fatalf("chromium printed no page for %s; stderr:\n%s", page, tail(stderr))
	}
	s := Status{RendererPeak: renderer, GPUPeak: gpu}
	m := attrStatus.FindSubmatch(tag)
	if m == nil {
		t.Fatalf("%s recorded no status (its script did not run?): %s; stderr:\n%s", page, tag, tail(stderr))
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &s); err != nil {
		t.Fatalf("%s: status: %v", page, err)
	}
	s.Done = strings.Contains(string(tag), `data-landscape-done="true"`)
	// Errors after the status was last written are in the hook's own list,
	// which holds every error.
	if m := attrErrors.FindSubmatch(tag); m != nil {
		var all []string
		if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &all); err != nil {
			t.Fatalf("%s: errors: %v", page, err)
		}
		if len(all) > len(s.Errors) {
			s.Errors = all
		}
	}
	if m := attrSelf.FindSubmatch(tag); m != nil {
		if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &s.SelfTest); err != nil {
			t.Fatalf("%s: self-test: %v", page, err)
		}
	}
	for _, line := range strings.Split(string(stderr), "\n") {
		if strings.Contains(line, ":CONSOLE") && strings.Contains(line, "Uncaught") {
			s.Console = append(s.Console, line)
		}
	}
	return s
}

// Screenshot saves a PNG of the page as a w x h window shows it.
func Screenshot(t testing.TB, page, png string, w, h int) {
	t.Helper()
	bin := Chromium(t)
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	out, err := filepath.Abs(png)
	if err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{}, flags...), "--user-data-dir="+t.TempDir(), "--hide-scrollbars",
		"--virtual-time-budget=30000", fmt.Sprintf("--window-size=%d,%d", w, h), "--screenshot="+out, "file://"+abs)
	run(t, bin, args, 0, false)
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
}

// run runs Chromium and returns what it printed and the peak memory of its
// renderer and GPU processes.
func run(t testing.TB, bin string, args []string, timeout time.Duration, allowTimeout bool) (stdout, stderr []byte, renderer, gpu int64, timedOut bool) {
	t.Helper()
	if timeout == 0 {
		timeout = 90 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Start()
	if err == nil {
		w := watchMemory(cmd.Process.Pid)
		err = cmd.Wait()
		renderer, gpu = w.Stop()
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		if allowTimeout {
			return nil, nil, renderer, gpu, true
		}
		t.Fatalf("chromium timed out after %v (renderer peak so far %.0f MB); stderr:\n%s", timeout, float64(renderer)/(1<<20), tail([]byte(errb.String())))
	}
	if err != nil {
		t.Fatalf("chromium: %v; stderr:\n%s", err, tail([]byte(errb.String())))
	}
	return []byte(out.String()), []byte(errb.String()), renderer, gpu, false
}

// tail returns the last lines of Chromium's log, without its D-Bus noise.
func tail(b []byte) string {
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, "dbus") && strings.TrimSpace(l) != "" {
			keep = append(keep, l)
		}
	}
	if len(keep) > 20 {
		keep = keep[len(keep)-20:]
	}
	return strings.Join(keep, "\n")
}
