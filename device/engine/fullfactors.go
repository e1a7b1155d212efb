package engine

import (
	"errors"
	"fmt"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// fullFisherUpd is AdaFisher with FullFactors: the diagonal update of
// fisherUpd plus, for every Linear and Conv2d layer, the full factor
// matrices "<layer>.H_full" (in x in, no bias column) and "<layer>.S_full"
// (out x out) as optim's fullFactors keep them, refreshed on the device at
// AdaFisher's refresh steps: the batch factors a^T a / div and g^T g / N
// (GEMMs over the captures; div is N for Linear and B*OW*in for Conv2d, the
// analysis code's quirk), min-max normalised, averaged from the identity.
type fullFisherUpd[T nn.Float] struct {
	*fisherUpd[T]
	full []*fullLayer
}

type fullLayer struct {
	src            kfacOp
	in, out        int
	h, s           device.Buffer // state
	freshH, freshS device.Buffer
}

func newFullFisher[T nn.Float](e *Engine[T], h optim.Hyper, decoupled bool) (*fullFisherUpd[T], error) {
	diag := h
	diag.FullFactors = false
	f, err := newFisher(e, diag, decoupled)
	if err != nil {
		return nil, err
	}
	f.h = h
	u := &fullFisherUpd[T]{fisherUpd: f}
	st := e.opt.State()
	for _, l := range f.layers {
		src, ok := l.op.(kfacOp)
		if !ok {
			continue // normalisation layers have no full factors
		}
		c := src.kfacCapture()
		name := c.name
		fl := &fullLayer{src: src, in: c.inW, out: c.out}
		if t := st.Tensors[name+".H_full"]; t == nil || len(t.Data) != fl.in*fl.in {
			return nil, fmt.Errorf("engine: %s state has no full factor %q of %d x %d", e.opt.Name(), name+".H_full", fl.in, fl.in)
		}
		for _, b := range []struct {
			key string
			buf *device.Buffer
			n   int
		}{{".H_full", &fl.h, fl.in * fl.in}, {".S_full", &fl.s, fl.out * fl.out}} {
			if *b.buf, err = e.newState(name+b.key, b.n); err != nil {
				return nil, err
			}
		}
		if fl.freshH, err = e.newScratch(fl.in * fl.in); err != nil {
			return nil, err
		}
		if fl.freshS, err = e.newScratch(fl.out * fl.out); err != nil {
			return nil, err
		}
		u.full = append(u.full, fl)
	}
	return u, nil
}

func (u *fullFisherUpd[T]) step() error {
	refresh := u.steps%int64(u.h.TCov) == 0
	first := u.steps == 0
	if err := u.fisherUpd.step(); err != nil {
		return err
	}
	if !refresh {
		return nil
	}
	d := u.e.dev
	for _, fl := range u.full {
		c := fl.src.kfacCapture()
		div := float64(c.rows)
		if c.conv {
			ow := c.spatial
			if co, ok := fl.src.(*convOp); ok {
				ow = co.g.OW
			}
			div = float64(c.batch) * float64(ow) * float64(fl.in)
		}
		d.Gemm(true, false, fl.in, fl.in, c.rows, 1/div, mat(c.a, fl.in), mat(c.a, fl.in), 0, mat(fl.freshH, fl.in))
		d.Gemm(true, false, fl.out, fl.out, c.rows, 1/float64(c.rows), mat(c.g, fl.out), mat(c.g, fl.out), 0, mat(fl.freshS, fl.out))
		d.FullFactorUpdate(fl.h, fl.freshH, fl.in, u.h.Gamma, first)
		d.FullFactorUpdate(fl.s, fl.freshS, fl.out, u.h.Gamma, first)
	}
	return d.Err()
}

// BatchFactor is one layer's raw full factors of the last training step's
// batch, as a factor snapshot holds them: H = a^T a / N (bias column
// excluded) and S = g^T g / N.
type BatchFactor[T nn.Float] struct {
	Layer string
	H, S  *nn.Tensor[T]
}

// BatchFactors computes, on the device, the batch factors of every Linear
// and Conv2d layer from the captures of the last training step (call it
// after Step, before any Evaluate) and
// downloads them (what train's factor snapshot computes from the host
// captures with optim.BatchFactor).
func (e *Engine[T]) BatchFactors() ([]BatchFactor[T], error) {
	if !e.a.train {
		// An evaluation pass replaced the layers' inputs, not their
		// output gradients.
		return nil, errors.New("engine: BatchFactors after Evaluate: call it right after the training Step whose batch it describes")
	}
	var out []BatchFactor[T]
	var err error
	for _, o := range e.ops {
		walk(o, func(o op) {
			k, ok := o.(kfacOp)
			if !ok || err != nil {
				return
			}
			c := k.kfacCapture()
			if c.rows == 0 || c.a == nil || c.g == nil {
				return
			}
			f := BatchFactor[T]{Layer: c.name}
			if f.H, err = e.gram(c.a, c.rows, c.inW); err != nil {
				return
			}
			f.S, err = e.gram(c.g, c.rows, c.out)
			out = append(out, f)
		})
	}
	return out, err
}

// gram returns x^T x / rows of the rows x d matrix x, computed on the device.
func (e *Engine[T]) gram(x device.Buffer, rows, d int) (*nn.Tensor[T], error) {
	b, err := e.dev.Alloc(e.a.dt, d*d)
	if err != nil {
		return nil, err
	}
	defer e.dev.Free(b)
	e.dev.Gemm(true, false, d, d, rows, 1/float64(rows), mat(x, d), mat(x, d), 0, mat(b, d))
	t := nn.NewTensor[T](d, d)
	if err := device.Read(e.dev, t.Data, b, 0); err != nil {
		return nil, err
	}
	return t, e.dev.Sync()
}
