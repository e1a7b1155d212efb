package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// named is a library error naming its settings in braces.
type named struct{ format string }

func (n named) Error() string { return n.Describe(nil) }
func (n named) Describe(name func(string) string) string {
	out := n.format
	for _, s := range []string{"batch_size", "steps"} {
		r := s
		if name != nil {
			r = name(s)
		}
		out = strings.ReplaceAll(out, "{"+s+"}", r)
	}
	return out
}

func TestFlagNames(t *testing.T) {
	flags := map[string]string{"batch_size": "batch-size"}
	base := named{"{batch_size} -4 and {steps}"}
	wrapped := fmt.Errorf("resume: %w", base)
	got := FlagNames(wrapped, flags)
	if got.Error() != "resume: --batch-size -4 and steps" {
		t.Errorf("FlagNames = %q", got)
	}
	var n named
	if !errors.As(got, &n) {
		t.Error("FlagNames lost the error it renames")
	}
	plain := errors.New("no settings here")
	if FlagNames(plain, flags) != plain {
		t.Error("FlagNames changed an error without settings")
	}
	if !IsUsage(FlagNames(UsageError{base}, flags)) {
		t.Error("FlagNames lost a usage error")
	}
}
