package linalg

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// BenchmarkSymEigenvalues times the eigenvalues of a random symmetric
// matrix; LANDSCAPE_BENCH_N overrides the default order 1024.
func BenchmarkSymEigenvalues(b *testing.B) {
	n := 1024
	if s := os.Getenv("LANDSCAPE_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	a := randomSym(rand.New(rand.NewPCG(1, 1)), n)
	var s SymEigen
	var w []float64
	for b.Loop() {
		var err error
		if w, err = s.Values(w, n, a, n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVectors times eigenvalues and eigenvectors of a random symmetric
// matrix, the decomposition K-FAC and Shampoo make; LANDSCAPE_BENCH_N
// overrides the default order 1024.
func BenchmarkVectors(b *testing.B) {
	n := 1024
	if s := os.Getenv("LANDSCAPE_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	a := randomSym(rand.New(rand.NewPCG(1, 1)), n)
	w, q := make([]float64, n), make([]float64, n*n)
	var s SymEigen
	for b.Loop() {
		if err := s.Vectors(w, q, n, a, n); err != nil {
			b.Fatal(err)
		}
	}
}
