package torchfile

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrNotStateDict marks a file that holds no state_dict: not a dict of
// tensors, nor a known wrapper of one.
var ErrNotStateDict = errors.New("not a state_dict")

// wrapperKeys are the keys under which training scripts commonly save the
// model's state_dict next to other things, in the order they are tried.
var wrapperKeys = []string{"state_dict", "model_state_dict", "model", "net", "module"}

// wrapperPrefixes are the name prefixes that wrapping a model adds to every
// key: DataParallel and DistributedDataParallel, and torch.compile.
var wrapperPrefixes = []string{"module.", "_orig_mod."}

// maxExpansion bounds the bytes of all tensors of a file, as a multiple of
// the file's size: views that share storages (tied weights) may repeat
// elements, but a small file must not expand into a large allocation.
const maxExpansion = 8

// LoadStateDict reads the state_dict of a torch.save file (.pt, .pth; zip or
// legacy format) and returns its tensors in the file's order, each copied
// into C order. A dict saved under "state_dict", "model_state_dict",
// "model", "net" or "module" is unwrapped, and a "module." prefix common to
// every name (DataParallel) is removed.
func LoadStateDict(path string) ([]Tensor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("torchfile: %w", err)
	}
	ts, err := DecodeStateDict(b)
	if err != nil {
		return nil, fmt.Errorf("torchfile: %s: %w", path, err)
	}
	return ts, nil
}

// DecodeStateDict is LoadStateDict on the bytes of a file.
func DecodeStateDict(b []byte) ([]Tensor, error) {
	top, err := loadBytes(b, &env{})
	if errors.Is(err, ErrGlobal) {
		return nil, fmt.Errorf("%w; a checkpoint should hold model.state_dict(), not the model or other objects", err)
	}
	if err != nil {
		return nil, err
	}
	return stateDict(top, len(b))
}

// stateDict finds the state_dict in a file's top-level value and copies its
// tensors out, within maxExpansion times the file's size.
func stateDict(top any, fileLen int) ([]Tensor, error) {
	d, where, err := findStateDict(top)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(d.keys))
	for i, k := range d.keys {
		s, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("%w: %skey %d is a %s, not a name", ErrNotStateDict, where, i, typeName(k))
		}
		names[i] = s
	}
	names = stripPrefixes(names)
	out := make([]Tensor, len(d.keys))
	budget := maxExpansion*fileLen + 1<<20
	for i, v := range d.vals {
		r, ok := v.(*tensorRef)
		if !ok {
			return nil, fmt.Errorf("%w: %sentry %q is a %s, not a tensor", ErrNotStateDict, where, names[i], typeName(v))
		}
		t, err := materialize(names[i], r)
		if err != nil {
			return nil, fmt.Errorf("%w: %s%w", ErrMalformed, where, err)
		}
		if budget -= len(t.Data); budget < 0 {
			return nil, fmt.Errorf("%w: the tensors' views repeat their storages more than %d times over", ErrMalformed, maxExpansion)
		}
		out[i] = *t
	}
	return out, nil
}

// findStateDict returns the dict of tensors in top, and where it was found
// for error messages ("" or `"model": `).
func findStateDict(top any) (*pyDict, string, error) {
	d, ok := top.(*pyDict)
	if !ok {
		return nil, "", fmt.Errorf("%w: the file holds a %s", ErrNotStateDict, typeName(top))
	}
	if len(d.keys) == 0 {
		return nil, "", fmt.Errorf("%w: the file holds an empty dict", ErrNotStateDict)
	}
	if allTensors(d) {
		return d, "", nil
	}
	for _, k := range wrapperKeys {
		v, ok := d.get(k)
		if !ok {
			continue
		}
		inner, ok := v.(*pyDict)
		if !ok {
			return nil, "", fmt.Errorf("%w: entry %q is a %s", ErrNotStateDict, k, typeName(v))
		}
		return inner, fmt.Sprintf("in %q: ", k), nil
	}
	var keys []string
	for _, k := range d.keys {
		if s, ok := k.(string); ok {
			keys = append(keys, fmt.Sprintf("%q", s))
		} else {
			keys = append(keys, typeName(k))
		}
		if len(keys) == 8 {
			keys = append(keys, "...")
			break
		}
	}
	return nil, "", fmt.Errorf("%w: a dict with keys [%s], neither all tensors nor one of %q",
		ErrNotStateDict, strings.Join(keys, ", "), wrapperKeys)
}

func allTensors(d *pyDict) bool {
	for _, v := range d.vals {
		if _, ok := v.(*tensorRef); !ok {
			return false
		}
	}
	return true
}

// stripPrefixes removes a wrapper prefix that every name carries, as
// torch.nn.modules.utils.consume_prefix_in_state_dict_if_present does,
// repeatedly (a compiled DataParallel model has both).
func stripPrefixes(names []string) []string {
	for {
		stripped := false
		for _, p := range wrapperPrefixes {
			all := len(names) > 0
			for _, n := range names {
				if !strings.HasPrefix(n, p) || n == p {
					all = false
					break
				}
			}
			if all {
				for i := range names {
					names[i] = strings.TrimPrefix(names[i], p)
				}
				stripped = true
			}
		}
		if !stripped {
			return names
		}
	}
}
