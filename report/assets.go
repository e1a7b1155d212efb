package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The npm packages a page inlines, pinned exactly as in the repository's
// package.json and package-lock.json (a test checks that they agree).
const (
	EChartsVersion   = "6.1.0"
	EChartsGLVersion = "2.1.0"
)

// JSDirEnv names the environment variable that, when set, says where the
// JavaScript is: a node_modules directory holding echarts and echarts-gl, or
// a directory with such a node_modules in it.
const JSDirEnv = "LANDSCAPE_JS_DIR"

// installHint is what every error about missing JavaScript says to do.
const installHint = `run "npm ci" in the repository root (the directory with package.json) to install it, or set ` + JSDirEnv + ` to a node_modules directory that holds echarts ` + EChartsVersion + ` and echarts-gl ` + EChartsGLVersion

// ErrNoJS is matched (with errors.Is) by the error returned when the
// ECharts JavaScript cannot be found or is not the pinned version.
var ErrNoJS = errors.New("report: the ECharts JavaScript is not installed")

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
	Dir       string // the node_modules directory it was read from
	ECharts   string // echarts.min.js
	EChartsGL string // echarts-gl.min.js
}

// LoadJS reads echarts and echarts-gl from node_modules. dir, when not
// empty, is that node_modules directory (or one that contains it); otherwise
// the directory named by LANDSCAPE_JS_DIR, and otherwise the first
// node_modules found walking up from the working directory and then from the
// directory of the running executable. It fails with an error matching ErrNoJS
// that names the command that installs the JavaScript when none is found or
// the installed versions are not the pinned ones.
func LoadJS(dir string) (*JS, error) {
	nm, err := findNodeModules(dir)
	if err != nil {
		return nil, err
	}
	js := &JS{Dir: nm}
	for _, x := range []struct {
		pkg jsPackage
		dst *string
	}{{echartsPkg, &js.ECharts}, {echartsGLPkg, &js.EChartsGL}} {
		if err := checkVersion(nm, x.pkg); err != nil {
			return nil, err
		}
		b, err := os.ReadFile(filepath.Join(nm, x.pkg.name, x.pkg.file))
		if err != nil {
			return nil, fmt.Errorf("%w: %v; %s", ErrNoJS, err, installHint)
		}
		if strings.Contains(strings.ToLower(string(b)), "</script") {
			return nil, fmt.Errorf("report: %s contains </script and cannot be inlined", filepath.Join(nm, x.pkg.name, x.pkg.file))
		}
		*x.dst = string(b)
	}
	return js, nil
}

// findNodeModules returns the node_modules directory to read; see LoadJS.
func findNodeModules(dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv(JSDirEnv)
		if dir != "" {
			if nm, ok := holdsECharts(dir); ok {
				return nm, nil
			}
			return "", fmt.Errorf("%w: %s=%s holds no echarts package; %s", ErrNoJS, JSDirEnv, dir, installHint)
		}
	} else {
		if nm, ok := holdsECharts(dir); ok {
			return nm, nil
		}
		return "", fmt.Errorf("%w: %s holds no echarts package; %s", ErrNoJS, dir, installHint)
	}
	var looked []string
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		if exe, err := filepath.EvalSymlinks(exe); err == nil && !slices.Contains(starts, filepath.Dir(exe)) {
			starts = append(starts, filepath.Dir(exe))
		}
	}
	for _, s := range starts {
		for d := s; ; d = filepath.Dir(d) {
			if nm, ok := holdsECharts(d); ok {
				return nm, nil
			}
			if fileExists(filepath.Join(d, "package.json")) && fileExists(filepath.Join(d, "package-lock.json")) {
				return "", fmt.Errorf("%w: %s has a package.json but no node_modules/echarts: run \"npm ci\" in %s to install it, or set %s",
					ErrNoJS, d, d, JSDirEnv)
			}
			if filepath.Dir(d) == d {
				break
			}
		}
		looked = append(looked, s)
	}
	return "", fmt.Errorf("%w: no node_modules/echarts above %s; %s", ErrNoJS, strings.Join(looked, " or "), installHint)
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
