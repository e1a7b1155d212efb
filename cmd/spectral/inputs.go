package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/adafisher-go/landscape/matfile"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/spectral"
	"gonum.org/v1/gonum/mat"
)

// factorSuffixes maps --factor to the tensor suffixes of a factor snapshot
// for the activation side (A) and the gradient side (G).
var factorSuffixes = map[string][2]string{
	"full":  {"H_full", "S_full"},
	"batch": {"H_batch", "S_batch"},
}

type layerInfo struct {
	Layer   string   `json:"layer"`
	Kind    string   `json:"kind"`
	Tensors []string `json:"tensors"`
}

// runInputs reads the factor matrices of a run's snapshots: for each chosen
// step and layer, the activation-side (A) and gradient-side (G) factor of one
// layer, always paired by the layer's own name.
func runInputs(path string, layers, steps []string, factor string) ([]spectral.Input, []int, error) {
	dir, err := rundir.Open(path)
	if err != nil {
		return nil, nil, err
	}
	all, err := dir.FactorSteps()
	if err != nil {
		return nil, nil, err
	}
	if len(all) == 0 {
		return nil, nil, fmt.Errorf("%s has no factor snapshots: train with --optimizer adafisher --snapshot-factors-every N --full-factors", path)
	}
	chosen := all
	if len(steps) > 0 {
		chosen = nil
		for _, s := range steps {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return nil, nil, fmt.Errorf("--steps %q: want step numbers", strings.Join(steps, ","))
			}
			if !slices.Contains(all, v) {
				return nil, nil, fmt.Errorf("%s has no factor snapshot at step %d (it has %v)", path, v, all)
			}
			chosen = append(chosen, v)
		}
	}
	var kinds []string
	if factor == "both" {
		kinds = []string{"full", "batch"}
	} else {
		kinds = []string{factor}
	}
	base := filepath.Base(filepath.Clean(path))
	var out []spectral.Input
	var sizes []int
	seenLayer := map[string]bool{}
	for _, step := range chosen {
		p := dir.FactorsPath(step)
		snap, err := readSnapshot(p)
		if err != nil {
			return nil, nil, err
		}
		var infos []layerInfo
		if err := json.Unmarshal([]byte(snap.metadata["layers"]), &infos); err != nil {
			return nil, nil, fmt.Errorf("%s: metadata \"layers\": %w", p, err)
		}
		for _, li := range infos {
			if len(layers) > 0 && !slices.Contains(layers, li.Layer) {
				continue
			}
			seenLayer[li.Layer] = true
			for _, k := range kinds {
				for side, suffix := range factorSuffixes[k] {
					name := li.Layer + "." + suffix
					e, ok := snap.tensors[name]
					if !ok {
						continue
					}
					// Shapes are checked now, values when the matrix is
					// read, just before its analysis.
					if len(e.Shape) != 2 || e.Shape[0] != e.Shape[1] {
						return nil, nil, fmt.Errorf("%s: tensor %q has shape %v, want a square matrix", p, name, e.Shape)
					}
					sideName := [2]string{"A", "G"}[side]
					label := li.Layer
					if factor == "both" {
						label += " (" + k + ")"
					}
					out = append(out, spectral.Input{Name: fmt.Sprintf("%s:%s/%s@%d", base, label, sideName, step), Layer: base + ":" + label, Step: step, Side: sideName,
						Load: func() (*mat.Dense, error) { return snap.matrix(name) }})
					sizes = append(sizes, e.Shape[0])
				}
			}
		}
	}
	for _, l := range layers {
		if !seenLayer[l] {
			return nil, nil, fmt.Errorf("%s has no layer %q with factors", path, l)
		}
	}
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("%s's factor snapshots hold no %s factor matrices (only diagonals): train with --full-factors", path, factor)
	}
	return out, sizes, nil
}

// fileInputs reads every matrix of .npy, .npz and .safetensors files.
func fileInputs(paths []string) ([]spectral.Input, []int, error) {
	var out []spectral.Input
	var sizes []int
	for _, p := range paths {
		ms, err := matfile.Read(p)
		if err != nil {
			return nil, nil, err
		}
		if err := matfile.RequireSquare(ms); err != nil {
			return nil, nil, err
		}
		for _, m := range ms {
			out = append(out, spectral.Input{Name: m.Name, Layer: m.Name, Matrix: m.Dense()})
			sizes = append(sizes, m.Rows)
		}
	}
	return out, sizes, nil
}
