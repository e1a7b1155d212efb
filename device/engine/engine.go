package engine

import (
	"errors"
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// Engine runs the training steps of one model and one optimizer on a device.
// It is used from one goroutine.
type Engine[T nn.Float] struct {
	dev   device.Device
	model *nn.Model[T]
	opt   optim.Optimizer[T]
	a     *alloc
	ops   []op
	upd   updater[T]

	params []*param // in model.Params order
	host   []*nn.Param[T]
	// state lists the optimizer's tensors kept on the device under their
	// State names; counts its whole-number scalars.
	state   []stateBuf
	counts  map[string]*int64
	scratch []device.Buffer
	// The model's buffers: BatchNorm running statistics and counts.
	modelBufs []modelBuf[T]
	bnCounts  []bnCount

	// batchIn and batchLabels are the batch of the step in progress, for
	// an update that needs it on the host (AdaHessian's Hessian-vector
	// products).
	batchIn     *nn.Tensor[T]
	batchLabels []int

	x, labels, loss, correct, dlogits device.Buffer
	hostLoss                          []T
	hostHit, hostLab                  []int32
}

// param is one parameter's value and gradient on the device.
type param struct {
	name      string
	n         int
	val, grad device.Buffer
}

// modelBuf is one of the model's buffers on the device.
type modelBuf[T nn.Float] struct {
	host *nn.Tensor[T]
	buf  device.Buffer
}

// bnCount is a BatchNorm2d layer's num_batches_tracked.
type bnCount struct{ host, dev *int64 }

// stateBuf is one optimizer state tensor on the device.
type stateBuf struct {
	key string
	buf device.Buffer
}

// Result is what one step reports, as train.StepResult: the batch's mean
// loss before the update and its number of correct predictions.
type Result struct {
	Loss    float64
	Correct int
	// Diagnostics is what the host optimizer's Report().Diagnostics would
	// hold after this step (AdaFisher's preconditioner range after a
	// factor refresh), nil otherwise; the host optimizer's own Report does
	// not see device steps.
	Diagnostics *optim.Diagnostics
}

// New compiles the model for the device and uploads its parameters and the
// optimizer's state (as opt.State holds it: a fresh optimizer or one
// restored from a checkpoint). The optimizer's hyperparameters are h, as
// given to optim.New; the learning rate is read from opt.LR() at every step,
// so schedules keep calling opt.SetLR. It returns an error naming the first
// layer or optimizer setting the device cannot run.
func New[T nn.Float](dev device.Device, model *nn.Model[T], opt optim.Optimizer[T], h optim.Hyper) (*Engine[T], error) {
	if dev == nil || model == nil || opt == nil {
		return nil, errors.New("engine: nil device, model or optimizer")
	}
	dt := device.DTypeOf[T]()
	if dt == device.F64 && !dev.Float64() {
		return nil, fmt.Errorf("engine: %s has no float64", dev.Name())
	}
	e := &Engine[T]{dev: dev, model: model, opt: opt, a: &alloc{dev: dev, dt: dt}, counts: map[string]*int64{}}
	pb := map[*nn.Param[T]]*param{}
	for _, p := range model.Params() {
		q := &param{name: p.Name, n: len(p.Value.Data)}
		var err error
		if q.val, err = dev.Alloc(dt, q.n); err != nil {
			e.Close()
			return nil, err
		}
		e.params = append(e.params, q)
		if q.grad, err = dev.Alloc(dt, q.n); err != nil {
			e.Close()
			return nil, err
		}
		e.host = append(e.host, p)
		pb[p] = q
	}
	var err error
	if e.ops, err = e.compile(model.Net.Layers, pb); err != nil {
		e.Close()
		return nil, err
	}
	if len(e.ops) == 0 {
		e.Close()
		return nil, errors.New("engine: the model has no layers")
	}
	if e.upd, err = newUpdater(e, h); err != nil {
		e.Close()
		return nil, err
	}
	if err := e.FromHost(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Device returns the engine's device.
func (e *Engine[T]) Device() device.Device { return e.dev }

// newState allocates an optimizer state tensor of n elements kept under key.
func (e *Engine[T]) newState(key string, n int) (device.Buffer, error) {
	b, err := e.dev.Alloc(e.a.dt, n)
	if err != nil {
		return nil, err
	}
	e.state = append(e.state, stateBuf{key: key, buf: b})
	return b, nil
}

// newModelBuf allocates the device copy of a model buffer.
func (e *Engine[T]) newModelBuf(t *nn.Tensor[T]) (device.Buffer, error) {
	b, err := e.dev.Alloc(e.a.dt, max(len(t.Data), 1))
	if err != nil {
		return nil, err
	}
	e.modelBufs = append(e.modelBufs, modelBuf[T]{host: t, buf: b})
	return b, nil
}

// newScratch allocates a device buffer of n elements that Close frees.
func (e *Engine[T]) newScratch(n int) (device.Buffer, error) {
	b, err := e.dev.Alloc(e.a.dt, n)
	if err != nil {
		return nil, err
	}
	e.scratch = append(e.scratch, b)
	return b, nil
}

// Step runs one training step on a batch: forward, softmax cross-entropy
// with mean reduction, backward, optimizer update, all on the device. As
// train.Stepper, a non-finite loss returns before the backward pass and the
// update. labels has one entry per row of the logits (B, or B*T for a GPT).
func (e *Engine[T]) Step(in *nn.Tensor[T], labels []int) (Result, error) {
	res, logits, err := e.pass(in, labels, true)
	if err != nil || math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0) {
		return res, err
	}
	a := e.a
	for _, p := range e.params {
		e.dev.Fill(p.grad, 0, p.n, 0)
	}
	dy := act{buf: e.dlogits, shape: logits.shape}
	for i := len(e.ops) - 1; i >= 0; i-- {
		dy = e.ops[i].backward(a, dy, i > 0)
	}
	if a.err != nil {
		return res, a.err
	}
	e.batchIn, e.batchLabels = in, labels
	err = e.upd.step()
	e.batchIn, e.batchLabels = nil, nil
	if err != nil {
		return res, err
	}
	if res.Diagnostics, err = e.upd.diagnostics(); err != nil {
		return res, err
	}
	return res, e.dev.Err()
}

// Evaluate returns the mean loss and the hits of a batch in evaluation mode
// (BatchNorm with its running statistics, no Dropout), as train's
// evaluation computes them with nn.Model.Forward(x, nn.Mode{}) and
// nn.CrossEntropy; it changes nothing.
func (e *Engine[T]) Evaluate(in *nn.Tensor[T], labels []int) (Result, error) {
	res, _, err := e.pass(in, labels, false)
	if err != nil {
		return res, err
	}
	return res, e.dev.Err()
}

// pass runs the forward pass and the loss (with its gradient in training)
// and reads back the loss.
func (e *Engine[T]) pass(in *nn.Tensor[T], labels []int, train bool) (Result, act, error) {
	if in == nil || len(in.Shape) == 0 || len(in.Data) != numel(in.Shape) {
		return Result{}, act{}, errors.New("engine: input tensor has no shape or its data does not match it")
	}
	if want := e.model.InputShape; want != nil && !nn.SameShape(in.Shape[1:], want) {
		return Result{}, act{}, fmt.Errorf("engine: input %v, want batch x %v", in.Shape, want)
	}
	e.hostLab = growInts(e.hostLab, len(labels))
	for i, y := range labels {
		if y < 0 || y >= e.model.Classes {
			return Result{}, act{}, fmt.Errorf("engine: label %d of the batch is %d, want [0, %d)", i, y, e.model.Classes)
		}
		e.hostLab[i] = int32(y)
	}
	a := e.a
	a.train = train
	var x device.Buffer
	if emb, ok := e.ops[0].(*embedOp); ok {
		if err := setIDs(emb, a, in.Shape, in.Data); err != nil {
			return Result{}, act{}, err
		}
	} else {
		if x = a.grow(&e.x, a.dt, len(in.Data)); x == nil {
			return Result{}, act{}, a.err
		}
		if err := device.Write(e.dev, x, 0, in.Data); err != nil {
			return Result{}, act{}, err
		}
	}
	cur := act{buf: x, shape: in.Shape}
	var err error
	for _, o := range e.ops {
		if cur, err = o.forward(a, cur); err != nil {
			return Result{}, act{}, err
		}
	}
	rows, cols := cur.rows()
	if rows != len(labels) || cols != e.model.Classes {
		return Result{}, act{}, fmt.Errorf("engine: %d labels for logits %v (%d classes)", len(labels), cur.shape, e.model.Classes)
	}
	lab := a.grow(&e.labels, device.I32, rows)
	loss := a.grow(&e.loss, a.dt, rows)
	hit := a.grow(&e.correct, device.I32, rows)
	var dl device.Buffer
	if train {
		dl = a.grow(&e.dlogits, a.dt, rows*cols)
	}
	if a.err != nil {
		return Result{}, act{}, a.err
	}
	if err := device.Write(e.dev, lab, 0, e.hostLab); err != nil {
		return Result{}, act{}, err
	}
	e.dev.SoftmaxCrossEntropy(rows, cols, cur.buf, lab, dl, loss, hit)
	res, err := e.readLoss(rows)
	return res, cur, err
}

// readLoss downloads the per-row losses and hits and sums them on the host
// in float64, in row order, as nn.CrossEntropy does.
func (e *Engine[T]) readLoss(rows int) (Result, error) {
	if cap(e.hostLoss) < rows {
		e.hostLoss = make([]T, rows)
	}
	e.hostLoss = e.hostLoss[:rows]
	e.hostHit = growInts(e.hostHit, rows)
	if err := device.Read(e.dev, e.hostLoss, e.loss, 0); err != nil {
		return Result{}, err
	}
	if err := device.Read(e.dev, e.hostHit, e.correct, 0); err != nil {
		return Result{}, err
	}
	if err := e.dev.Sync(); err != nil {
		return Result{}, err
	}
	var r Result
	for i, v := range e.hostLoss {
		r.Loss += float64(v)
		r.Correct += int(e.hostHit[i])
	}
	r.Loss *= 1 / float64(rows)
	return r, nil
}

func growInts(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// ToHost downloads the parameters, their gradients and the optimizer's state
// into the host model and optimizer (opt.LoadState with the names of
// opt.State). Call it before a snapshot, a checkpoint, an evaluation on the
// host, and at the end of training.
func (e *Engine[T]) ToHost() error {
	for i, p := range e.params {
		h := e.host[i]
		if err := device.Read(e.dev, h.Value.Data, p.val, 0); err != nil {
			return err
		}
		if err := device.Read(e.dev, h.Grad.Data, p.grad, 0); err != nil {
			return err
		}
	}
	for _, b := range e.modelBufs {
		if err := device.Read(e.dev, b.host.Data, b.buf, 0); err != nil {
			return err
		}
	}
	for _, c := range e.bnCounts {
		*c.host = *c.dev
	}
	st := e.opt.State()
	for _, s := range e.state {
		t, ok := st.Tensors[s.key]
		if !ok || t == nil || len(t.Data) != s.buf.Len() {
			return fmt.Errorf("engine: %s state has no tensor %q of %d elements", e.opt.Name(), s.key, s.buf.Len())
		}
		if err := device.Read(e.dev, t.Data, s.buf, 0); err != nil {
			return err
		}
	}
	for k, c := range e.counts {
		st.Scalars[k] = float64(*c)
	}
	if err := e.dev.Sync(); err != nil {
		return err
	}
	return e.opt.LoadState(st)
}

// FromHost uploads the host model's parameters and the host optimizer's
// state, after a checkpoint was loaded into them.
func (e *Engine[T]) FromHost() error {
	for i, p := range e.params {
		h := e.host[i]
		if len(h.Value.Data) != p.n || len(h.Grad.Data) != p.n {
			return fmt.Errorf("engine: parameter %q has %d values, want %d", p.name, len(h.Value.Data), p.n)
		}
		if err := device.Write(e.dev, p.val, 0, h.Value.Data); err != nil {
			return err
		}
		if err := device.Write(e.dev, p.grad, 0, h.Grad.Data); err != nil {
			return err
		}
	}
	for _, b := range e.modelBufs {
		if len(b.host.Data) != b.buf.Len() {
			return fmt.Errorf("engine: a model buffer has %d values, want %d", len(b.host.Data), b.buf.Len())
		}
		if err := device.Write(e.dev, b.buf, 0, b.host.Data); err != nil {
			return err
		}
	}
	for _, c := range e.bnCounts {
		*c.dev = *c.host
	}
	st := e.opt.State()
	for _, s := range e.state {
		t, ok := st.Tensors[s.key]
		if !ok || t == nil || len(t.Data) != s.buf.Len() {
			return fmt.Errorf("engine: %s state has no tensor %q of %d elements", e.opt.Name(), s.key, s.buf.Len())
		}
		if err := device.Write(e.dev, s.buf, 0, t.Data); err != nil {
			return err
		}
	}
	for k, c := range e.counts {
		v, ok := st.Scalars[k]
		if !ok || v < 0 || v != math.Trunc(v) {
			return fmt.Errorf("engine: %s state scalar %q is %v (present %v), want a whole number", e.opt.Name(), k, v, ok)
		}
		*c = int64(v)
	}
	if err := e.upd.fromHost(); err != nil {
		return err
	}
	return e.dev.Sync()
}

// Close frees the engine's device buffers (not the device).
func (e *Engine[T]) Close() {
	free := func(b device.Buffer) {
		if b != nil {
			e.dev.Free(b)
		}
	}
	for _, p := range e.params {
		free(p.val)
		free(p.grad)
	}
	for _, s := range e.state {
		free(s.buf)
	}
	for _, b := range e.scratch {
		free(b)
	}
	for _, b := range e.modelBufs {
		free(b.buf)
	}
	for _, b := range e.a.bufs {
		free(*b)
	}
	e.params, e.state, e.scratch, e.a.bufs, e.modelBufs = nil, nil, nil, nil, nil
}
