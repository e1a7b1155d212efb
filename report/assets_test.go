package report

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The versions the page code expects are the ones package.json and
// package-lock.json pin.
func TestPinnedVersions(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	readJSON(t, "../package.json", &pkg)
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	readJSON(t, "../package-lock.json", &lock)
	for _, p := range []jsPackage{echartsPkg, echartsGLPkg} {
		if got := pkg.Dependencies[p.name]; got != p.version {
			t.Errorf("package.json pins %s %q, report expects exactly %q", p.name, got, p.version)
		}
		if got := lock.Packages["node_modules/"+p.name].Version; got != p.version {
			t.Errorf("package-lock.json locks %s %q, report expects %q", p.name, got, p.version)
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// The built-in copy is exactly what scripts/update-js.sh generated from the
// pinned packages: every file's SHA-256 is the one in report/js/MANIFEST, and
// the MANIFEST names the pinned versions.
func TestBuiltinJSManifest(t *testing.T) {
	b, err := bundled.ReadFile("js/MANIFEST")
	if err != nil {
		t.Fatal(err)
	}
	files, pkgs := 0, map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 4 && f[0] == "package":
			pkgs[f[1]] = f[2]
		case len(f) == 3 && f[0] == "sha256":
			data, err := bundled.ReadFile("js/" + f[2])
			if err != nil {
				t.Fatalf("MANIFEST lists %s: %v", f[2], err)
			}
			if got := fmt.Sprintf("%x", sha256.Sum256(data)); got != f[1] {
				t.Errorf("%s: sha256 %s, MANIFEST says %s", f[2], got, f[1])
			}
			files++
		}
	}
	if files < 2 {
		t.Fatalf("MANIFEST lists %d files", files)
	}
	for _, p := range []jsPackage{echartsPkg, echartsGLPkg} {
		if pkgs[p.name] != p.version {
			t.Errorf("MANIFEST has %s %q, report expects %q", p.name, pkgs[p.name], p.version)
		}
	}
	t.Setenv(JSDirEnv, "")
	js, err := LoadJS("")
	if err != nil || js.Dir != "" || !strings.Contains(js.ECharts, EChartsVersion) || len(js.EChartsGL) < 100000 {
		t.Fatalf("LoadJS without an override: dir %q, %v", js.Dir, err)
	}
}

// A JavaScript directory given as an override that does not hold the pinned
// packages fails with an error that says what to do, and writes nothing.
func TestBadJSOverride(t *testing.T) {
	empty := t.TempDir()
	wrong := t.TempDir()
	os.MkdirAll(filepath.Join(wrong, "echarts"), 0o755)
	os.WriteFile(filepath.Join(wrong, "echarts", "package.json"), []byte(`{"version":"4.9.0"}`), 0o644)
	cases := []struct {
		name, dir, env string
		want           string
	}{
		{"empty directory", empty, "", "holds no node_modules/echarts"},
		{"environment variable", "", empty, "holds no node_modules/echarts"},
		{"wrong version", wrong, "", "echarts 4.9.0, the repository pins " + EChartsVersion},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(JSDirEnv, c.env)
			_, err := LoadJS(c.dir)
			if !errors.Is(err, ErrNoJS) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "built into the binary") {
				t.Fatalf("LoadJS: %v, want ErrNoJS saying %q", err, c.want)
			}
			out := filepath.Join(t.TempDir(), "page.html")
			p := NewPage("x")
			must(p.Add(Line{Title: "l", Series: []Series{{Name: "a", X: []float64{1}, Y: []float64{1}}}}))
			if err := p.WriteFile(out, Options{JSDir: c.dir}); !errors.Is(err, ErrNoJS) {
				t.Fatalf("WriteFile: %v, want ErrNoJS", err)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a page was written without its JavaScript")
			}
		})
	}
}

// An override directory with the pinned packages is read from there and
// gives the same bytes as the built-in copy.
func TestJSOverride(t *testing.T) {
	nm := filepath.Join(t.TempDir(), "node_modules")
	for _, p := range []jsPackage{echartsPkg, echartsGLPkg} {
		os.MkdirAll(filepath.Join(nm, p.name, "dist"), 0o755)
		os.WriteFile(filepath.Join(nm, p.name, "package.json"), []byte(`{"version":"`+p.version+`"}`), 0o644)
		b, _ := bundled.ReadFile("js/" + filepath.Base(p.file))
		os.WriteFile(filepath.Join(nm, p.name, p.file), b, 0o644)
	}
	t.Setenv(JSDirEnv, filepath.Dir(nm))
	js, err := LoadJS("")
	if err != nil || js.Dir != nm {
		t.Fatalf("LoadJS with %s: dir %q, %v", JSDirEnv, js.Dir, err)
	}
	builtin, _ := builtinJS()
	if js.ECharts != builtin.ECharts || js.EChartsGL != builtin.EChartsGL {
		t.Error("the override's JavaScript differs from the built-in copy it was made from")
	}
}
