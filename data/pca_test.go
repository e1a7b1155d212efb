package data

import (
	"math"
	"testing"
)

// scikit-learn's PCA(n_components=2).fit_transform(iris) gives these rows,
// and StandardScaler then gives the second pair (computed with numpy from
// the same definitions).
func TestPCAIris(t *testing.T) {
	raw, _, err := Load("iris", Options{PCA: 2})
	if err != nil {
		t.Fatal(err)
	}
	std, _, err := Load("iris", Options{PCA: 2, Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		d    *Dataset
		row  int
		want [2]float64
	}{
		{raw, 0, [2]float64{-2.6841256259695365, 0.3193972465851008}},
		{raw, 1, [2]float64{-2.7141416872943256, -0.1770012250647805}},
		{raw, 149, [2]float64{1.390188861947913, -0.28266093799055086}},
		{std, 0, [2]float64{-1.3097108667358932, 0.6505414133746135}},
		{std, 149, [2]float64{0.6783383913525723, -0.5757176934747676}},
	}
	for _, c := range cases {
		if c.d.Shape[0] != 2 {
			t.Fatalf("shape %v, want [2]", c.d.Shape)
		}
		for j := 0; j < 2; j++ {
			if got := c.d.X[c.row*2+j]; math.Abs(got-c.want[j]) > 1e-12 {
				t.Errorf("row %d feature %d: %v, want %v", c.row, j, got, c.want[j])
			}
		}
	}
	p, err := FitPCA(raw, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Projected components are uncorrelated and the variance is ordered.
	var cov float64
	for i := 0; i < raw.Len(); i++ {
		cov += raw.X[2*i] * raw.X[2*i+1]
	}
	if math.Abs(cov) > 1e-9 || p.Variance[0] < p.Variance[1] {
		t.Errorf("covariance %g, variances %v", cov, p.Variance)
	}
	if _, err := FitPCA(raw, 3); err == nil {
		t.Error("PCA to 3 of 2 features succeeded")
	}
}
