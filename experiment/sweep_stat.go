package experiment

import (
	"encoding/json"
	"math"
)

// Stat summarises values over the seeds of a setting. Std is the sample
// standard deviation (divisor n-1, "ddof=1", as pandas' Series.std and
// torch.std compute it), NaN for a single value. A NaN value (a run without
// a test split, say) makes every field but N NaN.
type Stat struct {
	N         int
	Mean, Std float64
	Min, Max  float64
}

// NewStat summarises values.
func NewStat(values []float64) Stat {
	s := Stat{N: len(values), Mean: math.NaN(), Std: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	if len(values) == 0 {
		return s
	}
	var sum float64
	for _, v := range values {
		if math.IsNaN(v) {
			return s
		}
		sum += v
	}
	s.Mean = sum / float64(len(values))
	s.Min, s.Max = values[0], values[0]
	var ss float64
	for _, v := range values {
		d := v - s.Mean
		ss += d * d
		s.Min, s.Max = math.Min(s.Min, v), math.Max(s.Max, v)
	}
	if len(values) > 1 {
		s.Std = math.Sqrt(ss / float64(len(values)-1))
	}
	return s
}

type statJSON struct {
	N    int      `json:"n"`
	Mean *float64 `json:"mean"`
	Std  *float64 `json:"std"`
	Min  *float64 `json:"min"`
	Max  *float64 `json:"max"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// MarshalJSON writes NaN as null.
func (s Stat) MarshalJSON() ([]byte, error) {
	return json.Marshal(statJSON{s.N, finite(s.Mean), finite(s.Std), finite(s.Min), finite(s.Max)})
}

// UnmarshalJSON reads null as NaN.
func (s *Stat) UnmarshalJSON(b []byte) error {
	var j statJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Stat{N: j.N, Mean: orNaN(j.Mean), Std: orNaN(j.Std), Min: orNaN(j.Min), Max: orNaN(j.Max)}
	return nil
}

type sweepRunJSON struct {
	Name              string   `json:"name"`
	Dir               string   `json:"dir"`
	Seed              uint64   `json:"seed"`
	Epochs            int      `json:"epochs"`
	FinalTestAccuracy *float64 `json:"final_test_accuracy"`
	FinalTestLoss     *float64 `json:"final_test_loss"`
	BestTestAccuracy  *float64 `json:"best_test_accuracy"`
	BestTestLoss      *float64 `json:"best_test_loss"`
	EpochTime         *float64 `json:"epoch_time_s"`
}

// MarshalJSON writes NaN (a run without a test split, or without a
// complete epoch) as null.
func (r SweepRun) MarshalJSON() ([]byte, error) {
	return json.Marshal(sweepRunJSON{r.Name, r.Dir, r.Seed, r.Epochs, finite(r.FinalTestAccuracy), finite(r.FinalTestLoss),
		finite(r.BestTestAccuracy), finite(r.BestTestLoss), finite(r.EpochTime)})
}

// UnmarshalJSON reads null as NaN.
func (r *SweepRun) UnmarshalJSON(b []byte) error {
	var j sweepRunJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = SweepRun{Name: j.Name, Dir: j.Dir, Seed: j.Seed, Epochs: j.Epochs, FinalTestAccuracy: orNaN(j.FinalTestAccuracy), FinalTestLoss: orNaN(j.FinalTestLoss),
		BestTestAccuracy: orNaN(j.BestTestAccuracy), BestTestLoss: orNaN(j.BestTestLoss), EpochTime: orNaN(j.EpochTime)}
	return nil
}
