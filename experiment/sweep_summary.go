package experiment

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/adafisher-go/landscape/rundir"
)

// SweepSummary is what summary.json holds: each setting of a sweep
// (optimizer, learning rate, batch size) summarised over its seeds.
type SweepSummary struct {
	Dataset string `json:"dataset"`
	Model   string `json:"model"`
	// StdNote says which standard deviation the summary gives.
	StdNote  string           `json:"std"`
	Settings []SettingSummary `json:"settings"`
}

// StdNote is SweepSummary.StdNote.
const StdNote = "sample standard deviation over the seeds (divisor n-1, ddof=1, as pandas and torch.std); null for one seed"

// SettingSummary is one setting over its seeds. Final is the test split at
// the end of each run, Best the best over the run's test evaluations;
// EpochTime is each run's mean time of a complete epoch (training time
// only), in seconds.
type SettingSummary struct {
	Optimizer         string     `json:"optimizer"`
	LR                float64    `json:"lr"`
	BatchSize         int        `json:"batch_size"`
	Seeds             []uint64   `json:"seeds"`
	FinalTestAccuracy Stat       `json:"final_test_accuracy"`
	FinalTestLoss     Stat       `json:"final_test_loss"`
	BestTestAccuracy  Stat       `json:"best_test_accuracy"`
	BestTestLoss      Stat       `json:"best_test_loss"`
	EpochTime         Stat       `json:"epoch_time_s"`
	Curve             SweepCurve `json:"curve"`
	Runs              []SweepRun `json:"runs"`
}

// SweepRun is one run of a setting.
type SweepRun struct {
	Name              string  `json:"name"`
	Dir               string  `json:"dir"` // relative to the sweep's directory
	Seed              uint64  `json:"seed"`
	Epochs            int     `json:"epochs"` // complete epochs
	FinalTestAccuracy float64 `json:"final_test_accuracy"`
	FinalTestLoss     float64 `json:"final_test_loss"`
	BestTestAccuracy  float64 `json:"best_test_accuracy"`
	BestTestLoss      float64 `json:"best_test_loss"`
	EpochTime         float64 `json:"epoch_time_s"`
}

// SweepCurve is the learning curve of a setting: after each complete epoch
// that every seed reached, the mean and std over the seeds.
type SweepCurve struct {
	Epoch           rundir.Floats `json:"epoch"`
	TestAccuracy    rundir.Floats `json:"test_accuracy_mean"`
	TestAccuracyStd rundir.Floats `json:"test_accuracy_std"`
	TestLoss        rundir.Floats `json:"test_loss_mean"`
	TestLossStd     rundir.Floats `json:"test_loss_std"`
	TrainLoss       rundir.Floats `json:"train_loss_mean"`
	TrainLossStd    rundir.Floats `json:"train_loss_std"`
}

// SummarizeSweep reads the finished runs of a sweep's cells (from
// SweepConfig.Cells) and summarises each setting over its seeds, settings in
// the cells' order.
func SummarizeSweep(cells []Cell) (*SweepSummary, error) {
	if len(cells) == 0 {
		return nil, fmt.Errorf("sweep: no cells to summarise")
	}
	root := filepath.Dir(filepath.Dir(cells[0].Config.Out))
	s := &SweepSummary{Dataset: cells[0].Config.Dataset, Model: cells[0].Config.Model, StdNote: StdNote}
	index := map[[3]string]int{}
	var epochs [][]*rundir.Metrics // per setting, per seed
	for _, c := range cells {
		cfg := c.Config
		key := [3]string{cfg.Optimizer, fmt.Sprint(cfg.Hyper.LR), fmt.Sprint(cfg.BatchSize)}
		i, ok := index[key]
		if !ok {
			i = len(s.Settings)
			index[key] = i
			s.Settings = append(s.Settings, SettingSummary{Optimizer: cfg.Optimizer, LR: cfg.Hyper.LR, BatchSize: cfg.BatchSize})
			epochs = append(epochs, nil)
		}
		m, err := rundir.ReadMetricsFile(filepath.Join(cfg.Out, rundir.MetricsFile))
		if err != nil {
			return nil, fmt.Errorf("sweep: %s: %w", c.Name, err)
		}
		if m.Final == nil {
			return nil, fmt.Errorf("sweep: %s has not finished (no final record in %s)", c.Name, filepath.Join(cfg.Out, rundir.MetricsFile))
		}
		rel, _ := filepath.Rel(root, cfg.Out)
		r := runOf(m)
		r.Name, r.Dir, r.Seed = c.Name, filepath.ToSlash(rel), cfg.Seed
		st := &s.Settings[i]
		st.Seeds = append(st.Seeds, cfg.Seed)
		st.Runs = append(st.Runs, r)
		epochs[i] = append(epochs[i], m)
	}
	for i := range s.Settings {
		st := &s.Settings[i]
		field := func(f func(r SweepRun) float64) Stat {
			var v []float64
			for _, r := range st.Runs {
				v = append(v, f(r))
			}
			return NewStat(v)
		}
		st.FinalTestAccuracy = field(func(r SweepRun) float64 { return r.FinalTestAccuracy })
		st.FinalTestLoss = field(func(r SweepRun) float64 { return r.FinalTestLoss })
		st.BestTestAccuracy = field(func(r SweepRun) float64 { return r.BestTestAccuracy })
		st.BestTestLoss = field(func(r SweepRun) float64 { return r.BestTestLoss })
		st.EpochTime = field(func(r SweepRun) float64 { return r.EpochTime })
		st.Curve = curveOf(epochs[i])
	}
	return s, nil
}

