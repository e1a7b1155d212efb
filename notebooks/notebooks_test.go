package notebooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The notebooks this directory must hold (issue 9).
var want = []string{
	"figure1-trajectories.ipynb",
	"figure3-gersgorin.ipynb",
	"figure7-fft-snr.ipynb",
	"figure8-factor-images.ipynb",
	"optimizer-comparison.ipynb",
	"curvature-probes.ipynb",
}

// notebook is the part of the nbformat 4 JSON the tests read.
type notebook struct {
	Cells    []cell `json:"cells"`
	Metadata struct {
		Kernelspec struct {
			Name     string `json:"name"`
			Language string `json:"language"`
		} `json:"kernelspec"`
	} `json:"metadata"`
	NBFormat int `json:"nbformat"`
}

type cell struct {
	Type           string   `json:"cell_type"`
	Source         lines    `json:"source"`
	ExecutionCount *int     `json:"execution_count"`
	Outputs        []output `json:"outputs"`
}

type output struct {
	Type      string           `json:"output_type"`
	Name      string           `json:"name"` // stream: stdout or stderr
	Text      lines            `json:"text"`
	Data      map[string]lines `json:"data"`
	EName     string           `json:"ename"`
	EValue    string           `json:"evalue"`
	Traceback []string         `json:"traceback"`
}

// lines is a multi-line string of nbformat: a string or a list of lines.
type lines string

func (l *lines) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = lines(s)
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		// Not text (an image's metadata, say): keep nothing.
		*l = ""
		return nil
	}
	*l = lines(strings.Join(ss, ""))
	return nil
}

func readNotebook(t *testing.T, path string) *notebook {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &nb
}

// TestNotebooksCommittedClean checks every notebook as committed: the gonb
// kernel, no outputs (executed outputs are never committed), a text cell
// before every code cell, the set-up cell that points the notebook's module
// at this repository, and one settings cell near the top.
func TestNotebooksCommittedClean(t *testing.T) {
	found, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !slices.Contains(found, w) {
			t.Errorf("notebooks/%s is missing", w)
		}
	}
	for _, name := range found {
		t.Run(name, func(t *testing.T) {
			nb := readNotebook(t, name)
			if nb.NBFormat != 4 || nb.Metadata.Kernelspec.Name != "gonb" || nb.Metadata.Kernelspec.Language != "go" {
				t.Errorf("nbformat %d, kernel %q (%s); want nbformat 4 and the gonb kernel (go)", nb.NBFormat, nb.Metadata.Kernelspec.Name, nb.Metadata.Kernelspec.Language)
			}
			if len(nb.Cells) == 0 || nb.Cells[0].Type != "markdown" || !strings.HasPrefix(string(nb.Cells[0].Source), "# ") {
				t.Errorf("the first cell must be markdown with the notebook's title")
			}
			codeCells, settings := 0, -1
			for i, c := range nb.Cells {
				if c.Type != "code" {
					continue
				}
				codeCells++
				if len(c.Outputs) > 0 || c.ExecutionCount != nil {
					t.Errorf("cell %d has outputs or an execution count: clear them before committing (Jupyter: Edit > Clear All Outputs; or jupyter nbconvert --clear-output --inplace %s)", i, name)
				}
				if i == 0 || nb.Cells[i-1].Type != "markdown" {
					t.Errorf("code cell %d has no text cell before it saying what it does", i)
				}
				src := string(c.Source)
				if codeCells == 1 {
					for _, s := range []string{`go work use "${GONB_DIR}/.."`, "%goworkfix", "!*go get github.com/janpfeifer/gonb@v0.11.1"} {
						if !strings.Contains(src, s) {
							t.Errorf("the first code cell (the set-up) lacks %q", s)
						}
					}
				}
				if i > 0 && strings.HasPrefix(string(nb.Cells[i-1].Source), "## Settings") {
					settings = codeCells
				}
			}
			if settings != 2 {
				t.Errorf("the settings cell (after a \"## Settings\" heading) is code cell %d, want the second, right after the set-up", settings)
			}
		})
	}
}

// TestNotebooksExecute runs every notebook top to bottom with jupyter
// nbconvert and the gonb kernel, with LANDSCAPE_NOTEBOOK_QUICK=1 (the small
// settings) and the runs in a temporary directory, and fails on any cell
// error: a compile error (nbconvert stops), a program that exits non-zero or
// panics, or a shell command that fails (gonb reports both on stderr). Every
// notebook must also show at least one figure, and its module must resolve
// github.com/adafisher-go/landscape to this working tree.
func TestNotebooksExecute(t *testing.T) {
	if testing.Short() {
		t.Skip("executing notebooks is not short")
	}
	jupyter, env, missing := jupyterEnv()
	if missing != "" {
		msg := missing + ": install with notebooks/setup.sh (Debian's jupyter-nbconvert, python3-nbclient, python3-ipykernel, jupyter-client; gonb, goimports, gopls; the kernel registration)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	env = append(env, "LANDSCAPE_NOTEBOOK_QUICK=1", "LANDSCAPE_NOTEBOOK_OUT="+filepath.Join(tmp, "runs"))
	for _, name := range want {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			outDir := filepath.Join(tmp, "executed")
			ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, jupyter, "nbconvert", "--to", "notebook", "--execute",
				"--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=gonb",
				"--output-dir", outDir, name)
			cmd.Env = env
			var log bytes.Buffer
			cmd.Stdout, cmd.Stderr = &log, &log
			start := time.Now()
			err := cmd.Run()
			t.Logf("%s executed in %.1fs", name, time.Since(start).Seconds())
			if err != nil {
				t.Fatalf("jupyter nbconvert --execute %s: %v\n%s", name, err, nbconvertError(log.String()))
			}
			checkExecuted(t, readNotebook(t, filepath.Join(outDir, name)), root)
		})
	}
}

