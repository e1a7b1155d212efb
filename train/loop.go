package train

import (
	"context"
	"fmt"
	"time"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// Event reports progress to the caller (the command prints it).
type Event struct {
	Step, TotalSteps int // steps done; TotalSteps is 0 when only a time budget bounds the run
	Epoch            int // 1-based epoch of the last step
	Loss, LR         float64
	Elapsed          time.Duration
	Budget           time.Duration
	// Stats is set on the last step of an epoch.
	Stats *EpochStats
}

// EpochStats summarises one epoch.
type EpochStats struct {
	Epoch         int
	TrainLoss     float64
	TrainAccuracy float64
	HasTest       bool
	TestLoss      float64
	TestAccuracy  float64
	Partial       bool
	// Perplexity is set for a language model: exp of the mean token loss.
	TrainPerplexity, TestPerplexity float64
}

// loop trains until a limit stops the run or ctx is cancelled.
func (s *session[T]) loop(ctx context.Context) (*Result, error) {
	if err := s.openDevice(); err != nil {
		return nil, err
	}
	defer s.closeDevice()
	s.start = time.Now()
	s.lastCkpt = s.start
	if iv := s.cfg.EvalInterval; iv > 0 {
		s.nextEval = (s.elapsed/iv + 1) * iv
	}
	for {
		if stopped := s.stopReason(); stopped != "" {
			return s.finish(stopped)
		}
		if ctx.Err() != nil {
			if err := s.checkpoint(s.trainingTime()); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w at step %d; the checkpoint in %s continues it", ErrInterrupted, s.step, s.dir.Path)
		}
		if err := s.trainStep(); err != nil {
			return nil, err
		}
	}
}

// trainingTime is the training time so far: earlier processes' and this
// one's, without evaluations.
func (s *session[T]) trainingTime() time.Duration {
	return s.elapsed + time.Since(s.start) - s.paused
}

// stopReason says which limit ends the run before the next step, "" for
// none.
func (s *session[T]) stopReason() string {
	switch {
	case s.total > 0 && s.step >= s.total && s.cfg.Epochs > 0:
		return "epochs"
	case s.total > 0 && s.step >= s.total:
		return "steps"
	case s.cfg.TimeBudget > 0 && s.trainingTime() >= s.cfg.TimeBudget:
		return "time budget"
	}
	return ""
}

// trainStep runs one step and what follows it.
func (s *session[T]) trainStep() error {
	epoch, i := s.step/s.spe, s.step%s.spe
	lr := s.cfg.Schedule.At(s.step, s.spe)
	s.opt.SetLR(lr)
	in, labels := s.batchAt(epoch, i)
	s.model.SetStep(int64(s.step))
	factorsDue := s.factors && s.cfg.SnapshotFactorsEvery > 0 && s.step%s.cfg.SnapshotFactorsEvery == 0
	var r StepResult[T]
	var err error
	if s.dev != nil {
		r, err = s.deviceStep(in, labels)
	} else {
		r, err = s.stepper.Step(in, labels, factorsDue && s.cfg.Hyper.FullFactors)
	}
	if err != nil {
		return fmt.Errorf("step %d: %w", s.step+1, err)
	}
	if !s.stepper.KeepNonFinite && !r.Finite() {
		return s.nonFinite(epoch, &r)
	}
	if err := s.report(factorsDue, r.Captures); err != nil {
		return err
	}
	s.step++
	s.last = r.Loss
	s.epochLoss += r.Loss
	s.epochN++
	s.epochOK += r.Correct
	s.epochRows += len(labels)
	return s.afterStep(epoch, i == s.spe-1, lr, r.Loss)
}

// afterStep writes the step's record, the snapshot and evaluation when they
// are due, the epoch's record after its last step, reports progress and
// writes a checkpoint when one is due.
func (s *session[T]) afterStep(epoch int, epochEnds bool, lr, loss float64) error {
	t := s.trainingTime()
	if err := s.metrics.Write(stepRecord{Kind: "step", Step: s.step, Epoch: epoch + 1, Loss: metricFloat(loss), NonFinite: nonFiniteText(loss), LR: lr, TimeS: t.Seconds()}); err != nil {
		return err
	}
	if s.cfg.SnapshotEvery > 0 && s.step%s.cfg.SnapshotEvery == 0 {
		if err := s.snapshot(); err != nil {
			return err
		}
	}
	if err := s.periodicEval(epoch, t); err != nil {
		return err
	}
	ev := Event{Step: s.step, TotalSteps: s.total, Epoch: epoch + 1, Loss: loss, LR: lr, Elapsed: t, Budget: s.cfg.TimeBudget}
	if epochEnds {
		st, err := s.endEpoch(epoch+1, false, t)
		if err != nil {
			return err
		}
		ev.Stats = &st
	}
	if s.progress != nil {
		s.progress(ev)
	}
	if (s.cfg.CheckpointEvery > 0 && s.step%s.cfg.CheckpointEvery == 0) || time.Since(s.lastCkpt) > 30*time.Second {
		return s.checkpoint(s.trainingTime())
	}
	return nil
}

// report writes what the optimizer reports after a step: the factor
// snapshot when one is due, and its diagnostics after a refresh.
func (s *session[T]) report(factorsDue bool, caps []*nn.Capture[T]) error {
	if factorsDue {
		if err := s.toHost(); err != nil {
			return err
		}
	}
	rep := s.opt.Report()
	if s.dev != nil {
		rep.Diagnostics = s.devDiag
	}
	if factorsDue {
		if err := s.snapshotFactors(s.step, factorList[T](rep.Factors), caps); err != nil {
			return err
		}
	}
	if rep.Diagnostics != nil {
		err := s.metrics.Write(curvatureRecord{Kind: "curvature", Step: s.step + 1, Layers: rep.Diagnostics.Layers})
		if err != nil && s.stepper.KeepNonFinite {
			// Diagnostics of factors gone NaN cannot be written as JSON:
			// say so instead of ending a run that was told to go on.
			err = s.metrics.Write(curvatureRecord{Kind: "curvature", Step: s.step + 1, NonFinite: true})
		}
		return err
	}
	return nil
}

// factorList is a list of factor layers as an optim.FactorSource.
type factorList[T nn.Float] []optim.FactorLayer[T]

func (f factorList[T]) FactorLayers() []optim.FactorLayer[T] { return f }

// finish ends a run that a limit stopped: the partial epoch's record, the
// final evaluation, the final weights and a checkpoint.
func (s *session[T]) finish(stopped string) (*Result, error) {
	if err := s.toHost(); err != nil {
		return nil, err
	}
	t := s.trainingTime()
	if s.epochN > 0 {
		if _, err := s.endEpoch(s.step/s.spe+1, true, t); err != nil {
			return nil, err
		}
	}
	res := &Result{Dir: s.dir.Path, Steps: s.step, Epochs: (s.step + s.spe - 1) / s.spe, LastLoss: s.last, Elapsed: t, Stopped: stopped}
	res.FinalTrain = evaluate(s.model, s.train, s.xs, s.cfg.BatchSize)
	rec := finalRecord{Kind: "final", Step: s.step, TimeS: t.Seconds(), TrainLoss: metricFloat(res.FinalTrain.Loss), TrainAccuracy: res.FinalTrain.Accuracy,
		TrainPerplexity: perplexityOf(res.FinalTrain)}
	if s.test != nil {
		e := s.evalTest()
		res.FinalTest = &e
		rec.TestLoss, rec.TestAccuracy, rec.TestPerplexity = (*metricFloat)(&e.Loss), &e.Accuracy, perplexityOf(e)
	}
	// The final weights and the last checkpoint before the final record: a
	// reader that sees the record (a sweep deciding a cell is done) finds
	// the weights too, and a run killed before the record resumes from its
	// last step and only writes them again; one killed after it keeps a
	// checkpoint of its last step, from which a longer run continues.
	if err := SaveModel(s.dir.FinalPath(), s.model, s.meta()); err != nil {
		return nil, err
	}
	if err := s.checkpoint(t); err != nil {
		return nil, err
	}
	if err := s.metrics.Write(rec); err != nil {
		return nil, err
	}
	return res, nil
}
