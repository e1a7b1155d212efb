package train

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// Factor snapshots: factors/step-NNNNNN.safetensors holds, for every layer
// with Kronecker factors, the optimizer's diagonals "<layer>.H_D" (activation
// side, the bias entry last) and "<layer>.S_D" (gradient side); with full
// factors also "<layer>.H_full" and "<layer>.S_full" (the full matrices as the
// official analysis code keeps them: min-max normalised moving averages from an
// identity start, bias column excluded) and "<layer>.H_batch" = a^T a / N and
// "<layer>.S_batch" = g^T g / N, the raw factors of that step's batch. NNNNNN
// is the 0-based index of the optimizer step whose refresh the file follows
// (the official code's step counter: step-000000 is written during the first
// step), so the paper's "step 5200" is factors/step-005200.safetensors.

// FactorLayerInfo describes one layer of a factor snapshot, in its metadata.
type FactorLayerInfo struct {
	Layer   string   `json:"layer"`
	Kind    string   `json:"kind"`
	Tensors []string `json:"tensors"`
}

// FactorDescriptions says what each tensor suffix of a factor snapshot holds.
var FactorDescriptions = map[string]string{
	"H_D":     "activation-side diagonal used by the optimizer (bias entry last; BatchNorm/LayerNorm: [weight, bias])",
	"S_D":     "gradient-side diagonal used by the optimizer",
	"H_full":  "full activation factor, min-max normalised moving average from the identity (analysis code), bias column excluded",
	"S_full":  "full gradient factor, min-max normalised moving average from the identity (analysis code)",
	"H_batch": "raw activation factor of this step's batch, a^T a / N, bias column excluded",
	"S_batch": "raw gradient factor of this step's batch, g^T g / N",
}

func (s *session[T]) snapshotFactors(step int, src optim.FactorSource[T], caps []*nn.Capture[T]) error {
	byLayer := map[string]*nn.Capture[T]{}
	for _, c := range caps {
		byLayer[c.Layer] = c
	}
	var tensors []rundir.Tensor
	var infos []FactorLayerInfo
	add := func(info *FactorLayerInfo, suffix string, t *nn.Tensor[T]) {
		tensors = append(tensors, toFile(info.Layer+"."+suffix, t))
		info.Tensors = append(info.Tensors, suffix)
	}
	for _, f := range src.FactorLayers() {
		info := FactorLayerInfo{Layer: f.Layer, Kind: string(f.Kind)}
		add(&info, "H_D", &nn.Tensor[T]{Shape: []int{len(f.H)}, Data: f.H})
		add(&info, "S_D", &nn.Tensor[T]{Shape: []int{len(f.S)}, Data: f.S})
		if f.HFull != nil {
			add(&info, "H_full", f.HFull)
			add(&info, "S_full", f.SFull)
		}
		if c := byLayer[f.Layer]; c != nil && s.cfg.Hyper.FullFactors && (c.Kind == nn.KindLinear || c.Kind == nn.KindConv2d) {
			rows, _ := c.A.Rows()
			var h, g nn.Tensor[T]
			optim.BatchFactor(c.A, float64(rows), &h)
			optim.BatchFactor(c.G, float64(rows), &g)
			add(&info, "H_batch", &h)
			add(&info, "S_batch", &g)
		}
		infos = append(infos, info)
	}
	layers, err := json.Marshal(infos)
	if err != nil {
		return err
	}
	desc, err := json.Marshal(FactorDescriptions)
	if err != nil {
		return err
	}
	meta := s.meta()
	meta["step"] = fmt.Sprint(step)
	meta["layers"] = string(layers)
	meta["tensors"] = string(desc)
	meta["fisher_mode"] = s.cfg.Hyper.FisherMode
	rundir.SortForAlignment(tensors)
	return s.dir.WriteFactors(step, tensors, meta)
}

// FactorSnapshot is a factor snapshot read back: the step, the layers with
// their kinds and tensor suffixes, and the tensors.
type FactorSnapshot struct {
	Path       string
	Step       int
	FisherMode string            // the optimizer's Fisher mode, "" if none
	Layers     []FactorLayerInfo // in the order the optimizer holds them
	Metadata   map[string]string // every metadata entry (model, optimizer, dtype, ...)
	File       *rundir.File
}

// Tensor returns a layer's factor tensor by suffix (H_D, S_D, H_full, ...).
func (s *FactorSnapshot) Tensor(layer, suffix string) (rundir.Tensor, bool) {
	return s.File.Get(layer + "." + suffix)
}

// Layer returns the description of the layer named name.
func (s *FactorSnapshot) Layer(name string) (FactorLayerInfo, bool) {
	for _, l := range s.Layers {
		if l.Layer == name {
			return l, true
		}
	}
	return FactorLayerInfo{}, false
}

// ReadFactors reads the factor snapshot at path
// (factors/step-NNNNNN.safetensors of a run directory).
func ReadFactors(path string) (*FactorSnapshot, error) {
	f, err := rundir.Read(path)
	if err != nil {
		return nil, err
	}
	s := &FactorSnapshot{Path: path, FisherMode: f.Metadata["fisher_mode"], Metadata: f.Metadata, File: f}
	layers, ok := f.Metadata["layers"]
	if !ok {
		return nil, fmt.Errorf("%s: no \"layers\" entry in the metadata: not a factor snapshot", path)
	}
	if err := json.Unmarshal([]byte(layers), &s.Layers); err != nil {
		return nil, fmt.Errorf("%s: metadata \"layers\": %w", path, err)
	}
	if s.Step, err = strconv.Atoi(f.Metadata["step"]); err != nil {
		return nil, fmt.Errorf("%s: metadata \"step\" %q: want an integer", path, f.Metadata["step"])
	}
	for _, l := range s.Layers {
		for _, suffix := range l.Tensors {
			if _, ok := s.Tensor(l.Layer, suffix); !ok {
				return nil, fmt.Errorf("%s: layer %s lists tensor %s.%s, which the file lacks", path, l.Layer, l.Layer, suffix)
			}
		}
	}
	return s, nil
}
