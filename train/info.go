package train

import (
	"runtime"
	"time"
)

// Info describes the run for run.json.
type Info struct {
	Config     Config      `json:"config"`
	Command    []string    `json:"command,omitempty"`
	Version    string      `json:"version"`
	GoVersion  string      `json:"go_version"`
	Model      string      `json:"model"`
	Parameters int         `json:"parameters"`
	Layers     []LayerInfo `json:"layers"`
	Data       DataInfo    `json:"data"`
	StepsPerEp int         `json:"steps_per_epoch"`
	// Unsupported lists the parameters that no layer the optimizer
	// preconditions owns: they are updated without a preconditioner
	// (optim.Report.Plain; AdaFisher: F = 1).
	Unsupported []string          `json:"unsupported_params,omitempty"`
	Extra       map[string]string `json:"extra,omitempty"`
	StartedUnix int64             `json:"started_unix"`
}

// LayerInfo names a layer with parameters and what it owns.
type LayerInfo struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	Params []string `json:"params"`
}

// DataInfo records the dataset that was used.
type DataInfo struct {
	Name         string `json:"name"`
	Shape        []int  `json:"sample_shape"`
	Classes      int    `json:"classes"`
	Targets      int    `json:"targets_per_sample,omitempty"`
	Train        int    `json:"train_samples"`
	Test         int    `json:"test_samples"`
	TrainFingerp string `json:"train_fingerprint"`
	TestFingerp  string `json:"test_fingerprint,omitempty"`
}

// describe fills the session's Info: settings, versions, model, data.
func (s *session[T]) describe(o Options) {
	s.info = Info{Config: s.cfg, Command: o.Command, Version: o.Version, GoVersion: runtime.Version(),
		Model: s.model.String(), Parameters: s.model.NumParams(), StepsPerEp: s.spe, StartedUnix: time.Now().Unix(),
		Unsupported: s.opt.Report().Plain,
		Data: DataInfo{Name: s.train.Name, Shape: s.train.Shape, Classes: s.classes(), Targets: s.train.Targets,
			Train: s.train.Len(), TrainFingerp: s.trainFP}}
	if s.test != nil {
		s.info.Data.Test = s.test.Len()
		s.info.Data.TestFingerp = s.testFP
	}
	for _, l := range s.model.ParamLayers() {
		li := LayerInfo{Name: l.Name(), Kind: string(l.Kind())}
		for _, p := range l.Params() {
			li.Params = append(li.Params, p.Name)
		}
		s.info.Layers = append(s.info.Layers, li)
	}
}
