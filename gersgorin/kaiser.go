package gersgorin

// Kaiser counts the eigenvalues the Kaiser rule keeps. The rule keeps the
// components of a correlation matrix with eigenvalue above 1, the mean
// eigenvalue of a correlation matrix; AboveOne is that count, as the paper
// draws it (a line at 1 whatever the matrix's scale), and AboveMean the
// scale-free form, the count above the mean eigenvalue trace/n.
type Kaiser struct {
	AboveOne  int     `json:"above_one"`
	AboveMean int     `json:"above_mean"`
	Mean      float64 `json:"mean"`
}

// KaiserCounts returns the Kaiser counts of the eigenvalues values. Both
// comparisons are strict.
func KaiserCounts(values []float64) Kaiser {
	var k Kaiser
	if len(values) == 0 {
		return k
	}
	for _, v := range values {
		k.Mean += v
	}
	k.Mean /= float64(len(values))
	for _, v := range values {
		if v > 1 {
			k.AboveOne++
		}
		if v > k.Mean {
			k.AboveMean++
		}
	}
	return k
}
