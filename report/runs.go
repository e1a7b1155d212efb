package report

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/adafisher-go/landscape/rundir"
)

// runData is a run directory read back as plain values: its run.json and
// its metrics as columns (NaN where a record lacks a value).
type runData struct {
	dir    string
	name   string
	info   map[string]any // run.json
	config map[string]any // its "config"

	step, loss, lr, time []float64 // one per "step" record

	epoch, epochStep, epochTime            []float64 // one per "epoch" record
	trainLoss, trainAcc, testLoss, testAcc []float64
	hasTest                                bool
	final                                  map[string]any
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
	if err := d.ReadJSON(rundir.ConfigFile, &r.info); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r.config, _ = r.info["config"].(map[string]any)
	if r.config == nil {
		r.config = map[string]any{}
	}
	recs, err := rundir.ReadMetrics(d.MetricsPath())
	if err != nil {
		return nil, fmt.Errorf("report: run %s: %w", dir, err)
	}
	for _, rec := range recs {
		switch rec["kind"] {
		case "step":
			r.step = append(r.step, num(rec, "step"))
			r.loss = append(r.loss, num(rec, "loss"))
			r.lr = append(r.lr, num(rec, "lr"))
			r.time = append(r.time, num(rec, "time_s"))
		case "epoch":
			r.epoch = append(r.epoch, num(rec, "epoch"))
			r.epochStep = append(r.epochStep, num(rec, "step"))
			r.epochTime = append(r.epochTime, num(rec, "time_s"))
			r.trainLoss = append(r.trainLoss, num(rec, "train_loss"))
			r.trainAcc = append(r.trainAcc, num(rec, "train_accuracy"))
			r.testLoss = append(r.testLoss, num(rec, "test_loss"))
			r.testAcc = append(r.testAcc, num(rec, "test_accuracy"))
			_, ok := rec["test_loss"]
			r.hasTest = r.hasTest || ok
		case "final":
			r.final = rec
		case "curvature":
			r.addCurvature(rec)
		}
	}
	return r, nil
}

// addCurvature records the numeric per-layer fields of a curvature record:
// {"kind":"curvature","step":N,"layers":[{"layer":"fc1","f_min":...}, ...]}.
func (r *runData) addCurvature(rec map[string]any) {
	step := num(rec, "step")
	layers, _ := rec["layers"].([]any)
	for _, l := range layers {
		l, ok := l.(map[string]any)
		if !ok {
			continue
		}
		name := fmt.Sprint(l["layer"])
		keys := make([]string, 0, len(l))
		for k := range l {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, ok := l[k].(float64)
			if !ok || k == "layer" || k == "step" {
				continue
			}
			byLayer := r.curvature[k]
			if byLayer == nil {
				byLayer = map[string]*curve{}
				r.curvature[k] = byLayer
				r.curvatureFields = append(r.curvatureFields, k)
			}
			c := byLayer[name]
			if c == nil {
				c = &curve{}
				byLayer[name] = c
				if !slices.Contains(r.curvatureLayers, name) {
					r.curvatureLayers = append(r.curvatureLayers, name)
				}
			}
			c.step, c.value = append(c.step, step), append(c.value, v)
		}
	}
}

// num returns the number under key, NaN when there is none.
func num(rec map[string]any, key string) float64 {
	if v, ok := rec[key].(float64); ok {
		return v
	}
	return math.NaN()
}

// lookup returns the value at a dotted path in a JSON object, matching keys
// without regard to case ("hyper.lr" finds "Hyper": {"LR": ...}).
func lookup(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		found := false
		for k, v := range obj {
			if strings.EqualFold(k, part) {
				cur, found = v, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return cur, true
}

// flatten returns the leaves of a JSON object as dotted paths and their
// values as text.
func flattenJSON(prefix string, v any, out map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flattenJSON(p, x, out)
		}
	default:
		out[strings.ToLower(prefix)] = formatValue(v)
	}
}

// formatValue writes a JSON value as a setting: numbers in the shortest form.
func formatValue(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = formatValue(x)
		}
		return strings.Join(parts, ",")
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
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
		opt := "run"
		if v, ok := lookup(r.config, "optimizer"); ok {
			opt = formatValue(v)
		}
		r.name = opt
		if v, ok := lookup(r.config, "hyper.lr"); ok {
			r.name += " lr=" + formatValue(v)
		} else if v, ok := lookup(r.config, "lr"); ok {
			r.name += " lr=" + formatValue(v)
		}
		flat[i] = map[string]string{}
		flattenJSON("", r.config, flat[i])
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
