package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Names of the entries of a run directory; see the package documentation.
const (
	ConfigFile     = "run.json"
	MetricsFile    = "metrics.jsonl"
	WeightsDir     = "weights"
	FactorsDir     = "factors"
	FinalFile      = "final.safetensors"
	CheckpointFile = "checkpoint.safetensors"
)

// runEntries are the entries Create removes when told to overwrite, and whose
// presence marks a directory as holding a run.
var runEntries = []string{ConfigFile, MetricsFile, WeightsDir, FactorsDir, FinalFile, CheckpointFile}

// ErrRunExists is matched (with errors.Is) by the error Create returns for a
// directory that already holds a run.
var ErrRunExists = errors.New("run directory already holds a run")

type runExistsError struct{ path string }

func (e *runExistsError) Error() string {
	return fmt.Sprintf("run directory %s already holds a run: resume it, or write the new run to another directory", e.path)
}

func (e *runExistsError) Is(target error) bool { return target == ErrRunExists }

// Dir is a run directory. Its methods build paths inside it and read and
// write its files; Path is used as given, relative or absolute.
type Dir struct {
	Path string
}

// Create makes the run directory at path (and its parents) for a new run.
//
// If the directory already holds a run (a run.json), Create fails with an
// error matching ErrRunExists, unless overwrite is true. It also refuses,
// unless overwrite is true, a directory holding other run entries
// (metrics.jsonl, weights/, factors/, final.safetensors,
// checkpoint.safetensors) without a run.json, so that a new run never appends
// to the metrics of an old one. With overwrite true, those entries are removed
// first; other files in the directory are left alone.
func Create(path string, overwrite bool) (Dir, error) {
	d := Dir{Path: path}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return Dir{}, fmt.Errorf("run: create run directory: %w", err)
	}
	var present []string
	for _, name := range runEntries {
		_, err := os.Lstat(filepath.Join(path, name))
		switch {
		case err == nil:
			present = append(present, name)
		case !errors.Is(err, fs.ErrNotExist):
			return Dir{}, fmt.Errorf("run: create run directory: %w", err)
		}
	}
	if len(present) == 0 {
		return d, nil
	}
	if !overwrite {
		if slices.Contains(present, ConfigFile) {
			return Dir{}, &runExistsError{path: path}
		}
		return Dir{}, fmt.Errorf("run directory %s holds %s of an earlier run but no %s: remove them or write the new run to another directory",
			path, strings.Join(present, ", "), ConfigFile)
	}
	// Remove run.json (first in runEntries) last, so that an interrupted
	// overwrite still reads as a run directory rather than as stray files.
	slices.Reverse(present)
	for _, name := range present {
		if err := os.RemoveAll(filepath.Join(path, name)); err != nil {
			return Dir{}, fmt.Errorf("run: overwrite run directory: %w", err)
		}
	}
	return d, nil
}

// Open returns the existing run directory at path, which must hold a
// run.json.
func Open(path string) (Dir, error) {
	fi, err := os.Stat(filepath.Join(path, ConfigFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Dir{}, fmt.Errorf("run: %s is not a run directory: it has no %s", path, ConfigFile)
	case err != nil:
		return Dir{}, fmt.Errorf("run: open run directory: %w", err)
	case !fi.Mode().IsRegular():
		return Dir{}, fmt.Errorf("run: open run directory: %s is not a regular file", filepath.Join(path, ConfigFile))
	}
	return Dir{Path: path}, nil
}

// ConfigPath returns the path of run.json.
func (d Dir) ConfigPath() string { return filepath.Join(d.Path, ConfigFile) }

// MetricsPath returns the path of metrics.jsonl.
func (d Dir) MetricsPath() string { return filepath.Join(d.Path, MetricsFile) }

// WeightsPath returns the path of the weight snapshot taken after the given
// step: weights/step-NNNNNN.safetensors, zero-padded to six digits.
func (d Dir) WeightsPath(step int) string {
	return filepath.Join(d.Path, WeightsDir, snapshotName(step))
}

// FactorsPath returns the path of the curvature-factor snapshot taken at the
// given step: factors/step-NNNNNN.safetensors.
func (d Dir) FactorsPath(step int) string {
	return filepath.Join(d.Path, FactorsDir, snapshotName(step))
}

// FinalPath returns the path of final.safetensors.
func (d Dir) FinalPath() string { return filepath.Join(d.Path, FinalFile) }

// CheckpointPath returns the path of checkpoint.safetensors.
func (d Dir) CheckpointPath() string { return filepath.Join(d.Path, CheckpointFile) }

func snapshotName(step int) string { return fmt.Sprintf("step-%06d.safetensors", step) }

// parseSnapshotName returns the step of a name snapshotName produces, and
// false for anything else (temporary files included).
func parseSnapshotName(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, "step-")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ".safetensors")
	if !ok {
		return 0, false
	}
	step, err := strconv.Atoi(s)
	if err != nil || step < 0 || snapshotName(step) != name {
		return 0, false
	}
	return step, true
}

// WeightSteps returns, in increasing order, the steps of the weight snapshots
// present; none (and no error) if weights/ does not exist. Only names
// WeightsPath produces count, so the temporary files of a write in progress
// are ignored.
func (d Dir) WeightSteps() ([]int, error) { return snapshotSteps(filepath.Join(d.Path, WeightsDir)) }

// FactorSteps returns the steps of the factor snapshots present; see
// WeightSteps.
func (d Dir) FactorSteps() ([]int, error) { return snapshotSteps(filepath.Join(d.Path, FactorsDir)) }

func snapshotSteps(dir string) ([]int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	var steps []int
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if step, ok := parseSnapshotName(e.Name()); ok {
			steps = append(steps, step)
		}
	}
	slices.Sort(steps)
	return steps, nil
}

// WriteWeights writes the weight snapshot of the given step, creating
// weights/ if needed; see Write.
func (d Dir) WriteWeights(step int, tensors []Tensor, metadata map[string]string) error {
	return writeSnapshot(d.WeightsPath(step), tensors, metadata)
}

// WriteFactors writes the factor snapshot of the given step, creating
// factors/ if needed; see Write.
func (d Dir) WriteFactors(step int, tensors []Tensor, metadata map[string]string) error {
	return writeSnapshot(d.FactorsPath(step), tensors, metadata)
}

func writeSnapshot(path string, tensors []Tensor, metadata map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	return Write(path, tensors, metadata)
}

// OpenMetrics opens metrics.jsonl for appending; see OpenMetrics.
func (d Dir) OpenMetrics() (*MetricsWriter, error) { return OpenMetrics(d.MetricsPath()) }

// WriteJSON writes v as indented JSON (two spaces, final newline) to the file
// name inside the directory, atomically (see WriteFileAtomic). name must be a
// local path (filepath.IsLocal), such as "run.json"; missing parent
// directories inside the run directory are created.
func (d Dir) WriteJSON(name string, v any) error {
	if !filepath.IsLocal(name) {
		return fmt.Errorf("run: write %q: not a path inside the run directory", name)
	}
	path := filepath.Join(d.Path, name)
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("run: write %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if err := WriteBytesAtomic(path, append(b, '\n')); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	return nil
}

// ReadJSON decodes the JSON file name inside the directory into v, as
// json.Unmarshal does (unknown fields are ignored, so old configs stay
// readable).
func (d Dir) ReadJSON(name string, v any) error {
	if !filepath.IsLocal(name) {
		return fmt.Errorf("run: read %q: not a path inside the run directory", name)
	}
	path := filepath.Join(d.Path, name)
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("run: read %s: %w", path, err)
	}
	return nil
}
