package report

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The npm packages a page inlines, pinned exactly as in the repository's
// package.json and package-lock.json (a test checks that they agree).
const (
	EChartsVersion   = "6.1.0"
	EChartsGLVersion = "2.1.0"
)

// JSDirEnv names the environment variable that, when set, says where to read
// the JavaScript from instead of the copy built into the binary: a
// node_modules directory holding echarts and echarts-gl, or a directory with
// such a node_modules in it.
const JSDirEnv = "LANDSCAPE_JS_DIR"

// installHint is what every error about a JavaScript override says to do.
const installHint = `point it at a node_modules directory that holds echarts ` + EChartsVersion + ` and echarts-gl ` + EChartsGLVersion +
	` (npm ci in the repository root installs them), or leave it empty to use the copy built into the binary`

// ErrNoJS is matched (with errors.Is) by the error returned when a
// JavaScript directory given as an override cannot be read or does not hold
// the pinned versions. Without an override the JavaScript built into the
// binary is used and never fails.
var ErrNoJS = errors.New("report: the ECharts JavaScript is not installed")

// bundled holds the minified builds and their licences, generated from the
// pinned npm packages by scripts/update-js.sh (which CI runs with --check),
// the way Go's pprof ships d3: a binary needs nothing else to write a report.
//
//go:embed js
var bundled embed.FS

// jsPackage is one npm package whose minified bundle a page inlines.
type jsPackage struct {
	name, version, file string
}

var (
	echartsPkg   = jsPackage{"echarts", EChartsVersion, "dist/echarts.min.js"}
	echartsGLPkg = jsPackage{"echarts-gl", EChartsGLVersion, "dist/echarts-gl.min.js"}
)

// JS holds the library code a page inlines.
type JS struct {
	Dir       string // the node_modules directory it was read from; "" for the built-in copy
	ECharts   string // echarts.min.js
	EChartsGL string // echarts-gl.min.js
}

// LoadJS returns echarts and echarts-gl. dir, when not empty, is a
// node_modules directory (or one that contains it) to read them from;
// otherwise the directory named by LANDSCAPE_JS_DIR; otherwise the copy built
// into the binary. Reading from a directory fails with an error matching
// ErrNoJS when it holds no echarts or not the pinned versions.
func LoadJS(dir string) (*JS, error) {
	if dir == "" {
		dir = os.Getenv(JSDirEnv)
		if dir == "" {
			return builtinJS()
		}
	}
	nm, ok := holdsECharts(dir)
	if !ok {
		return nil, fmt.Errorf("%w: %s holds no node_modules/echarts; %s", ErrNoJS, dir, installHint)
	}
	js := &JS{Dir: nm}
	for _, x := range []struct {
		pkg jsPackage
		dst *string
	}{{echartsPkg, &js.ECharts}, {echartsGLPkg, &js.EChartsGL}} {
		if err := checkVersion(nm, x.pkg); err != nil {
			return nil, err
		}
		path := filepath.Join(nm, x.pkg.name, x.pkg.file)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %v; %s", ErrNoJS, err, installHint)
		}
		if err := inlinable(path, b); err != nil {
			return nil, err
		}
		*x.dst = string(b)
	}
	return js, nil
}

// builtinJS returns the copy embedded in the binary.
func builtinJS() (*JS, error) {
	js := &JS{}
	for _, x := range []struct {
		name string
		dst  *string
	}{{"js/echarts.min.js", &js.ECharts}, {"js/echarts-gl.min.js", &js.EChartsGL}} {
		b, err := bundled.ReadFile(x.name)
		if err != nil {
			return nil, fmt.Errorf("report: the binary lacks %s: %w", x.name, err)
		}
		if err := inlinable(x.name, b); err != nil {
			return nil, err
		}
		*x.dst = string(b)
	}
	return js, nil
}

// inlinable fails when the code would end the page's script element early.
func inlinable(name string, b []byte) error {
	if strings.Contains(strings.ToLower(string(b)), "</script") {
		return fmt.Errorf("report: %s contains </script and cannot be inlined", name)
	}
	return nil
}

// holdsECharts reports whether dir is, or contains, a node_modules directory
// with an echarts package, and returns that node_modules directory.
func holdsECharts(dir string) (string, bool) {
	for _, nm := range []string{dir, filepath.Join(dir, "node_modules")} {
		if fileExists(filepath.Join(nm, "echarts", "package.json")) {
			return nm, true
		}
	}
	return "", false
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// checkVersion fails unless node_modules holds the pinned version of pkg.
func checkVersion(nm string, pkg jsPackage) error {
	path := filepath.Join(nm, pkg.name, "package.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s has no %s; %s", ErrNoJS, nm, pkg.name, installHint)
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var meta struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return fmt.Errorf("report: read %s: %w", path, err)
	}
	if meta.Version != pkg.version {
		return fmt.Errorf("%w: %s holds %s %s, the repository pins %s; %s", ErrNoJS, nm, pkg.name, meta.Version, pkg.version, installHint)
	}
	return nil
}
