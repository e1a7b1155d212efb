package train

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// A checkpoint holds the model's state under "model/", the optimizer's under
// "optim/", and in its metadata the step count, the training time so far, the
// running sums of the current epoch and the optimizer's scalars: everything a
// resumed run needs to continue bit for bit.
const (
	modelPrefix = "model/"
	optimPrefix = "optim/"
)

func (s *session[T]) checkpoint(elapsed time.Duration) error {
	if err := s.toHost(); err != nil {
		return err
	}
	tensors := ModelTensors(s.model, modelPrefix)
	st := s.opt.State()
	if !s.stepper.KeepNonFinite {
		if name := firstNonFinite(s.model.Params(), false); name != "" {
			return fmt.Errorf("step %d: %w: the weights of %s; %s keeps the checkpoint of step %d", s.step, ErrNonFinite, name, s.dir.Path, s.ckptStep)
		}
		if name := checkFinite(sortedKeys(st.Tensors), st.Tensors); name != "" {
			return fmt.Errorf("step %d: %w: the optimizer's state %s; %s keeps the checkpoint of step %d", s.step, ErrNonFinite, name, s.dir.Path, s.ckptStep)
		}
	}
	for _, name := range sortedKeys(st.Tensors) {
		tensors = append(tensors, toFile(optimPrefix+name, st.Tensors[name]))
	}
	scalars, err := json.Marshal(st.Scalars)
	if err != nil {
		return err
	}
	meta := s.meta()
	meta["elapsed_ns"] = strconv.FormatInt(int64(elapsed), 10)
	meta["epoch_loss_sum"] = strconv.FormatFloat(s.epochLoss, 'g', -1, 64)
	meta["epoch_steps"] = strconv.Itoa(s.epochN)
	meta["epoch_correct"] = strconv.Itoa(s.epochOK)
	meta["epoch_rows"] = strconv.Itoa(s.epochRows)
	meta["optimizer_scalars"] = string(scalars)
	rundir.SortForAlignment(tensors)
	if err := rundir.Write(s.dir.CheckpointPath(), tensors, meta); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	s.lastCkpt = time.Now()
	s.ckptStep = s.step
	return nil
}

func (s *session[T]) loadCheckpoint() error {
	path := s.dir.CheckpointPath()
	f, err := rundir.Read(path)
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	if dt := f.Metadata["dtype"]; dt != s.cfg.DType {
		return fmt.Errorf("resume: %w", settingErrorf("%s was written with {dtype} %s, this run uses %s", path, dt, s.cfg.DType))
	}
	if err := LoadModel(f, s.model, modelPrefix, true); err != nil {
		return fmt.Errorf("resume: %s: %w", path, err)
	}
	st := optim.State[T]{Tensors: map[string]*nn.Tensor[T]{}, Scalars: map[string]float64{}}
	for _, t := range f.Tensors {
		name, ok := strings.CutPrefix(t.Name, optimPrefix)
		if !ok {
			continue
		}
		dst := nn.NewTensor[T](t.Shape...)
		if err := fromFile(t, dst); err != nil {
			return fmt.Errorf("resume: %s: %w", path, err)
		}
		st.Tensors[name] = dst
	}
	if err := json.Unmarshal([]byte(f.Metadata["optimizer_scalars"]), &st.Scalars); err != nil {
		return fmt.Errorf("resume: %s: optimizer_scalars: %w", path, err)
	}
	if err := s.opt.LoadState(st); err != nil {
		return fmt.Errorf("resume: %s: %w", path, err)
	}
	ints := map[string]*int{"step": &s.step, "epoch_steps": &s.epochN, "epoch_correct": &s.epochOK, "epoch_rows": &s.epochRows}
	for k, p := range ints {
		v, err := strconv.Atoi(f.Metadata[k])
		if err != nil {
			return fmt.Errorf("resume: %s: metadata %q: %w", path, k, err)
		}
		*p = v
	}
	ns, err := strconv.ParseInt(f.Metadata["elapsed_ns"], 10, 64)
	if err != nil {
		return fmt.Errorf("resume: %s: metadata elapsed_ns: %w", path, err)
	}
	s.elapsed = time.Duration(ns)
	s.ckptStep = s.step
	if s.epochLoss, err = strconv.ParseFloat(f.Metadata["epoch_loss_sum"], 64); err != nil {
		return fmt.Errorf("resume: %s: metadata epoch_loss_sum: %w", path, err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SavedDType reads the element type that the run in path was trained with.
func SavedDType(path string) (string, error) {
	dir, err := rundir.Open(path)
	if err != nil {
		return "", err
	}
	var info Info
	if err := dir.ReadJSON("run.json", &info); err != nil {
		return "", err
	}
	return info.Config.DType, nil
}
