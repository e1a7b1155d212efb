package rundir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// The kinds of metrics.jsonl records.
const (
	KindStep      = "step"
	KindEpoch     = "epoch"
	KindEval      = "eval"
	KindFinal     = "final"
	KindCurvature = "curvature"
)

// StepRecord is one optimizer step: the loss of its batch before the update,
// the learning rate it used and the training time so far.
type StepRecord struct {
	Kind  string  `json:"kind"` // KindStep
	Step  int     `json:"step"` // 1-based
	Epoch int     `json:"epoch"`
	Loss  float64 `json:"loss"`
	LR    float64 `json:"lr"`
	TimeS float64 `json:"time_s"` // training seconds since the run started
}

// EpochRecord closes an epoch: the mean of its batch losses and accuracies
// and, with a test split, the test loss and accuracy after it. Partial marks
// the last epoch of a run stopped in its middle.
type EpochRecord struct {
	Kind            string   `json:"kind"` // KindEpoch
	Epoch           int      `json:"epoch"`
	Step            int      `json:"step"`
	TimeS           float64  `json:"time_s"`
	TrainLoss       float64  `json:"train_loss"`
	TrainAccuracy   float64  `json:"train_accuracy"`
	TrainPerplexity *float64 `json:"train_perplexity,omitempty"`
	TestLoss        *float64 `json:"test_loss,omitempty"`
	TestAccuracy    *float64 `json:"test_accuracy,omitempty"`
	TestPerplexity  *float64 `json:"test_perplexity,omitempty"`
	Partial         bool     `json:"partial,omitempty"`
}

// EvalRecord is an evaluation of the test split between epochs, at a fixed
// interval of training time.
type EvalRecord struct {
	Kind           string   `json:"kind"` // KindEval
	Step           int      `json:"step"`
	Epoch          int      `json:"epoch"`
	TimeS          float64  `json:"time_s"`
	TestLoss       float64  `json:"test_loss"`
	TestAccuracy   float64  `json:"test_accuracy"`
	TestPerplexity *float64 `json:"test_perplexity,omitempty"`
}

// FinalRecord is the last record of a finished run: the final weights'
// loss and accuracy on the whole training split and, with one, the test
// split.
type FinalRecord struct {
	Kind            string   `json:"kind"` // KindFinal
	Step            int      `json:"step"`
	TimeS           float64  `json:"time_s"`
	TrainLoss       float64  `json:"train_loss"`
	TrainAccuracy   float64  `json:"train_accuracy"`
	TrainPerplexity *float64 `json:"train_perplexity,omitempty"`
	TestLoss        *float64 `json:"test_loss,omitempty"`
	TestAccuracy    *float64 `json:"test_accuracy,omitempty"`
	TestPerplexity  *float64 `json:"test_perplexity,omitempty"`
}

// CurvatureRecord holds the per-layer diagnostics an optimizer logged when
// it refreshed its curvature factors. Which diagnostics there are depends on
// the optimizer, so each layer keeps its numeric fields by name.
type CurvatureRecord struct {
	Kind   string           `json:"kind"` // KindCurvature
	Step   int              `json:"step"`
	Layers []LayerCurvature `json:"layers"`
}

// LayerCurvature is one layer's diagnostics: its name and its numeric
// fields in the order they were written (f_min, f_max, ...).
type LayerCurvature struct {
	Layer  string
	Fields []Field
}

// Field is one named number.
type Field struct {
	Name  string
	Value float64
}

// Get returns the value of the field name.
func (l LayerCurvature) Get(name string) (float64, bool) {
	for _, f := range l.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return 0, false
}

// UnmarshalJSON reads {"layer":"fc1","f_min":...}, keeping the numeric
// fields in order and skipping fields that are not numbers.
func (l *LayerCurvature) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("a layer's diagnostics must be a JSON object")
	}
	*l = LayerCurvature{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key := t.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		switch v := v.(type) {
		case string:
			if key == "layer" {
				l.Layer = v
			}
		case json.Number:
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				return fmt.Errorf("field %q: %w", key, err)
			}
			if key != "step" {
				l.Fields = append(l.Fields, Field{key, f})
			}
		}
	}
	_, err := dec.Token()
	return err
}

