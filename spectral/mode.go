package spectral

import (
	"fmt"

	"github.com/adafisher-go/landscape/gersgorin"
)

// Mode is gersgorin.Mode: Reference or Corrected.
type Mode = gersgorin.Mode

// The two modes.
const (
	Reference = gersgorin.Reference
	Corrected = gersgorin.Corrected
)

// ParseModes reads a --mode flag value: "reference", "corrected" or "both".
func ParseModes(s string) ([]Mode, error) {
	if s == "both" {
		return []Mode{Reference, Corrected}, nil
	}
	m, err := gersgorin.ParseMode(s)
	if err != nil {
		return nil, fmt.Errorf("spectral: unknown mode %q (want reference, corrected or both)", s)
	}
	return []Mode{m}, nil
}
