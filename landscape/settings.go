package landscape

import (
	"fmt"
	"math"
	"strings"
)

// MaxSurfacePoints is the most grid points a surface may have (a 256 x 256
// plane). Every point is a pass over the whole split, so a grid beyond it
// runs for days on the larger workloads and its point log and figures
// outgrow what a browser shows; refused up front, it costs nothing.
const MaxSurfacePoints = 256 * 256

// SettingError is a setting of SurfaceSettings with a value a surface cannot
// take. Its message names settings as surface.json does ("resolution",
// "one_d"); Describe names them as the caller prefers (the command line: by
// its flags).
type SettingError struct {
	// Settings lists the settings the message names, in order.
	Settings []string
	format   string // the message, with {setting} where a setting is named
	args     []any
}

func settingErrorf(format string, args ...any) *SettingError {
	e := &SettingError{format: format, args: args}
	for rest := format; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i+1:], '}')
		if j < 0 {
			break
		}
		e.Settings = append(e.Settings, rest[i+1:i+1+j])
		rest = rest[i+j+2:]
	}
	return e
}

// Error names the settings as surface.json does.
func (e *SettingError) Error() string { return "landscape: " + e.Describe(nil) }

// Describe returns the message with each setting named by name(setting); a
// nil name keeps the settings' own names.
func (e *SettingError) Describe(name func(setting string) string) string {
	f := e.format
	for _, s := range e.Settings {
		n := s
		if name != nil {
			n = name(s)
		}
		f = strings.Replace(f, "{"+s+"}", strings.ReplaceAll(n, "%", "%%"), 1)
	}
	return fmt.Sprintf(f, e.args...)
}

// Validate checks the settings that do not need the run's weights: the
// mode and its references, the ranges, and the size of the grid, which may
// not exceed MaxSurfacePoints. Its errors are *SettingError.
func (s SurfaceSettings) Validate() error {
	switch s.Mode {
	case "line", "random", "pca", "three":
	default:
		return settingErrorf("{mode} %q, want line, random, pca or three", s.Mode)
	}
	if _, ok := oneDModes[s.OneD]; !ok {
		return settingErrorf("{one_d} %q, want zero, copy or filter", s.OneD)
	}
	if s.Mode == "three" && len(s.Steps) != 3 {
		return settingErrorf("{mode} three needs three checkpoints in {steps}, got %d", len(s.Steps))
	}
	if s.Split != "" && s.Split != "train" && s.Split != "test" {
		return settingErrorf("{split} %q, want train or test", s.Split)
	}
	for _, r := range []struct {
		name string
		v    [2]float64
	}{{"range", s.Range}, {"range_b", s.RangeB}} {
		finite := !math.IsInf(r.v[0], 0) && !math.IsInf(r.v[1], 0)
		if r.v != [2]float64{} && !(r.v[0] < r.v[1] && finite) {
			return settingErrorf("{"+r.name+"} %g:%g, want finite MIN < MAX", r.v[0], r.v[1])
		}
	}
	if s.Resolution < 2 {
		return settingErrorf("{resolution} %d, want at least 2 grid points per axis", s.Resolution)
	}
	points := s.Resolution
	if s.Mode != "line" {
		if s.Resolution > MaxSurfacePoints/s.Resolution {
			return settingErrorf("{resolution} %d makes a plane of %d x %d points, more than the limit of %d (at most %d per axis)",
				s.Resolution, s.Resolution, s.Resolution, MaxSurfacePoints, int(math.Sqrt(MaxSurfacePoints)))
		}
		points *= s.Resolution
	}
	if points > MaxSurfacePoints {
		return settingErrorf("{resolution} %d, more than the limit of %d points on a line", s.Resolution, MaxSurfacePoints)
	}
	return nil
}
