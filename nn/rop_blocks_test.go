package nn

import (
	"fmt"
	"testing"
)

// TestHVPBlockLayersExact covers the other exact R-operators: BatchNorm1d,
// AvgPool2d, GlobalAvgPool2d and Dropout with its step's mask.
func TestHVPBlockLayersExact(t *testing.T) {
	drop := NewDropout[float64](0.3, 9)
	m := NewModel[float64]("blocks", []int{2, 4, 4}, 3,
		NewConv2d[float64]("c", 2, 3, 3, 1, 1, true),
		NewActivation[float64]("tanh"),
		NewAvgPool2d[float64](2, 2),
		&GlobalAvgPool2d[float64]{},
		NewBatchNorm1d[float64]("bn", 3),
		drop,
		NewLinear[float64]("fc", 3, 3, true),
	)
	m.Reset(10)
	m.SetStep(3)
	resetLayer(m.ParamLayers()[1].(*BatchNorm1d[float64]).Inner(), 11)
	for _, train := range []bool{true, false} {
		mode := Mode{Train: train}
		e := NewHVP(m)
		if fd := e.FiniteDifferences(); len(fd) != 0 {
			t.Fatalf("layers %v fall back to finite differences", fd)
		}
		cols := allColumns(m.NumParams())
		x, labels := batchFor(m, 4, 12)
		want := fdHessianColumns(t, m, x, labels, mode, cols, 1e-3)
		got := productColumns(t, func(v, out []*Tensor[float64]) error {
			_, err := e.Hessian(x, labels, mode, v, out)
			return err
		}, m, cols)
		compareColumns(t, fmt.Sprintf("H v (train %v)", train), got, want, cols, 1e-8)
	}
}
