package report

import (
	"encoding/json"
	"errors"
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

// Without the JavaScript, writing a page fails with an error that says how
// to install it, and writes nothing.
func TestMissingJS(t *testing.T) {
	empty := t.TempDir()
	wrong := t.TempDir()
	os.MkdirAll(filepath.Join(wrong, "echarts"), 0o755)
	os.WriteFile(filepath.Join(wrong, "echarts", "package.json"), []byte(`{"version":"4.9.0"}`), 0o644)
	cases := []struct {
		name, dir, env string
		want           string
	}{
		{"empty directory", empty, "", "npm ci"},
		{"environment variable", "", empty, "LANDSCAPE_JS_DIR"},
		{"wrong version", wrong, "", "echarts 4.9.0, the repository pins " + EChartsVersion},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(JSDirEnv, c.env)
			_, err := LoadJS(c.dir)
			if !errors.Is(err, ErrNoJS) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "npm ci") {
				t.Fatalf("LoadJS: %v, want ErrNoJS saying %q and npm ci", err, c.want)
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

// Looking up from a directory inside the repository finds its node_modules,
// and an installed-elsewhere directory is taken from the variable.
func TestFindNodeModules(t *testing.T) {
	if _, err := os.Stat("../node_modules/echarts/package.json"); err != nil {
		t.Skip("node_modules not installed (npm ci)")
	}
	t.Setenv(JSDirEnv, "")
	nm, err := findNodeModules("")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs("../node_modules")
	if nm != want {
		t.Errorf("found %s, want %s", nm, want)
	}
	t.Setenv(JSDirEnv, filepath.Dir(want))
	if nm, err := findNodeModules(""); err != nil || nm != want {
		t.Errorf("with %s: %s, %v", JSDirEnv, nm, err)
	}
}
