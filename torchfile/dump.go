package torchfile

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// DumpGlobals are the globals the analysis dumps name besides tensors, all
// admitted as opaque (recorded, never constructed or called): the module
// classes keying the dicts, and what their state holds, the hooks the
// analysis optimizer registered (bound methods, pickled as
// builtins.getattr(optimizer, name)) with the optimizer (its class, its
// defaultdict state). An entry ending in "." admits a module prefix.
var DumpGlobals = []string{
	"torch.nn.modules.",
	"torch.optim.",
	"optimizers.", // the official code's optimizers.AdaFisher.AdaFisher
	"builtins.getattr",
	"collections.defaultdict",
	"functools.partial", // hooks registered with arguments bound
}

// admit returns an opaque-global predicate for the given names and prefixes.
func admit(names []string) func(module, name string) bool {
	return func(module, name string) bool {
		full := module + "." + name
		for _, n := range names {
			if n == full || (strings.HasSuffix(n, ".") && strings.HasPrefix(full, n)) {
				return true
			}
		}
		return false
	}
}

// Module is one key of a dump: an nn.Module, known by its class and its
// position in the model.
type Module struct {
	// Class is the module's class name (Conv2d, Linear, BatchNorm2d, ...).
	Class string
	// Position is the module's 0-based position in the model, taken as the
	// order of the activation-side (H) dict: the forward hooks add each
	// module when it first runs, which is model order for the networks the
	// analysis uses. Modules only the S dict holds come after, in its order.
	Position int
}

// Name is the module's position and class, "03.Linear": layers are named by
// position because the dumps hold no module names.
func (m Module) Name() string { return fmt.Sprintf("%02d.%s", m.Position, m.Class) }

// Pairing chooses which S matrix goes with which H matrix.
type Pairing string

const (
	// PairReference pairs the i-th entry of the H dict with the i-th entry of
	// the S dict, as the official notebooks' layer_index does. The S dict is
	// in backward order, so this pairs different layers (the last H with
	// the first layer's S).
	PairReference Pairing = "reference"
	// PairLayer pairs A (H) and G (S) of the same module.
	PairLayer Pairing = "layer"
)

// DumpLayer is one pair of factors at one step.
type DumpLayer struct {
	// Index is the pair's position: the dicts' common index for
	// PairReference, the module's position for PairLayer.
	Index int
	// HModule and SModule are the modules the two matrices belong to; they
	// are the same module under PairLayer.
	HModule, SModule Module
	// H is the activation-side factor (A), S the gradient-side one (G),
	// both square 2-D tensors. Under PairLayer either is nil when only one
	// dict holds the module.
	H, S *Tensor
}

// Name labels the pair: the module's name under PairLayer; the index and
// both modules under PairReference, "#3 H=03.Linear S=00.Conv2d".
func (l DumpLayer) Name(p Pairing) string {
	if p == PairLayer {
		if l.H != nil {
			return l.HModule.Name()
		}
		return l.SModule.Name()
	}
	return fmt.Sprintf("#%d H=%s S=%s", l.Index, l.HModule.Name(), l.SModule.Name())
}

// DumpStep is the pairs of one dumped step, in index order.
type DumpStep struct {
	Step   int
	Layers []DumpLayer
}

// Dumps is an analysis dump directory.
type Dumps struct {
	Pairing Pairing
	// Steps are in increasing order.
	Steps []DumpStep
}

// DumpDir is an analysis dump directory with its files listed, not read:
// the dumps of a ResNet-18 run hold hundreds of megabytes per step, so
// steps are read one at a time.
type DumpDir struct {
	Dir string
	// Steps are the dumped steps, in increasing order.
	Steps  []int
	h, s   map[int]string
	opaque func(module, name string) bool
}

