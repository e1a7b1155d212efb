package train

import (
	"fmt"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/rundir"
)

// Saved is a finished or interrupted run opened for analysis: its settings,
// its datasets prepared as it trained on them, and a way to build its model
// and load any of its weight snapshots.
type Saved struct {
	Dir   rundir.Dir
	Info  Info
	Train *data.Dataset
	Test  *data.Dataset // nil without a test split
}

// Open reads a run directory's run.json and reloads its data.
func Open(path string) (*Saved, error) {
	dir, err := rundir.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := readInfo(dir)
	if err != nil {
		return nil, err
	}
	s := &Saved{Dir: dir, Info: *info}
	c := s.Info.Config
	s.Train, s.Test, err = data.Load(c.Dataset, c.DataOptions())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if fp := s.Info.Data.TrainFingerp; fp != "" && fp != s.Train.Fingerprint() {
		return nil, fmt.Errorf("%s: the dataset %s differs from the one the run trained on (fingerprint %s, now %s)", path, c.Dataset, fp, s.Train.Fingerprint())
	}
	return s, nil
}

// Build returns a fresh float64 model of the run's architecture.
func (s *Saved) Build() (*nn.Model[float64], error) {
	c := s.Info.Config
	return models.Build[float64](c.ModelConfig(s.Train.Shape, s.Info.Data.Classes))
}

// Load builds the model and loads a weights file of the run: a snapshot step
// (weights/step-NNNNNN.safetensors) or, with step < 0, final.safetensors.
func (s *Saved) Load(step int) (*nn.Model[float64], error) {
	path := s.Dir.FinalPath()
	if step >= 0 {
		path = s.Dir.WeightsPath(step)
	}
	f, err := rundir.Read(path)
	if err != nil {
		return nil, err
	}
	m, err := s.Build()
	if err != nil {
		return nil, err
	}
	if err := LoadModel(f, m, "", true); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
