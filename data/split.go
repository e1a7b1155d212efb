package data

import (
	"fmt"
	"math"
)

// HoldOut splits d into a training split and a test split of
// round(d.Len()*fraction) samples chosen by a permutation seeded with seed.
// Both splits keep d's order. It fails unless 0 < fraction < 1 and both
// splits get at least one sample.
func HoldOut(d *Dataset, fraction float64, seed uint64) (train, test *Dataset, err error) {
	n := d.Len()
	if !(fraction > 0 && fraction < 1) {
		return nil, nil, fmt.Errorf("data: test fraction %g outside (0, 1)", fraction)
	}
	k := int(math.Round(float64(n) * fraction))
	if k == 0 || k == n {
		return nil, nil, fmt.Errorf("data: %s: test fraction %g of %d samples leaves an empty split (%d test samples)", d.Name, fraction, n, k)
	}
	perm := make([]int, n)
	permute(perm, mix(seed^splitDomain), mix(splitDomain))
	inTest := make([]bool, n)
	for _, i := range perm[:k] {
		inTest[i] = true
	}
	trainIdx := make([]int, 0, n-k)
	testIdx := make([]int, 0, k)
	for i, t := range inTest {
		if t {
			testIdx = append(testIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	return d.Subset(trainIdx), d.Subset(testIdx), nil
}
