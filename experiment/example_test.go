package experiment_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/experiment"
	"github.com/adafisher-go/landscape/train"
)

// A job's cells come in a fixed order; shards (0-based, as Slurm's array
// task ids) split them so that separate processes each train their share.
func ExampleShardCells() {
	cells, _, err := experiment.Figure1Config{Out: "figure1"}.Cells()
	if err != nil {
		log.Fatal(err)
	}
	for k := 0; k < 2; k++ {
		shard := cluster.Shard{K: k, N: 2}
		fmt.Printf("shard %v:", shard)
		for _, c := range experiment.ShardCells(shard, cells) {
			fmt.Printf(" %d:%s", c.Index, c.Name)
		}
		fmt.Println()
	}
	// Output:
	// shard 0/2: 0:AdaFisher 2:Adam 4:Shampoo
	// shard 1/2: 1:KFAC 3:AdaHessian 5:SGD
}

// The settings of a comparison depend on the task: language models take the
// paper's language-model settings.
func ExampleCompareSettings() {
	for _, dataset := range []string{"fashion-mnist", "text:corpus.txt"} {
		settings, err := experiment.CompareSettings([]string{"adam", "adafisher"}, dataset)
		if err != nil {
			log.Fatal(err)
		}
		for _, s := range settings {
			fmt.Printf("%s: %s lr %g, weight decay %g\n", dataset, s.Optimizer, s.Hyper.LR, s.Hyper.WeightDecay)
		}
	}
	_, err := experiment.CompareSettings([]string{"lbfgs"}, "iris")
	fmt.Println(err)
	// Output:
	// fashion-mnist: adam lr 0.001, weight decay 0.0005
	// fashion-mnist: adafisher lr 0.001, weight decay 0.0005
	// text:corpus.txt: adamw lr 0.001, weight decay 0.1
	// text:corpus.txt: adafisherw lr 0.0001, weight decay 0.1
	// unknown optimizer "lbfgs" for compare, want some of [adam adafisher kfac shampoo adahessian sgd]
}

// Figure 1 with two optimizers, three epochs and a coarse grid: the same
// function `landscape trajectory --dataset iris` calls.
func ExampleFigure1() {
	dir, err := os.MkdirTemp("", "figure1-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	res, err := experiment.Figure1(context.Background(), experiment.Figure1Config{
		Epochs: 3, Grid: 11, Optimizers: []string{"Adam", "SGD"}, Out: dir,
		Progress: func(e experiment.Event) {
			if e.Kind == experiment.CellStarted {
				fmt.Printf("training %s (cell %d of %d)\n", e.Cell.Name, e.Cell.Index+1, e.Of)
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range res.Paths {
		fmt.Printf("%s: %d points from (%.1f, %.1f), its surface evaluated at %d x %d points\n", p.Label, len(p.W1), res.Start[0], res.Start[1], len(p.Evaluated), len(p.Evaluated[0]))
	}
	back, err := experiment.ReadFigure1(dir)
	if err != nil {
		log.Fatal(err)
	}
	_, err = os.Stat(filepath.Join(dir, "runs", "adam", "run.json"))
	fmt.Println(len(back.Paths), "paths in", experiment.TrajectoryFile+"; run directory written:", err == nil)
	// Output:
	// training Adam (cell 1 of 2)
	// training SGD (cell 2 of 2)
	// Adam: 3 points from (0.2, 0.2), its surface evaluated at 11 x 11 points
	// SGD: 3 points from (0.2, 0.2), its surface evaluated at 11 x 11 points
	// 2 paths in trajectory.json; run directory written: true
}

// A sweep's cells: optimizer, then learning rate, batch size and seed, each
// named after its setting.
func ExampleSweepConfig_Cells() {
	c := experiment.SweepConfig{
		Train:      train.Config{Dataset: "iris", Model: "mlp", Epochs: 10, Out: "sweep"},
		Optimizers: []experiment.SweepOptimizer{{Name: "adafisher"}, {Name: "adam"}},
		LRs:        []float64{1e-3, 3e-3}, BatchSizes: []int{32}, Seeds: []uint64{0, 1},
	}
	cells, err := c.Cells()
	if err != nil {
		log.Fatal(err)
	}
	for _, cell := range cells[:4] {
		fmt.Println(cell.Index, cell.Config.Out)
	}
	// Output:
	// 0 sweep/runs/adafisher_lr0.001_bs32_seed0
	// 1 sweep/runs/adafisher_lr0.001_bs32_seed1
	// 2 sweep/runs/adafisher_lr0.003_bs32_seed0
	// 3 sweep/runs/adafisher_lr0.003_bs32_seed1
}

// The standard deviation over seeds is the sample one (ddof=1), as pandas
// and torch.std give it.
func ExampleNewStat() {
	s := experiment.NewStat([]float64{0.91, 0.93, 0.92})
	fmt.Printf("%.4f ± %.4f [%.2f, %.2f] over %d\n", s.Mean, s.Std, s.Min, s.Max, s.N)
	// Output: 0.9200 ± 0.0100 [0.91, 0.93] over 3
}
