package gersgorin

import "fmt"

// Mode selects the official notebooks' computation (Reference) or the
// mathematically consistent one (Corrected). See the package documentation.
type Mode string

// The two modes.
const (
	Reference Mode = "reference"
	Corrected Mode = "corrected"
)

// Valid reports whether m is Reference or Corrected.
func (m Mode) Valid() bool { return m == Reference || m == Corrected }

// ParseMode returns the mode named s ("reference" or "corrected").
func ParseMode(s string) (Mode, error) {
	m := Mode(s)
	if !m.Valid() {
		return "", fmt.Errorf("gersgorin: unknown mode %q (want %q or %q)", s, Reference, Corrected)
	}
	return m, nil
}