// MarshalJSON writes the layer as it was read: "layer" first, then the
// fields in order.
func (l LayerCurvature) MarshalJSON() ([]byte, error) {
	name, err := json.Marshal(l.Layer)
	if err != nil {
		return nil, err
	}
	b := append([]byte(`{"layer":`), name...)
	for _, f := range l.Fields {
		if math.IsNaN(f.Value) || math.IsInf(f.Value, 0) {
			return nil, fmt.Errorf("layer %s: field %q is %v, which JSON cannot hold", l.Layer, f.Name, f.Value)
		}
		k, _ := json.Marshal(f.Name)
		v, _ := json.Marshal(f.Value)
		b = append(append(append(append(b, ','), k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// Record is one line of metrics.jsonl: its kind and, for the kinds this
// package knows, the typed record (exactly one of the pointers is set).
// A record of another kind has only Kind and Line: readers skip it.
type Record struct {
	Kind      string
	Line      int // 1-based line in the file
	Step      *StepRecord
	Epoch     *EpochRecord
	Eval      *EvalRecord
	Final     *FinalRecord
	Curvature *CurvatureRecord
}

// StepNumber returns the step a record was written at (every known kind
// has one), and false for a record of an unknown kind.
func (r Record) StepNumber() (int, bool) {
	switch {
	case r.Step != nil:
		return r.Step.Step, true
	case r.Epoch != nil:
		return r.Epoch.Step, true
	case r.Eval != nil:
		return r.Eval.Step, true
	case r.Final != nil:
		return r.Final.Step, true
	case r.Curvature != nil:
		return r.Curvature.Step, true
	}
	return 0, false
}

// decodeRecord decodes one line. Unknown fields are ignored, so that a
// reader keeps working when the writer adds one.
func decodeRecord(line []byte, lineNo int) (Record, error) {
	if line[0] != '{' {
		return Record{}, fmt.Errorf("not a JSON object")
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return Record{}, err
	}
	r := Record{Kind: head.Kind, Line: lineNo}
	var v any
	switch r.Kind {
	case KindStep:
		r.Step = new(StepRecord)
		v = r.Step
	case KindEpoch:
		r.Epoch = new(EpochRecord)
		v = r.Epoch
	case KindEval:
		r.Eval = new(EvalRecord)
		v = r.Eval
	case KindFinal:
		r.Final = new(FinalRecord)
		v = r.Final
	case KindCurvature:
		r.Curvature = new(CurvatureRecord)
		v = r.Curvature
	default:
		return r, nil
	}
	if err := json.Unmarshal(line, v); err != nil {
		return Record{}, fmt.Errorf("%s record: %w", r.Kind, err)
	}
	return r, nil
}

// ReadRecords reads every record of the metrics file at path, in file
// order, as typed records. Blank lines are skipped. A line that is not a
// JSON object, or whose known fields have the wrong types, is an
// error naming the file and the 1-based line, except for a final line
// without a trailing newline: MetricsWriter always ends a record with one,
// so such a line is a write cut short by a crash and is ignored.
func ReadRecords(path string) ([]Record, error) {
	lines, nums, err := readLines(path)
	if err != nil {
		return nil, err
	}
	recs := make([]Record, 0, len(lines))
	for i, line := range lines {
		r, err := decodeRecord(line, nums[i])
		if err != nil {
			return nil, fmt.Errorf("metrics: read %s: line %d: %v", path, nums[i], err)
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// Metrics is a metrics file read back and sorted by kind, each kind in file
// order.
type Metrics struct {
	Records   []Record // every record, in file order
	Steps     []StepRecord
	Epochs    []EpochRecord
	Evals     []EvalRecord
	Curvature []CurvatureRecord
	// Final is the run's last final record; nil while the run has not
	// finished.
	Final *FinalRecord
}

// ReadMetricsFile reads the metrics file at path into Metrics.
func ReadMetricsFile(path string) (*Metrics, error) {
	recs, err := ReadRecords(path)
	if err != nil {
		return nil, err
	}
	m := &Metrics{Records: recs}
	for _, r := range recs {
		switch {
		case r.Step != nil:
			m.Steps = append(m.Steps, *r.Step)
		case r.Epoch != nil:
			m.Epochs = append(m.Epochs, *r.Epoch)
		case r.Eval != nil:
			m.Evals = append(m.Evals, *r.Eval)
		case r.Curvature != nil:
			m.Curvature = append(m.Curvature, *r.Curvature)
		case r.Final != nil:
			m.Final = r.Final
		}
	}
	return m, nil
}

// Metrics reads the directory's metrics.jsonl.
func (d Dir) Metrics() (*Metrics, error) { return ReadMetricsFile(d.MetricsPath()) }
