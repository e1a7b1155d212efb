package train

import (
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/optim"
)

// Each invalid setting gives a SettingError that names it as run.json does
// and no command-line flag.
func TestValidateNamesSettings(t *testing.T) {
	base := irisConfig("out")
	cases := []struct {
		edit     func(c *Config)
		settings []string
		text     string
	}{
		{func(c *Config) { c.BatchSize = -4 }, []string{"batch_size"}, "batch_size -4, want"},
		{func(c *Config) { c.Hyper.LR = -1 }, []string{"hyper.lr"}, "hyper.lr -1, want"},
		{func(c *Config) { c.DType = "int8" }, []string{"dtype"}, `dtype "int8"`},
		{func(c *Config) { c.Steps = 0 }, []string{"epochs", "steps", "time_budget_ns"}, "give epochs, steps or time_budget_ns"},
		{func(c *Config) { c.Epochs = 2 }, []string{"epochs", "steps"}, "either epochs or steps"},
		{func(c *Config) { c.EvalInterval = -time.Second }, []string{"eval_interval_ns"}, "eval_interval_ns must not"},
		{func(c *Config) { c.Dropout = 1 }, []string{"dropout"}, "dropout 1, want"},
		{func(c *Config) { c.TestFraction = 1 }, []string{"test_fraction"}, "test_fraction 1, want"},
		{func(c *Config) { c.Out = "" }, []string{"out"}, "out is required"},
		{func(c *Config) { c.Steps, c.Epochs = 0, -3 }, []string{"epochs"}, "epochs -3, want a number of epochs from 1 to 1000000"},
		{func(c *Config) { c.Steps, c.Epochs = 0, MaxEpochs+1 }, []string{"epochs"}, "epochs 1000001, want a number of epochs from 1 to 1000000"},
		{func(c *Config) { c.Steps = -1 }, []string{"steps"}, "steps -1, want a number of steps from 1 to 2147483648"},
		{func(c *Config) { c.Steps = MaxSteps + 1 }, []string{"steps"}, "steps 2147483649, want"},
		{func(c *Config) { c.TimeBudget = -time.Second }, []string{"time_budget_ns"}, "time_budget_ns -1s, want a positive duration"},
		{func(c *Config) { c.Hyper.LR = math.NaN() }, []string{"hyper.lr"}, "hyper.lr NaN, want"},
		{func(c *Config) { c.OnNaN = "ignore" }, []string{"on_nan"}, `on_nan "ignore", want stop or continue`},
	}
	for _, c := range cases {
		cfg := base
		c.edit(&cfg)
		err := cfg.Validate()
		var se *SettingError
		if !errors.As(err, &se) || !slices.Equal(se.Settings, c.settings) || !strings.Contains(err.Error(), c.text) || strings.Contains(err.Error(), "--") {
			t.Errorf("Validate: %v (%+v), want settings %v and %q", err, se, c.settings, c.text)
		}
	}
	if err := base.Validate(); err != nil {
		t.Errorf("a valid configuration: %v", err)
	}
}

// Describe names the settings as the caller asks; Unwrap gives the wrapped
// error; a setting error inside another keeps it.
func TestSettingErrorDescribe(t *testing.T) {
	e := settingErrorf("{schedule.kind} %q needs {epochs} or {steps}; %w", "cosine", os.ErrNotExist)
	flags := map[string]string{"schedule.kind": "--lr-schedule", "epochs": "--epochs"}
	got := e.Describe(func(s string) string {
		if f, ok := flags[s]; ok {
			return f
		}
		return s
	})
	want := `--lr-schedule "cosine" needs --epochs or steps; file does not exist`
	if got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	if e.Error() != `schedule.kind "cosine" needs epochs or steps; file does not exist` {
		t.Errorf("Error = %q", e.Error())
	}
	if !errors.Is(e, os.ErrNotExist) {
		t.Error("Unwrap lost the wrapped error")
	}
	// A name with a percent sign is not a formatting verb.
	if got := settingErrorf("{x} %d", 3).Describe(func(string) string { return "100%" }); got != "100% 3" {
		t.Errorf("Describe with %%: %q", got)
	}
}

// The errors of the run's setup name settings too.
func TestSetupNamesSettings(t *testing.T) {
	c := irisConfig(t.TempDir())
	c.Optimizer, c.Hyper, c.SnapshotFactorsEvery = "adam", optim.Hyper{}, 5
	_, err := Run[float64](t.Context(), c, Options{Overwrite: true})
	var se *SettingError
	if !errors.As(err, &se) || !slices.Equal(se.Settings, []string{"snapshot_factors_every"}) {
		t.Errorf("factor snapshots of adam: %v", err)
	}
	c = irisConfig(t.TempDir())
	c.Init = "no/such/file.safetensors"
	_, err = Run[float64](t.Context(), c, Options{Overwrite: true})
	if !errors.As(err, &se) || !slices.Equal(se.Settings, []string{"init"}) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing init file: %v", err)
	}
}
