package nn

// The bodies of the parallel loops (parallelFor): each layer keeps the tasks
// it runs, so that a loop allocates nothing.

// elementOp names an element-wise kernel of elementTask.
type elementOp int

const (
	opReLU         elementOp = iota // z = max(x, 0)
	opReLUBackward                  // z = the ReLU's input gradient, x its output, y its output gradient
	opAdd                           // z = x + y
	opAddReLU                       // z = max(x + y, 0)
)

// elementTask is an element-wise kernel over slices of the same length.
type elementTask[T Float] struct {
	op      elementOp
	z, x, y []T
}

func (t *elementTask[T]) run(lo, hi int) {
	z := t.z[lo:hi]
	switch t.op {
	case opReLU:
		relu(z, t.x[lo:hi])
	case opReLUBackward:
		reluBackward(t.x[lo:hi], t.y[lo:hi], z)
	case opAdd:
		add(z, t.x[lo:hi], t.y[lo:hi])
	case opAddReLU:
		addReLU1(z, t.x[lo:hi], t.y[lo:hi])
	}
}

// apply runs the kernel over z, on the cores for large tensors.
func (t *elementTask[T]) apply(op elementOp, z, x, y []T) {
	t.op, t.z, t.x, t.y = op, z, x, y
	if worthParallel(len(z), 1) {
		parallelFor(len(z), t)
	} else {
		t.run(0, len(z))
	}
	t.z, t.x, t.y = nil, nil, nil
}

// geluTask is GELU's forward pass, or with back its backward pass from dy
// into dx.
type geluTask[T Float] struct {
	a      *Activation[T]
	back   bool
	dy, dx []T
}

func (t *geluTask[T]) run(lo, hi int) {
	if t.back {
		t.a.geluBackward(t.dy, t.dx, lo, hi)
	} else {
		t.a.geluForward(lo, hi)
	}
}

// batchNormTask is BatchNorm2d's forward pass over channels, or with back
// its backward pass.
type batchNormTask[T Float] struct {
	l      *BatchNorm2d[T]
	back   bool
	dy, dx *Tensor[T]
}

func (t *batchNormTask[T]) run(c0, c1 int) {
	if t.back {
		t.l.backwardChannels(t.dy, t.dx, c0, c1)
	} else {
		t.l.forwardChannels(c0, c1)
	}
}

// convOp names a pass of convTask.
type convOp int

const (
	convIm2col convOp = iota
	convCol2im
	convForward
	convBackward
)

// convTask is one of Conv2d's parallel passes: im2col and col2im over
// samples, the engine's passes over cores.
type convTask[T Float] struct {
	c            *Conv2d[T]
	op           convOp
	a, b, dy, dx []T // im2col x, cols; col2im dcols, dx; forward y; backward dy, dx
	count, cores int // the engine's groups and cores
}

func (t *convTask[T]) run(lo, hi int) {
	c := t.c
	switch t.op {
	case convIm2col:
		c.im2colSamples(t.a, t.b, lo, hi)
	case convCol2im:
		c.col2imSamples(t.a, t.b, lo, hi)
	case convForward:
		for w := lo; w < hi; w++ {
			c.forwardRange(c.work[w], w*t.count/t.cores, (w+1)*t.count/t.cores, t.a)
		}
	case convBackward:
		for w := lo; w < hi; w++ {
			c.backwardRange(w, c.work[w], w*t.count/t.cores, (w+1)*t.count/t.cores, t.dy, t.dx)
		}
	}
}

// parallel runs a pass of the layer over [0, n) on the cores with the task
// the layer keeps, and drops the task's references to the buffers.
func (c *Conv2d[T]) parallel(op convOp, n int, a, b, dy, dx []T, count, cores int) {
	t := &c.task
	*t = convTask[T]{c: c, op: op, a: a, b: b, dy: dy, dx: dx, count: count, cores: cores}
	parallelFor(n, t)
	*t = convTask[T]{}
}
