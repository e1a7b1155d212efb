package train

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/engine"
	"github.com/adafisher-go/landscape/device/opencl"
	"github.com/adafisher-go/landscape/nn"
)

// openDevice builds the device engine when Config.Device names an
// accelerator: the weights, buffers and optimizer state move to the device
// (from wherever setup or a checkpoint left them) and stay there; toHost
// brings them back before anything on the host reads them.
func (s *session[T]) openDevice() error {
	if s.cfg.Device == "" || s.cfg.Device == "cpu" {
		return nil
	}
	spec, err := device.ParseSpec(s.cfg.Device)
	if err != nil {
		return settingErrorf("{device} %w", err)
	}
	if spec.Kind != "opencl" {
		return settingErrorf("{device} %q: want cpu, opencl or opencl:N", s.cfg.Device)
	}
	d, err := opencl.Open(spec.Index)
	if err != nil {
		return fmt.Errorf("device %s: %w", s.cfg.Device, err)
	}
	e, err := engine.New[T](d, s.model, s.opt, s.cfg.Hyper)
	if err != nil {
		d.Close()
		return fmt.Errorf("device %s: %w", s.cfg.Device, err)
	}
	s.dev, s.devClose = e, func() { e.Close(); d.Close() }
	return nil
}

// closeDevice frees the device, after the state was brought back.
func (s *session[T]) closeDevice() {
	if s.devClose != nil {
		s.devClose()
		s.dev, s.devClose = nil, nil
	}
}

// toHost brings the device's weights, buffers and optimizer state into the
// host model and optimizer, so that snapshots, checkpoints and evaluation
// read the current state. It does nothing on the CPU.
func (s *session[T]) toHost() error {
	if s.dev == nil {
		return nil
	}
	if err := s.dev.ToHost(); err != nil {
		return fmt.Errorf("device %s: %w", s.cfg.Device, err)
	}
	return nil
}

// deviceStep runs one step on the device. The loss and the hits come back;
// a non-finite loss leaves the weights as they were, as on the CPU.
func (s *session[T]) deviceStep(in *nn.Tensor[T], labels []int) (StepResult[T], error) {
	r, err := s.dev.Step(in, labels)
	if err != nil {
		return StepResult[T]{}, err
	}
	s.devDiag = r.Diagnostics
	return StepResult[T]{Loss: r.Loss, Correct: r.Correct}, nil
}
