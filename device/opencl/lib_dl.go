//go:build !windows

package opencl

import (
	"errors"
	"fmt"

	"github.com/ebitengine/purego"
)

// openLib opens the first library of names that loads.
func openLib(names []string) (uintptr, error) {
	var errs []error
	for _, n := range names {
		h, err := purego.Dlopen(n, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err == nil {
			return h, nil
		}
		errs = append(errs, err)
	}
	return 0, errors.Join(errs...)
}

// bind sets each function pointer in fns to the symbol of lib it names.
func bind(lib uintptr, libName string, fns map[string]any) error {
	for name, fptr := range fns {
		sym, err := purego.Dlsym(lib, name)
		if err != nil {
			return fmt.Errorf("%w: %s has no %s: %v", ErrUnavailable, libName, name, err)
		}
		purego.RegisterFunc(fptr, sym)
	}
	return nil
}