var failureLine = regexp.MustCompile(`(?m)^(exit status \d+|signal: \w+|panic: .*|fatal error: .*)$`)

// checkExecuted fails on any sign of a failed cell in an executed notebook.
func checkExecuted(t *testing.T, nb *notebook, root string) {
	t.Helper()
	figures := 0
	resolved := false
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		if c.ExecutionCount == nil {
			t.Errorf("cell %d did not run", i)
		}
		for _, o := range c.Outputs {
			switch {
			case o.Type == "error":
				t.Errorf("cell %d: %s: %s\n%s\n--- cell source:\n%s", i, o.EName, o.EValue, strings.Join(o.Traceback, "\n"), c.Source)
			case o.Type == "stream" && o.Name == "stderr" && failureLine.MatchString(string(o.Text)):
				t.Errorf("cell %d failed:\n%s\n--- cell source:\n%s", i, o.Text, c.Source)
			case o.Type == "stream" && strings.Contains(string(o.Text), fmt.Sprintf(`module "github.com/adafisher-go/landscape" to local directory %q`, root)):
				resolved = true
			}
			if _, ok := o.Data["image/png"]; ok {
				figures++
			}
			if strings.Contains(string(o.Data["text/html"]), "data:image/png;base64,") {
				figures++
			}
		}
	}
	if figures == 0 {
		t.Errorf("no figure was shown")
	}
	if !resolved {
		t.Errorf("the set-up cell did not report github.com/adafisher-go/landscape resolved to %s (gonb's %%goworkfix)", root)
	}
}

// nbconvertError keeps the end of nbconvert's log, where the failed cell and
// its error are, without the kernel's own log lines.
func nbconvertError(log string) string {
	var keep []string
	for _, l := range strings.Split(log, "\n") {
		if len(l) > 5 && (l[0] == 'I' || l[0] == 'W') && l[1] >= '0' && l[1] <= '9' { // klog lines of the gonb kernel
			continue
		}
		keep = append(keep, l)
	}
	if len(keep) > 80 {
		keep = keep[len(keep)-80:]
	}
	return strings.Join(keep, "\n")
}

// jupyterEnv returns the jupyter command and the environment to run it in
// (PATH extended with Go's bin directories, where setup.sh installs gonb,
// goimports and gopls, since the kernel runs them from PATH), or what is
// missing.
func jupyterEnv() (jupyter string, env []string, missing string) {
	path := os.Getenv("PATH")
	for _, v := range []string{"GOBIN", "GOPATH"} {
		out, err := exec.Command("go", "env", v).Output()
		if d := strings.TrimSpace(string(out)); err == nil && d != "" {
			if v == "GOPATH" {
				d = filepath.Join(strings.Split(d, string(os.PathListSeparator))[0], "bin")
			}
			path += string(os.PathListSeparator) + d
		}
	}
	if goroot, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		path += string(os.PathListSeparator) + filepath.Join(strings.TrimSpace(string(goroot)), "bin")
	}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "PATH=") {
			env = append(env, e)
		}
	}
	env = append(env, "PATH="+path)
	look := func(name string) string {
		for _, d := range filepath.SplitList(path) {
			p := filepath.Join(d, name)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
				return p
			}
		}
		return ""
	}
	for _, p := range []string{"jupyter", "gonb", "goimports", "gopls", "go"} {
		if look(p) == "" {
			return "", nil, p + " is not installed"
		}
	}
	jupyter = look("jupyter")
	cmd := exec.Command(jupyter, "nbconvert", "--version")
	cmd.Env = env
	if err := cmd.Run(); err != nil {
		return "", nil, "jupyter nbconvert does not run (" + err.Error() + ")"
	}
	cmd = exec.Command(jupyter, "kernelspec", "list", "--json")
	cmd.Env = env
	out, err := cmd.Output()
	var specs struct {
		Kernelspecs map[string]json.RawMessage `json:"kernelspecs"`
	}
	if err != nil || json.Unmarshal(out, &specs) != nil {
		return "", nil, "jupyter kernelspec list does not run"
	}
	if _, ok := specs.Kernelspecs["gonb"]; !ok {
		return "", nil, "the gonb kernel is not registered with Jupyter"
	}
	return jupyter, env, ""
}
