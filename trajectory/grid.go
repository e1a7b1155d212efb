package trajectory

// Linspace returns n evenly spaced values from a to b, both ends included,
// exactly as numpy.linspace(a, b, n): value i is i*step + a with
// step = (b-a)/(n-1), and the last value is set to b. n = 1 gives [a];
// n <= 0 gives an empty slice.
func Linspace(a, b float64, n int) []float64 {
	if n <= 0 {
		return []float64{}
	}
	out := make([]float64, n)
	if n == 1 {
		out[0] = a
		return out
	}
	div := float64(n - 1)
	delta := b - a
	step := delta / div
	for i := range out {
		if step == 0 {
			// numpy's path for a zero step: (i/div)*delta + a.
			out[i] = float64(float64(i)/div*delta) + a
		} else {
			out[i] = float64(float64(i)*step) + a
		}
	}
	out[n-1] = b
	return out
}
