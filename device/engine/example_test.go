package engine_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/adafisher-go/landscape/device/cpu"
	"github.com/adafisher-go/landscape/device/engine"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// Training an MLP with AdaFisher on a device, then reading the weights and
// optimizer state back for a checkpoint. The device here is the CPU
// reference, which runs everywhere; opencl.Open(-1) gives the first GPU.
func Example() {
	dev := cpu.New()
	defer dev.Close()
	m, err := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{8}, Hidden: []int{16}, Classes: 3, Activation: "relu", Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	h := optim.Hyper{LR: 1e-2}
	opt, err := optim.New("adafisher", m, h)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := engine.New(dev, m, opt, h)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	x := nn.NewTensor[float64](32, 8)
	y := make([]int, 32)
	for i := range y {
		y[i] = rng.IntN(3)
		for j := 0; j < 8; j++ {
			x.Data[i*8+j] = rng.NormFloat64() + float64(y[i]*(j%3))
		}
	}
	var first, last float64
	for s := 0; s < 50; s++ {
		r, err := e.Step(x, y)
		if err != nil {
			fmt.Println(err)
			return
		}
		if s == 0 {
			first = r.Loss
		}
		last = r.Loss
	}
	// m and opt now hold the device's weights and state, as after 50 host
	// steps: save, evaluate or snapshot them with the CPU code.
	if err := e.ToHost(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("loss decreased:", last < first)
	// Output: loss decreased: true
}
