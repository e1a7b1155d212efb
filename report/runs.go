package report

import (
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// runData is a run directory read back as plain values: its run.json and
// its metrics as columns (NaN where a record lacks a value).
type runData struct {
	dir    string
	name   string
	info   *train.Info
	config train.Config

	step, loss, lr, time []float64 // one per step record

	epoch, epochStep, epochTime            []float64 // one per epoch record
	trainLoss, trainAcc, testLoss, testAcc []float64
	hasTest                                bool
	final                                  *rundir.FinalRecord
	curvature                              map[string]map[string]*curve // field -> layer -> values
	curvatureFields, curvatureLayers       []string                     // in order of appearance
}

// curve is one per-layer diagnostic over steps.
type curve struct{ step, value []float64 }

// readRun reads a run directory.
func readRun(dir string) (*runData, error) {
	d, err := rundir.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r := &runData{dir: dir, curvature: map[string]map[string]*curve{}}
	if r.info, err = train.ReadInfo(dir); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r.config = r.info.Config
	m, err := d.Metrics()
	if err != nil {
		return nil, fmt.Errorf("report: run %s: %w", dir, err)
	}
	for _, s := range m.Steps {
		r.step = append(r.step, float64(s.Step))
		r.loss = append(r.loss, s.Loss)
		r.lr = append(r.lr, s.LR)
		r.time = append(r.time, s.TimeS)
	}
	for _, e := range m.Epochs {
		r.epoch = append(r.epoch, float64(e.Epoch))
		r.epochStep = append(r.epochStep, float64(e.Step))
		r.epochTime = append(r.epochTime, e.TimeS)
		r.trainLoss = append(r.trainLoss, e.TrainLoss)
		r.trainAcc = append(r.trainAcc, e.TrainAccuracy)
		r.testLoss = append(r.testLoss, orNaN(e.TestLoss))
		r.testAcc = append(r.testAcc, orNaN(e.TestAccuracy))
		r.hasTest = r.hasTest || e.TestLoss != nil
	}
	r.final = m.Final
	for _, c := range m.Curvature {
		r.addCurvature(c)
	}
	return r, nil
}

// orNaN returns *v, NaN for nil.
func orNaN(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

// addCurvature records the per-layer fields of a curvature record, each
// layer's fields in name order.
func (r *runData) addCurvature(rec rundir.CurvatureRecord) {
	step := float64(rec.Step)
	for _, l := range rec.Layers {
		fields := slices.Clone(l.Fields)
		sort.Slice(fields, func(a, b int) bool { return fields[a].Name < fields[b].Name })
		for _, f := range fields {
			byLayer := r.curvature[f.Name]
			if byLayer == nil {
				byLayer = map[string]*curve{}
				r.curvature[f.Name] = byLayer
				r.curvatureFields = append(r.curvatureFields, f.Name)
			}
			c := byLayer[l.Layer]
			if c == nil {
				c = &curve{}
				byLayer[l.Layer] = c
				if !slices.Contains(r.curvatureLayers, l.Layer) {
					r.curvatureLayers = append(r.curvatureLayers, l.Layer)
				}
			}
			c.step, c.value = append(c.step, step), append(c.value, f.Value)
		}
	}
}

// flattenSettings returns the settings of a run as dotted paths of their
// lower-case JSON names ("hyper.lr") and their values as text, leaving out
// what run.json leaves out (empty values of omitempty fields).
func flattenSettings(prefix string, v reflect.Value, out map[string]string) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			out[prefix] = "null"
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		out[prefix] = formatValue(v)
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		if strings.Contains(","+opts+",", ",omitempty,") && fv.IsZero() {
			continue
		}
		p := strings.ToLower(name)
		if prefix != "" {
			p = prefix + "." + p
		}
		flattenSettings(p, fv, out)
	}
}

// formatValue writes a setting as run.json holds it: numbers in the
// shortest form, lists joined by commas.
func formatValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatFloat(float64(v.Int()), 'g', -1, 64)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatFloat(float64(v.Uint()), 'g', -1, 64)
	case reflect.Slice, reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = formatValue(v.Index(i))
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v.Interface())
}

// preferred are the settings that tell runs apart, in the order names list
// them; other differing settings follow alphabetically.
var preferred = []string{
	"hyper.momentum", "hyper.weight_decay", "hyper.weightdecay", "hyper.beta1", "hyper.beta2", "hyper.eps",
	"batch_size", "schedule.kind", "model", "hidden", "activation", "dtype", "seed", "dataset",
}

// ignored settings never name a run: they say where, not what.
var ignored = map[string]bool{"out": true, "init": true}

// nameRuns names each run by its optimizer and learning rate ("adam
// lr=0.01"), adding the settings that differ between runs that would
// otherwise share a name, and the directory as a last resort.
func nameRuns(runs []*runData) {
	flat := make([]map[string]string, len(runs))
	for i, r := range runs {
		r.name = r.config.Optimizer
		if r.name == "" {
			r.name = "run"
		}
		if lr := r.config.Hyper.LR; lr != 0 {
			r.name += " lr=" + strconv.FormatFloat(lr, 'g', -1, 64)
		}
		flat[i] = map[string]string{}
		flattenSettings("", reflect.ValueOf(r.config), flat[i])
	}
	groups := map[string][]int{}
	for i, r := range runs {
		groups[r.name] = append(groups[r.name], i)
	}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		var differ []string
		keys := map[string]bool{}
		for _, i := range g {
			for k := range flat[i] {
				keys[k] = true
			}
		}
		for k := range keys {
			if ignored[k] || k == "optimizer" || k == "hyper.lr" || k == "schedule.base_lr" {
				continue
			}
			for _, i := range g[1:] {
				if flat[i][k] != flat[g[0]][k] {
					differ = append(differ, k)
					break
				}
			}
		}
		slices.SortFunc(differ, func(a, b string) int {
			ia, ib := slices.Index(preferred, a), slices.Index(preferred, b)
			switch {
			case ia >= 0 && ib >= 0:
				return ia - ib
			case ia >= 0:
				return -1
			case ib >= 0:
				return 1
			}
			return strings.Compare(a, b)
		})
		if len(differ) > 3 {
			differ = differ[:3]
		}
		for _, i := range g {
			for _, k := range differ {
				v, ok := flat[i][k]
				if !ok {
					v = "-"
				}
				runs[i].name += " " + strings.TrimPrefix(k, "hyper.") + "=" + v
			}
		}
	}
	// Still the same name: tell them apart by directory.
	seen := map[string]int{}
	for _, r := range runs {
		seen[r.name]++
	}
	for _, r := range runs {
		if seen[r.name] > 1 {
			r.name += " (" + filepath.Base(filepath.Clean(r.dir)) + ")"
		}
	}
}
