package spectral

import (
	"cmp"
	"math"
	"slices"
)

// Series is one measure of one layer's factor (Layer, Side) over training
// steps, Steps ascending; Values are Float so that a series with an infinite
// SNR still encodes as JSON.
type Series struct {
	Layer  string  `json:"layer"`
	Side   string  `json:"side,omitempty"`
	Steps  []int   `json:"steps"`
	Values []Float `json:"values"`
}

// SeriesByLayer groups results by (Layer, Side), in order of each group's
// first appearance, and returns measure of each result over the steps of its
// group, ascending. Of two results with the same layer, side and step, the
// first is kept.
func SeriesByLayer(results []Result, measure func(Result) float64) []Series {
	type key struct{ layer, side string }
	var order []key
	groups := map[key][]Result{}
	for _, r := range results {
		k := key{r.Layer, r.Side}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	out := make([]Series, 0, len(order))
	for _, k := range order {
		rs := groups[k]
		slices.SortStableFunc(rs, func(a, b Result) int { return cmp.Compare(a.Step, b.Step) })
		s := Series{Layer: k.layer, Side: k.side}
		for i, r := range rs {
			if i > 0 && r.Step == rs[i-1].Step {
				continue
			}
			s.Steps = append(s.Steps, r.Step)
			s.Values = append(s.Values, Float(measure(r)))
		}
		out = append(out, s)
	}
	return out
}

// DiagonalShareOf is the measure of a result's diagonal share, for
// SeriesByLayer.
func DiagonalShareOf(r Result) float64 { return float64(r.DiagonalShare) }

// SNROf returns the measure of a result's SNR in mode (NaN if the result
// lacks the mode), for SeriesByLayer.
func SNROf(mode Mode) func(Result) float64 {
	return func(r Result) float64 {
		if mr, ok := r.Mode(mode); ok {
			return float64(mr.SNR)
		}
		return math.NaN()
	}
}

// NoiseSNROf returns the measure of a result's SNR of the noise alone
// (Corrected mode only; NaN otherwise), for SeriesByLayer.
func NoiseSNROf(mode Mode) func(Result) float64 {
	return func(r Result) float64 {
		if mr, ok := r.Mode(mode); ok && mr.NoiseSNR != nil {
			return float64(*mr.NoiseSNR)
		}
		return math.NaN()
	}
}
