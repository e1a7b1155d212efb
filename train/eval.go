package train

import (
	"math"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/nn"
)

// Eval is a loss and accuracy on a dataset.
type Eval struct {
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
	// Perplexity is exp(Loss) for a language model (the loss is then the
	// mean over every target token), 0 otherwise.
	Perplexity float64 `json:"perplexity,omitempty"`
}

// evaluate computes the mean loss and accuracy of the model in evaluation
// mode over a dataset, in chunks of chunk samples (1024 when 0): per sample,
// or for a language model per target token (with the perplexity). xs is the
// dataset's samples when the caller has them (a run's datasets keep none of
// their own), else nil. A training run evaluates in
// chunks of its batch size, so that the layers' buffers, sized for a batch,
// do not grow: ResNet-18 at 1024 images a chunk would hold gigabytes.
func evaluate[T nn.Float](m *nn.Model[T], d *data.Dataset, xs *samples[T], chunk int) Eval {
	if chunk <= 0 {
		chunk = 1024
	}
	sample := numel(d.Shape)
	var in nn.Tensor[T]
	var sum float64
	correct := 0
	for lo := 0; lo < d.Len(); lo += chunk {
		hi := min(lo+chunk, d.Len())
		t := resizeT(&in, append([]int{hi - lo}, d.Shape...))
		if xs != nil {
			xs.read(lo, hi, t.Data)
		} else {
			for i, v := range d.X[lo*sample : hi*sample] {
				t.Data[i] = T(v)
			}
		}
		out, err := m.Forward(t, nn.Mode{})
		if err != nil {
			panic(err)
		}
		k := d.LabelsPerSample()
		l, c := nn.CrossEntropy(out, d.Y[lo*k:hi*k], nil)
		sum += l * float64(hi-lo)
		correct += c
	}
	n := float64(max(d.Len(), 1))
	e := Eval{Loss: sum / n, Accuracy: float64(correct) / (n * float64(d.LabelsPerSample()))}
	if d.Targets > 0 {
		e.Perplexity = math.Exp(e.Loss)
	}
	return e
}
