package trajectory

import "testing"

// PCA of 3 runs x 40 snapshots of 10^5 parameters (Gram route).
func BenchmarkPCAGram(b *testing.B) {
	runs := randomRuns(2, 3, 40, 100000, 0.01)
	b.ResetTimer()
	for range b.N {
		if _, err := FitPCA(runs, PCAOptions{K: 2}); err != nil {
			b.Fatal(err)
		}
	}
}