// OpenDumps lists the dumps of the official analysis optimizer in dir:
// H_bar_resnet/H_bar_{step}.pkl and S_resnet/S_{step}.pkl (any one H_bar_*/
// and one S_*/ directory), each a dict {module: matrix} written by
// pickle.dump (or torch.save). Every step must have both files. Globals
// beyond DumpGlobals may be admitted as opaque with allow.
func OpenDumps(dir string, allow ...string) (*DumpDir, error) {
	hDir, err := oneDir(dir, "H_bar_*")
	if err != nil {
		return nil, err
	}
	sDir, err := oneDir(dir, "S_*")
	if err != nil {
		return nil, err
	}
	d := &DumpDir{Dir: dir, opaque: admit(append(append([]string{}, DumpGlobals...), allow...))}
	if d.h, err = dumpSteps(hDir, "H_bar_"); err != nil {
		return nil, err
	}
	if d.s, err = dumpSteps(sDir, "S_"); err != nil {
		return nil, err
	}
	for st := range d.h {
		if _, ok := d.s[st]; !ok {
			return nil, fmt.Errorf("torchfile: %s has no S_%d.pkl for %s", sDir, st, d.h[st])
		}
		d.Steps = append(d.Steps, st)
	}
	for st := range d.s {
		if _, ok := d.h[st]; !ok {
			return nil, fmt.Errorf("torchfile: %s has no H_bar_%d.pkl for %s", hDir, st, d.s[st])
		}
	}
	if len(d.Steps) == 0 {
		return nil, fmt.Errorf("torchfile: %s holds no H_bar_{step}.pkl files", hDir)
	}
	slices.Sort(d.Steps)
	return d, nil
}

// Step reads one dumped step and pairs its matrices as p says.
func (d *DumpDir) Step(step int, p Pairing) (*DumpStep, error) {
	if p != PairReference && p != PairLayer {
		return nil, fmt.Errorf("torchfile: pairing %q, want %q or %q", p, PairReference, PairLayer)
	}
	hp, ok := d.h[step]
	if !ok {
		return nil, fmt.Errorf("torchfile: %s has no step %d (it has %v)", d.Dir, step, d.Steps)
	}
	h, err := readDumpFile(hp, d.opaque)
	if err != nil {
		return nil, err
	}
	g, err := readDumpFile(d.s[step], d.opaque)
	if err != nil {
		return nil, err
	}
	layers, err := pair(h, g, p)
	if err != nil {
		return nil, fmt.Errorf("torchfile: step %d (%s, %s): %w", step, hp, d.s[step], err)
	}
	return &DumpStep{Step: step, Layers: layers}, nil
}

// ReadDumps reads every step of a dump directory (see OpenDumps), for
// dumps small enough to hold in memory at once.
func ReadDumps(dir string, pairing Pairing, allow ...string) (*Dumps, error) {
	if pairing != PairReference && pairing != PairLayer {
		return nil, fmt.Errorf("torchfile: pairing %q, want %q or %q", pairing, PairReference, PairLayer)
	}
	d, err := OpenDumps(dir, allow...)
	if err != nil {
		return nil, err
	}
	out := &Dumps{Pairing: pairing}
	for _, st := range d.Steps {
		s, err := d.Step(st, pairing)
		if err != nil {
			return nil, err
		}
		out.Steps = append(out.Steps, *s)
	}
	return out, nil
}

func oneDir(dir, pattern string) (string, error) {
	ms, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return "", fmt.Errorf("torchfile: %w", err)
	}
	var dirs []string
	for _, m := range ms {
		if fi, err := os.Stat(m); err == nil && fi.IsDir() {
			dirs = append(dirs, m)
		}
	}
	switch len(dirs) {
	case 0:
		return "", fmt.Errorf("torchfile: %s has no %s directory (want H_bar_resnet/ and S_resnet/ as the analysis optimizer writes)", dir, pattern)
	case 1:
		return dirs[0], nil
	}
	return "", fmt.Errorf("torchfile: %s has several %s directories: %s", dir, pattern, strings.Join(dirs, ", "))
}

// dumpSteps lists PREFIX{step}.pkl in dir by step.
func dumpSteps(dir, prefix string) (map[int]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("torchfile: %w", err)
	}
	out := map[int]string{}
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasPrefix(n, prefix) || !strings.HasSuffix(n, ".pkl") {
			continue
		}
		s, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(n, prefix), ".pkl"))
		if err != nil || s < 0 {
			continue
		}
		out[s] = filepath.Join(dir, n)
	}
	return out, nil
}

// DumpEntry is one key and value of a single dump file.
type DumpEntry struct {
	// Class is the key module's class name (or the key itself if the dict
	// is keyed by strings).
	Class string
	// Index is the entry's position in the dict's insertion order.
	Index int
	// Matrix is the value, a square 2-D tensor.
	Matrix *Tensor
}

