package train

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"time"

	"github.com/adafisher-go/landscape/device/engine"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// Workload is one of the standard speed workloads (docs/commands/bench.md): a
// model, a batch of standard-normal inputs (random token ids for a gpt) with
// random labels, and a dtype. A step is forward, loss, backward and optimizer
// step, timed after 20 warm-up steps, median of the rounds.
type Workload struct {
	Name  string
	Model models.Config
	Batch int
	DType string
}

// Workloads lists the standard workloads.
var Workloads = []Workload{
	{Name: "iris_b150", Model: models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{16}, Classes: 3}, Batch: 150, DType: "float32"},
	{Name: "mlp784_b128", Model: models.Config{Arch: "mlp", InputShape: []int{784}, Hidden: []int{256, 128}, Classes: 10}, Batch: 128, DType: "float32"},
	{Name: "cnn28_b128", Model: models.Config{Arch: "cnn", InputShape: []int{1, 28, 28}, Classes: 10}, Batch: 128, DType: "float32"},
	{Name: "resnet8_cifar_b128", Model: models.Config{Arch: "resnet", Depth: 8, Width: 16, InputShape: []int{3, 32, 32}, Classes: 10}, Batch: 128, DType: "float32"},
	// Random token ids and next-token labels at every position.
	{Name: "gpt1_ctx64_b32", Model: models.Config{Arch: "gpt", Layers: 1, Heads: 4, Dim: 128, Context: 64, InputShape: []int{64}, Classes: 256}, Batch: 32, DType: "float32"},
}

// BenchOptimizer is an optimizer setting that the workloads are timed with.
type BenchOptimizer struct {
	Label string // as printed, e.g. "adam"
	Name  string
	Hyper optim.Hyper
}

// BenchOptimizers lists the optimizers of the standard workloads that this
// build has, each with its defaults (optim.Defaults; Shampoo's are the
// paper's CNN setting, its roots recomputed every step) and AdaFisher also
// with its factors refreshed every step, Shampoo every ten.
func BenchOptimizers() []BenchOptimizer {
	d := func(name string) optim.Hyper {
		h, err := optim.Defaults(name)
		if err != nil {
			panic(err) // the names below are optim's own
		}
		return h
	}
	fisher1, shampoo10 := d("adafisher"), d("shampoo")
	fisher1.TCov, shampoo10.UpdateInterval = 1, 10
	return []BenchOptimizer{
		{Label: "adam", Name: "adam", Hyper: d("adam")},
		{Label: "adafisher_tcov1", Name: "adafisher", Hyper: fisher1},
		{Label: "adafisher_tcov100", Name: "adafisher", Hyper: d("adafisher")},
		{Label: "kfac", Name: "kfac", Hyper: d("kfac")},
		{Label: "shampoo", Name: "shampoo", Hyper: d("shampoo")},
		{Label: "shampoo_int10", Name: "shampoo", Hyper: shampoo10},
		{Label: "adahessian", Name: "adahessian", Hyper: d("adahessian")},
	}
}

// BenchResult is one timed workload.
type BenchResult struct {
	Workload      string  `json:"workload"`
	Optimizer     string  `json:"optimizer"`
	DType         string  `json:"dtype"`
	MsPerStep     float64 `json:"ms_per_step"`
	AllocsPerStep float64 `json:"allocs_per_step"`
	BytesPerStep  float64 `json:"bytes_per_step"`
	Threads       int     `json:"threads"`
}

// Bencher runs training steps of one workload.
type Bencher interface {
	Step() error
}

type bencher[T nn.Float] struct {
	stepper *Stepper[T]
	in      *nn.Tensor[T]
	labels  []int
}

func (b *bencher[T]) Step() error {
	_, err := b.stepper.Step(b.in, b.labels, false)
	return err
}

// NewBencher builds the workload's model, optimizer and batch (seed 1).
func NewBencher(w Workload, o BenchOptimizer) (Bencher, error) {
	return NewBencherOn(w, o, "")
}

// NewBencherOn is NewBencher with the steps on a device ("" or "cpu", or
// "opencl[:N]": the device engine, see Config.Device).
func NewBencherOn(w Workload, o BenchOptimizer, device string) (Bencher, error) {
	if w.DType == "float64" {
		return newBencher[float64](w, o, device)
	}
	return newBencher[float32](w, o, device)
}

func newBencher[T nn.Float](w Workload, o BenchOptimizer, device string) (Bencher, error) {
	cfg := w.Model
	cfg.Seed = 1
	m, err := models.Build[T](cfg)
	if err != nil {
		return nil, err
	}
	opt, err := optim.New(o.Name, m, o.Hyper)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	in := nn.NewTensor[T](append([]int{w.Batch}, cfg.InputShape...)...)
	labels := make([]int, w.Batch)
	if cfg.Arch == "gpt" {
		labels = make([]int, len(in.Data))
		for i := range in.Data {
			in.Data[i] = T(rng.IntN(cfg.Classes))
		}
	} else {
		for i := range in.Data {
			in.Data[i] = T(rng.NormFloat64())
		}
	}
	for i := range labels {
		labels[i] = rng.IntN(cfg.Classes)
	}
	if device != "" && device != "cpu" {
		s := &session[T]{cfg: Config{Device: device, Hyper: o.Hyper}, model: m, opt: opt}
		if err := s.openDevice(); err != nil {
			return nil, err
		}
		return deviceBencher[T]{s.dev, in, labels}, nil
	}
	return &bencher[T]{stepper: NewStepper(m, opt), in: in, labels: labels}, nil
}

// deviceBencher steps on a device engine; its device stays open for the
// process.
type deviceBencher[T nn.Float] struct {
	e      *engine.Engine[T]
	in     *nn.Tensor[T]
	labels []int
}

func (b deviceBencher[T]) Step() error {
	_, err := b.e.Step(b.in, b.labels)
	return err
}

// Bench times a workload: 20 warm-up steps, then the median of rounds rounds,
// each at least minRound long.
func Bench(w Workload, o BenchOptimizer, rounds int, minRound time.Duration) (BenchResult, error) {
	return BenchOn("", w, o, rounds, minRound)
}

// BenchOn is Bench with the steps on a device (see NewBencherOn).
func BenchOn(device string, w Workload, o BenchOptimizer, rounds int, minRound time.Duration) (BenchResult, error) {
	b, err := NewBencherOn(w, o, device)
	if err != nil {
		return BenchResult{}, fmt.Errorf("workload %s, optimizer %s: %w", w.Name, o.Label, err)
	}
	for range 20 {
		if err := b.Step(); err != nil {
			return BenchResult{}, err
		}
	}
	var ms []float64
	var allocs, bytes float64
	for range rounds {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		n := 0
		start := time.Now()
		for n == 0 || time.Since(start) < minRound {
			if err := b.Step(); err != nil {
				return BenchResult{}, err
			}
			n++
		}
		el := time.Since(start)
		runtime.ReadMemStats(&after)
		ms = append(ms, float64(el.Microseconds())/1000/float64(n))
		allocs = float64(after.Mallocs-before.Mallocs) / float64(n)
		bytes = float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
	}
	sort.Float64s(ms)
	return BenchResult{Workload: w.Name, Optimizer: o.Label, DType: w.DType, MsPerStep: ms[len(ms)/2], AllocsPerStep: allocs, BytesPerStep: bytes, Threads: runtime.GOMAXPROCS(0)}, nil
}