// runOf reads a finished run's numbers from its metrics.
func runOf(m *rundir.Metrics) SweepRun {
	r := SweepRun{FinalTestAccuracy: orNaN(m.Final.TestAccuracy), FinalTestLoss: orNaN(m.Final.TestLoss)}
	r.BestTestAccuracy, r.BestTestLoss = r.FinalTestAccuracy, r.FinalTestLoss
	better := func(acc, loss float64) {
		if !math.IsNaN(acc) && !(acc <= r.BestTestAccuracy) {
			r.BestTestAccuracy = acc
		}
		if !math.IsNaN(loss) && !(loss >= r.BestTestLoss) {
			r.BestTestLoss = loss
		}
	}
	for _, e := range m.Evals {
		better(e.TestAccuracy, e.TestLoss)
	}
	var sum, last float64
	for _, e := range m.Epochs {
		better(orNaN(e.TestAccuracy), orNaN(e.TestLoss))
		if !e.Partial {
			r.Epochs++
			sum += e.TimeS - last
			last = e.TimeS
		}
	}
	r.EpochTime = math.NaN()
	if r.Epochs > 0 {
		r.EpochTime = sum / float64(r.Epochs)
	}
	return r
}

// curveOf averages the complete epochs that every run reached.
func curveOf(runs []*rundir.Metrics) SweepCurve {
	var c SweepCurve
	var per [][]rundir.EpochRecord
	n := -1
	for _, m := range runs {
		var full []rundir.EpochRecord
		for _, e := range m.Epochs {
			if !e.Partial {
				full = append(full, e)
			}
		}
		per = append(per, full)
		if n < 0 || len(full) < n {
			n = len(full)
		}
	}
	for k := 0; k < n; k++ {
		var acc, tl, loss []float64
		for _, full := range per {
			acc = append(acc, orNaN(full[k].TestAccuracy))
			tl = append(tl, orNaN(full[k].TestLoss))
			loss = append(loss, full[k].TrainLoss)
		}
		a, t, l := NewStat(acc), NewStat(tl), NewStat(loss)
		c.Epoch = append(c.Epoch, float64(per[0][k].Epoch))
		c.TestAccuracy, c.TestAccuracyStd = append(c.TestAccuracy, a.Mean), append(c.TestAccuracyStd, a.Std)
		c.TestLoss, c.TestLossStd = append(c.TestLoss, t.Mean), append(c.TestLossStd, t.Std)
		c.TrainLoss, c.TrainLossStd = append(c.TrainLoss, l.Mean), append(c.TrainLossStd, l.Std)
	}
	return c
}

// WriteSweepSummary writes s as JSON to path (a temporary file renamed).
func WriteSweepSummary(path string, s *SweepSummary) error {
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return err
	}
	return rundir.WriteBytesAtomic(path, append(b, '\n'))
}

// ReadSweepSummary reads a summary.json.
func ReadSweepSummary(path string) (*SweepSummary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s SweepSummary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}
