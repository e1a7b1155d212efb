package gersgorin_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/adafisher-go/landscape/gersgorin"
)

// The disc test of a small, diagonally heavy symmetric matrix.
func ExampleAnalyze() {
	a := mat.NewDense(3, 3, []float64{
		4, 1, 0,
		1, 3, 0.5,
		0, 0.5, 1,
	})
	an, err := gersgorin.Analyze(a)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("centres:", an.Discs.Centres)
	fmt.Println("radii:  ", an.Discs.Radii)
	for _, z := range an.Eigenvalues {
		fmt.Printf("eigenvalue %.4f%+.4fi\n", real(z), imag(z))
	}
	fmt.Println("inside:", an.InsideFraction, "dominant:", an.DominantFraction)
	// Output:
	// centres: [4 3 1]
	// radii:   [1 1.5 0.5]
	// eigenvalue 0.8625+0.0000i
	// eigenvalue 2.5000+0.0000i
	// eigenvalue 4.6375+0.0000i
	// inside: 1 dominant: 1
}

// The perturbation test with a fixed seed: eigenvalues before and after
// adding symmetric N(0, 0.01) noise to the off-diagonal entries.
func ExamplePerturbationTest() {
	a := mat.NewDense(3, 3, []float64{
		4, 1, 0,
		1, 3, 0.5,
		0, 0.5, 1,
	})
	rng := rand.New(rand.NewPCG(1, 0))
	p, err := gersgorin.PerturbationTest(a, 0.01, rng, gersgorin.Corrected)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("clean     %.3f\n", p.Clean)
	fmt.Printf("perturbed %.3f\n", p.Perturbed)
	fmt.Printf("Kaiser: %d above 1, %d above the mean %.3f\n", p.KaiserClean.AboveOne, p.KaiserClean.AboveMean, p.KaiserClean.Mean)
	// Output:
	// clean     [0.863 2.500 4.637]
	// perturbed [0.866 2.504 4.630]
	// Kaiser: 2 above 1, 1 above the mean 2.667
}

// Every eigenvalue lies in the union of the Gersgorin discs; a row whose
// diagonal outweighs the rest of it is diagonally dominant.
func ExampleNewDiscs() {
	a := mat.NewDense(3, 3, []float64{
		2, -1, 0,
		-1, 2, -1.5,
		0, -1, 2,
	})
	d, err := gersgorin.NewDiscs(a)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("centres", d.Centres, "radii", d.Radii)
	fmt.Println("dominant rows:", d.DominantFraction())
	fmt.Println("contains 4.5:", d.Contains(4.5), "contains 5:", d.Contains(5))
	// Output:
	// centres [2 2 2] radii [1 2.5 1]
	// dominant rows: 0.6666666666666666
	// contains 4.5: true contains 5: false
}

// The Kaiser rule as the paper draws it (eigenvalues above 1) and in its
// scale-free form (above the mean eigenvalue): scaling a matrix changes the
// first count, not the second.
func ExampleKaiserCounts() {
	values := []float64{0.2, 0.5, 1.5, 4}
	for _, scale := range []float64{1, 0.1} {
		scaled := make([]float64, len(values))
		for i, v := range values {
			scaled[i] = scale * v
		}
		k := gersgorin.KaiserCounts(scaled)
		fmt.Printf("scale %g: %d above 1, %d above the mean %.3f\n", scale, k.AboveOne, k.AboveMean, k.Mean)
	}
	// Output:
	// scale 1: 2 above 1, 1 above the mean 1.550
	// scale 0.1: 0 above 1, 1 above the mean 0.155
}
