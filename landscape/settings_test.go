package landscape

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// Settings a surface cannot take are refused before any weights are read,
// with the setting and the limit in the message; a grid of MaxSurfacePoints
// is accepted and one more row is not.
func TestSurfaceSettingLimits(t *testing.T) {
	ok := SurfaceSettings{Mode: "random", OneD: "zero", Split: "train", Resolution: 51}
	if err := ok.Validate(); err != nil {
		t.Fatalf("%+v: %v", ok, err)
	}
	side := int(math.Sqrt(MaxSurfacePoints))
	for _, c := range []struct {
		change  func(*SurfaceSettings)
		setting string // "" when valid
		want    string
	}{
		{func(s *SurfaceSettings) { s.Resolution = side }, "", ""},
		{func(s *SurfaceSettings) { s.Resolution = side + 1 }, "resolution", "more than the limit of 65536 (at most 256 per axis)"},
		{func(s *SurfaceSettings) { s.Resolution = 317 }, "resolution", "plane of 317 x 317 points"},
		{func(s *SurfaceSettings) { s.Resolution = math.MaxInt }, "resolution", "more than the limit"},
		{func(s *SurfaceSettings) { s.Mode, s.Resolution = "line", MaxSurfacePoints }, "", ""},
		{func(s *SurfaceSettings) { s.Mode, s.Resolution = "line", MaxSurfacePoints+1 }, "resolution", "limit of 65536 points on a line"},
		{func(s *SurfaceSettings) { s.Resolution = 1 }, "resolution", "want at least 2"},
		{func(s *SurfaceSettings) { s.Resolution = -5 }, "resolution", "-5"},
		{func(s *SurfaceSettings) { s.Mode = "cube" }, "mode", `"cube"`},
		{func(s *SurfaceSettings) { s.OneD = "half" }, "one_d", `"half"`},
		{func(s *SurfaceSettings) { s.Split = "valid" }, "split", `"valid"`},
		{func(s *SurfaceSettings) { s.Range = [2]float64{math.Inf(-1), 1} }, "range", "finite"},
		{func(s *SurfaceSettings) { s.RangeB = [2]float64{2, 2} }, "range_b", "2:2"},
		{func(s *SurfaceSettings) { s.Mode, s.Steps = "three", []string{"1"} }, "mode", "got 1"},
	} {
		st := ok
		c.change(&st)
		err := st.Validate()
		if c.setting == "" {
			if err != nil {
				t.Errorf("%+v: %v", st, err)
			}
			continue
		}
		var se *SettingError
		if !errors.As(err, &se) || se.Settings[0] != c.setting || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want a SettingError on %s containing %q", st, err, c.setting, c.want)
			continue
		}
		flagged := se.Describe(func(s string) string { return "--" + strings.ReplaceAll(s, "_", "-") })
		if !strings.Contains(flagged, "--"+strings.ReplaceAll(c.setting, "_", "-")) {
			t.Errorf("Describe: %q does not name --%s", flagged, c.setting)
		}
	}
}
