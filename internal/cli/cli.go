// Package cli holds what the command-line programs share: usage errors
// (exit status 2), flag parsing that lets flags and positional arguments
// mix, and flag listings with the double dash the documentation uses.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// UsageError marks an error in how a command was called: it exits with 2.
type UsageError struct{ Err error }

func (u UsageError) Error() string { return u.Err.Error() }
func (u UsageError) Unwrap() error { return u.Err }

// Usagef formats a usage error.
func Usagef(format string, a ...any) error { return UsageError{fmt.Errorf(format, a...)} }

// IsUsage reports whether err is a usage error.
func IsUsage(err error) bool {
	var u UsageError
	return errors.As(err, &u)
}

// Parse parses flags; a malformed flag is a usage error and --help returns
// flag.ErrHelp.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return UsageError{err}
	}
	return nil
}

// ParseInterleaved parses flags that may come before, between or after the
// positional arguments, and returns the positional ones ("--" ends flags).
func ParseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := Parse(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// PrintFlags lists the flags of fs with their usage and defaults.
func PrintFlags(fs *flag.FlagSet, w io.Writer) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		line += "\n      " + usage
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			line += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintln(w, line)
	})
}

// Repeated is a flag that may be given several times (--matrix A --matrix B).
type Repeated []string

func (r *Repeated) String() string     { return fmt.Sprint([]string(*r)) }
func (r *Repeated) Set(s string) error { *r = append(*r, s); return nil }

// Version is the toolkit's version, with the VCS revision when the binary
// was built with it.
func Version() string {
	v := "v0.1.0"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

// settingError is a library error that names settings of a configuration
// (train.SettingError): Describe names them as the caller prefers.
type settingError interface {
	error
	Describe(name func(setting string) string) string
}

// FlagNames returns err with the settings that a library error names (such
// as train.SettingError's "batch_size") given as the command's flags
// ("--batch-size"): flags maps settings to flag names without the dashes.
// Settings without a flag keep their names; other errors come back as they
// are.
func FlagNames(err error, flags map[string]string) error {
	var se settingError
	if !errors.As(err, &se) {
		return err
	}
	named := se.Describe(func(s string) string {
		if f, ok := flags[s]; ok {
			return "--" + f
		}
		return s
	})
	return flagNamed{msg: strings.Replace(err.Error(), se.Error(), named, 1), err: err}
}

// flagNamed is an error with its settings named by flags.
type flagNamed struct {
	msg string
	err error
}

func (f flagNamed) Error() string { return f.msg }
func (f flagNamed) Unwrap() error { return f.err }
