package train

import (
	"errors"
	"fmt"
	"strings"
)

// SettingError is a setting of a Config with a value that a run cannot take.
// Its message names settings as run.json does ("batch_size", "hyper.lr",
// "schedule.kind"); Describe names them as the caller prefers (the command
// line: by its flags).
type SettingError struct {
	// Settings lists the settings that the message names, in order.
	Settings []string
	format   string // the message, with {setting} where a setting is named
	args     []any
}

// settingErrorf builds a SettingError; format names settings in braces
// ("{batch_size} %d, want ...") and is otherwise fmt's.
func settingErrorf(format string, args ...any) *SettingError {
	e := &SettingError{format: format, args: args}
	for rest := format; ; {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest[i+1:], '}')
		if i < 0 || j < 0 {
			break
		}
		e.Settings = append(e.Settings, rest[i+1:i+1+j])
		rest = rest[i+j+2:]
	}
	return e
}

// Error names the settings as run.json does.
func (e *SettingError) Error() string { return e.Describe(nil) }

// Describe returns the message with each setting named by name(setting);
// a nil name keeps the settings' own names.
func (e *SettingError) Describe(name func(setting string) string) string {
	f := e.format
	for _, s := range e.Settings {
		n := s
		if name != nil {
			n = name(s)
		}
		f = strings.Replace(f, "{"+s+"}", strings.ReplaceAll(n, "%", "%%"), 1)
	}
	return fmt.Errorf(f, e.args...).Error() // Errorf: the format may wrap an error with %w
}

// Unwrap returns the error that the message wraps, if any.
func (e *SettingError) Unwrap() error {
	for _, a := range e.args {
		if err, ok := a.(error); ok {
			return err
		}
	}
	return nil
}

// ErrInterrupted is returned when the context was cancelled: the run stopped
// after a whole step and wrote a checkpoint that Resume continues from.
var ErrInterrupted = errors.New("training interrupted")

// ErrNonFinite is matched (with errors.Is) by the error that stops a run
// whose loss, gradients or weights stopped being finite (Config.OnNaN
// "stop"): the message names the step and the first parameter concerned,
// and the run directory keeps the last checkpoint written before.
var ErrNonFinite = errors.New("non-finite value")
