package torchfile

import (
	"slices"
	"testing"

	"github.com/adafisher-go/landscape/models"
)

// TestZooModelsMatch checks the checkpoints PyTorch saved against the
// state of the zoo's models of the same architecture: every name and shape
// matches, in state_dict order, so --init can load them strictly.
func TestZooModelsMatch(t *testing.T) {
	cases := []struct {
		file string
		cfg  models.Config
	}{
		{"iris_mlp.pt", models.Config{Arch: "mlp", InputShape: []int{4}, Classes: 3, Hidden: []int{16}}},
		{"resnet8_checkpoint.pt", models.Config{Arch: "resnet", InputShape: []int{3, 32, 32}, Classes: 10, Depth: 8, Width: 4}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m, err := models.Build[float32](c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var want []Want
			for _, e := range m.State() {
				shape := []int{}
				if e.Value != nil {
					shape = e.Value.Shape
				}
				want = append(want, Want{Name: e.Name, Shape: shape})
			}
			have, err := LoadStateDict(td(c.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Match(have, want)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if got[i].Name != have[i].Name || !slices.Equal(got[i].Shape, have[i].Shape) {
					t.Errorf("state_dict order differs at %d: %s, model %s", i, have[i].Name, got[i].Name)
				}
			}
		})
	}
}
