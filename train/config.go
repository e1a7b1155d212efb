package train

import (
	"fmt"
	"time"

	"github.com/adafisher-go/landscape/optim"
)

// Config is every setting of a run; it is saved as run.json and read back by
// --resume, so that a resumed run continues with exactly the same settings.
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

	Optimizer string      `json:"optimizer"`
	Hyper     optim.Hyper `json:"hyper"`

	Schedule Schedule `json:"schedule"`

	Seed  uint64 `json:"seed"`
	DType string `json:"dtype"`

	Epochs     int           `json:"epochs,omitempty"`
	Steps      int           `json:"steps,omitempty"`
	TimeBudget time.Duration `json:"time_budget_ns,omitempty"`

	SnapshotEvery        int `json:"snapshot_every,omitempty"`
	SnapshotFactorsEvery int `json:"snapshot_factors_every,omitempty"`
	CheckpointEvery      int `json:"checkpoint_every,omitempty"`

	Init string `json:"init,omitempty"`
	Out  string `json:"out"`
}

// Validate checks the settings that do not need the data.
func (c *Config) Validate() error {
	if c.BatchSize < 0 {
		return fmt.Errorf("--batch-size %d, want a positive size or 0 for the whole training set", c.BatchSize)
	}
	if !(c.Hyper.LR > 0) {
		return fmt.Errorf("--lr %g, want a positive learning rate", c.Hyper.LR)
	}
	if c.DType != "float32" && c.DType != "float64" {
		return fmt.Errorf("--dtype %q, want float32 or float64", c.DType)
	}
	if c.Epochs < 0 || c.Steps < 0 || c.TimeBudget < 0 {
		return fmt.Errorf("--epochs, --steps and --time-budget must not be negative")
	}
	if c.Epochs == 0 && c.Steps == 0 && c.TimeBudget == 0 {
		return fmt.Errorf("give --epochs, --steps or --time-budget to say how long to train")
	}
	if c.Epochs > 0 && c.Steps > 0 {
		return fmt.Errorf("give either --epochs or --steps, not both")
	}
	if c.SnapshotEvery < 0 || c.CheckpointEvery < 0 || c.SnapshotFactorsEvery < 0 {
		return fmt.Errorf("--snapshot-every, --snapshot-factors-every and --checkpoint-every must not be negative")
	}
	if c.PCA < 0 {
		return fmt.Errorf("--pca %d, want a number of components (0: keep the features)", c.PCA)
	}
	if c.TestFraction < 0 || c.TestFraction >= 1 {
		return fmt.Errorf("--test-fraction %g, want a fraction in [0, 1)", c.TestFraction)
	}
	if c.Out == "" {
		return fmt.Errorf("--out is required: the run directory to write")
	}
	return nil
}