// ReadDumpFile reads one file of an analysis dump, a pickled dict
// {module: matrix}, in the dict's order; see ReadDumps for allow.
func ReadDumpFile(path string, allow ...string) ([]DumpEntry, error) {
	es, err := readDumpFile(path, admit(append(append([]string{}, DumpGlobals...), allow...)))
	if err != nil {
		return nil, err
	}
	out := make([]DumpEntry, len(es))
	for i, e := range es {
		out[i] = DumpEntry{Class: e.class, Index: i, Matrix: e.matrix}
	}
	return out, nil
}

// dumpEntry is one key and matrix of a dump dict.
type dumpEntry struct {
	class  string
	print  [32]byte // identifies the module across the H and S files
	matrix *Tensor
}

// readDumpFile reads one pickled dict {module: matrix}.
func readDumpFile(path string, opaque func(module, name string) bool) ([]dumpEntry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("torchfile: %w", err)
	}
	es, err := decodeDump(b, opaque)
	if err != nil {
		return nil, fmt.Errorf("torchfile: %s: %w", path, err)
	}
	return es, nil
}

func decodeDump(b []byte, opaque func(module, name string) bool) ([]dumpEntry, error) {
	top, err := loadBytes(b, &env{opaque: opaque})
	if err != nil {
		return nil, err
	}
	d, ok := top.(*pyDict)
	if !ok {
		return nil, fmt.Errorf("%w: the file holds a %s, not a dict {module: matrix}", ErrNotStateDict, typeName(top))
	}
	if len(d.keys) == 0 {
		return nil, fmt.Errorf("%w: the dict is empty", ErrNotStateDict)
	}
	budget := maxExpansion*len(b) + 1<<20
	out := make([]dumpEntry, len(d.keys))
	for i, k := range d.keys {
		e := &out[i]
		h := sha256.New()
		switch k := k.(type) {
		case *object:
			e.class = k.class.name
			fmt.Fprintf(h, "%s\x00", k.class)
			if err := fingerprint(h, k.state, &budget); err != nil {
				return nil, fmt.Errorf("key %d (%s): %w", i, k.class, err)
			}
		case string:
			e.class = k
			fmt.Fprintf(h, "%s\x00", k)
		default:
			return nil, fmt.Errorf("%w: key %d is a %s, not a module", ErrNotStateDict, i, typeName(k))
		}
		copy(e.print[:], h.Sum(nil))
		r, ok := d.vals[i].(*tensorRef)
		if !ok {
			return nil, fmt.Errorf("%w: the value of key %d (%s) is a %s, not a tensor", ErrNotStateDict, i, e.class, typeName(d.vals[i]))
		}
		t, err := materialize(fmt.Sprintf("%d:%s", i, e.class), r)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		if budget -= len(t.Data); budget < 0 {
			return nil, fmt.Errorf("%w: the tensors' views repeat their storages more than %d times over", ErrMalformed, maxExpansion)
		}
		if len(t.Shape) != 2 || t.Shape[0] != t.Shape[1] || t.Shape[0] == 0 {
			return nil, fmt.Errorf("%w: the value of key %d (%s) has shape %v, want a square matrix", ErrNotStateDict, i, e.class, t.Shape)
		}
		e.matrix = t
	}
	return out, nil
}

// fingerprint hashes a module's parameters and buffers (the "_parameters"
// and "_buffers" dicts of its pickled state), which the H and S files of one
// step hold identically.
func fingerprint(h interface{ Write([]byte) (int, error) }, state any, budget *int) error {
	st, ok := state.(*pyDict)
	if !ok {
		return nil
	}
	for _, field := range []string{"_parameters", "_buffers"} {
		v, ok := st.get(field)
		if !ok {
			continue
		}
		d, ok := v.(*pyDict)
		if !ok {
			continue
		}
		for i, k := range d.keys {
			r, ok := d.vals[i].(*tensorRef)
			if !ok {
				continue
			}
			t, err := materialize(fmt.Sprintf("%s.%v", field, k), r)
			if err != nil {
				return fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			if *budget -= len(t.Data); *budget < 0 {
				return fmt.Errorf("%w: the tensors' views repeat their storages more than %d times over", ErrMalformed, maxExpansion)
			}
			var n [8]byte
			fmt.Fprintf(h, "%v\x00%s\x00%v\x00", k, t.DType, t.Shape)
			binary.LittleEndian.PutUint64(n[:], uint64(len(t.Data)))
			h.Write(n[:])
			h.Write(t.Data)
		}
	}
	return nil
}
