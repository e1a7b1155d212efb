package nn

import "math"

// CrossEntropy is softmax cross-entropy with mean reduction over the rows, as
// torch.nn.functional.cross_entropy(logits, labels). It returns the loss and
// writes its gradient with respect to the logits into grad (resized), which
// may be nil when only the loss is wanted. The number of correct predictions
// (argmax equal to the label) comes back too.
func CrossEntropy[T Float](logits *Tensor[T], labels []int, grad *Tensor[T]) (loss float64, correct int) {
	rows, cols := logits.Rows()
	if rows != len(labels) {
		panic(&ShapeError{Layer: "cross_entropy", Got: logits.Shape, Want: "one row per label"})
	}
	if grad != nil {
		grad.resize(logits.Shape...)
	}
	inv := 1 / float64(rows)
	for r := 0; r < rows; r++ {
		z := logits.Data[r*cols : (r+1)*cols]
		m, arg := z[0], 0
		for j, v := range z {
			if v > m {
				m, arg = v, j
			}
		}
		y := labels[r]
		if y < 0 || y >= cols {
			panic(&ShapeError{Layer: "cross_entropy", Got: logits.Shape, Want: "labels in [0, classes)"})
		}
		if arg == y {
			correct++
		}
		var sum float64
		for _, v := range z {
			sum += math.Exp(float64(v - m))
		}
		lse := float64(m) + math.Log(sum)
		loss += lse - float64(z[y])
		if grad != nil {
			g := grad.Data[r*cols : (r+1)*cols]
			for j, v := range z {
				g[j] = T(math.Exp(float64(v)-lse) * inv)
			}
			g[y] -= T(inv)
		}
	}
	return loss * inv, correct
}
