package train

import (
	"time"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/optim"
)

// Config is every setting of a run; it is saved as run.json and read back by
// Resume, so that a resumed run continues with exactly the same settings.
// Hyper's fields left at zero take the optimizer's defaults as
// optim.WithDefaults says, and run.json records the completed values.
type Config struct {
	Dataset      string  `json:"dataset"`
	Standardize  bool    `json:"standardize"`
	PCA          int     `json:"pca,omitempty"`
	TestFraction float64 `json:"test_fraction"`
	Shuffle      bool    `json:"shuffle"`
	BatchSize    int     `json:"batch_size"`

	Model      string `json:"model"`
	Hidden     []int  `json:"hidden,omitempty"`
	Activation string `json:"activation,omitempty"`
	// resnet and gpt sizes (see models.Config); Context is also the window
	// length of a text dataset.
	Depth   int     `json:"depth,omitempty"`
	Width   int     `json:"width,omitempty"`
	Layers  int     `json:"layers,omitempty"`
	Heads   int     `json:"heads,omitempty"`
	Dim     int     `json:"dim,omitempty"`
	Context int     `json:"context,omitempty"`
	Tied    bool    `json:"tied,omitempty"`
	Dropout float64 `json:"dropout,omitempty"`
	// Augment applies data.StandardAugmentation to the training images,
	// seeded by (seed, epoch, sample).
	Augment bool `json:"augment,omitempty"`
	// Augmentation names the augmentation of the training images
	// (data.ParseAugmentation: none, standard, crop-flip); it takes
	// precedence over Augment, which means "standard".
	Augmentation string `json:"augmentation,omitempty"`

	Optimizer string      `json:"optimizer"`
	Hyper     optim.Hyper `json:"hyper"`

	Schedule Schedule `json:"schedule"`

	Seed  uint64 `json:"seed"`
	DType string `json:"dtype"`

	Epochs     int           `json:"epochs,omitempty"`
	Steps      int           `json:"steps,omitempty"`
	TimeBudget time.Duration `json:"time_budget_ns,omitempty"`

	// EvalInterval evaluates the test split whenever this much more
	// training time has passed (besides after every epoch): "eval" records.
	EvalInterval time.Duration `json:"eval_interval_ns,omitempty"`

	SnapshotEvery        int `json:"snapshot_every,omitempty"`
	SnapshotFactorsEvery int `json:"snapshot_factors_every,omitempty"`
	CheckpointEvery      int `json:"checkpoint_every,omitempty"`

	// OnNaN is what a loss, gradient or weight that is NaN or infinite
	// does: "stop" (the default, also "") ends the run with an error wrapping
	// ErrNonFinite before anything poisoned is written; "continue" trains
	// on and records the non-finite losses (as null, with "non_finite").
	OnNaN string `json:"on_nan,omitempty"`

	Init string `json:"init,omitempty"`

	// Device is where the steps run: "" or "cpu" (the default), "opencl"
	// (the first GPU, else the first OpenCL device) or "opencl:N" (see
	// device/engine for the layers and optimizers that run there). A
	// resumed run may continue on another device.
	Device string `json:"device,omitempty"`
	Out    string `json:"out"`
}

// ModelConfig is the models.Config of the run's model for samples of the given
// shape and number of classes.
func (c *Config) ModelConfig(shape []int, classes int) models.Config {
	return models.Config{Arch: c.Model, InputShape: shape, Classes: classes, Hidden: c.Hidden, Activation: c.Activation, Seed: c.Seed,
		Depth: c.Depth, Width: c.Width, Layers: c.Layers, Heads: c.Heads, Dim: c.Dim, Context: c.Context, Tied: c.Tied, Dropout: c.Dropout}
}

// DataOptions are the data.Options of the run's dataset.
func (c *Config) DataOptions() data.Options {
	return data.Options{Standardize: c.Standardize, TestFraction: c.TestFraction, Seed: c.Seed, PCA: c.PCA, Context: c.Context}
}

// The limits of a run's length. Beyond them the step count overflows
// (epochs times steps per epoch) or the run would outlast any machine; they
// are refused before anything is written.
const (
	MaxEpochs = 1_000_000
	MaxSteps  = 1 << 31
	// MaxSnapshots is the most weight (or factor) snapshots a run may
	// write: each is a file of the model's size.
	MaxSnapshots = 100_000
)

// Validate checks the settings that do not need the data. Its errors are
// *SettingError.
func (c *Config) Validate() error {
	if c.BatchSize < 0 {
		return settingErrorf("{batch_size} %d, want a positive size or 0 for the whole training set", c.BatchSize)
	}
	if !(c.Hyper.LR >= 0) || c.Hyper.LR > maxFloat {
		return settingErrorf("{hyper.lr} %g, want a positive learning rate", c.Hyper.LR)
	}
	if c.DType != "float32" && c.DType != "float64" {
		return settingErrorf("{dtype} %q, want float32 or float64", c.DType)
	}
	if c.Epochs < 0 || c.Epochs > MaxEpochs {
		return settingErrorf("{epochs} %d, want a number of epochs from 1 to %d", c.Epochs, MaxEpochs)
	}
	if c.Steps < 0 || c.Steps > MaxSteps {
		return settingErrorf("{steps} %d, want a number of steps from 1 to %d", c.Steps, MaxSteps)
	}
	if c.TimeBudget < 0 {
		return settingErrorf("{time_budget_ns} %v, want a positive duration", c.TimeBudget)
	}
	if c.Epochs == 0 && c.Steps == 0 && c.TimeBudget == 0 {
		return settingErrorf("give {epochs}, {steps} or {time_budget_ns} to say how long to train")
	}
	if c.Epochs > 0 && c.Steps > 0 {
		return settingErrorf("give either {epochs} or {steps}, not both")
	}
	if c.EvalInterval < 0 {
		return settingErrorf("{eval_interval_ns} must not be negative")
	}
	if c.SnapshotEvery < 0 || c.CheckpointEvery < 0 || c.SnapshotFactorsEvery < 0 {
		return settingErrorf("{snapshot_every}, {snapshot_factors_every} and {checkpoint_every} must not be negative")
	}
	if c.PCA < 0 {
		return settingErrorf("{pca} %d, want a number of components (0: keep the features)", c.PCA)
	}
	if c.Depth < 0 || c.Width < 0 || c.Layers < 0 || c.Heads < 0 || c.Dim < 0 || c.Context < 0 {
		return settingErrorf("{depth}, {width}, {layers}, {heads}, {dim} and {context} must not be negative")
	}
	if !(c.Dropout >= 0 && c.Dropout < 1) {
		return settingErrorf("{dropout} %g, want a probability in [0, 1)", c.Dropout)
	}
	if c.TestFraction < 0 || c.TestFraction >= 1 {
		return settingErrorf("{test_fraction} %g, want a fraction in [0, 1)", c.TestFraction)
	}
	if c.OnNaN != "" && c.OnNaN != "stop" && c.OnNaN != "continue" {
		return settingErrorf("{on_nan} %q, want stop or continue", c.OnNaN)
	}
	if c.Out == "" {
		return settingErrorf("{out} is required: the run directory to write")
	}
	return nil
}
