package engine

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// shampooUpd is optim.Shampoo on the device: the statistics (GEMMs of each
// gradient block), the preconditioned gradient L^(-1/4) G R^(-1/4), the
// diagonal statistic of vectors, grafting, clipping and the momentum step
// run on the device; every UpdateInterval steps the statistics are
// downloaded, their inverse fourth roots computed on the host by optim's
// routine (optim.ShampooInverseRoot) and uploaded. Grafting reads back two
// norms per parameter and clipping one, in one download each per step.
// State: as optim.Shampoo's State.
type shampooUpd[T nn.Float] struct {
	e       *Engine[T]
	h       optim.Hyper
	params  []*shampooParam
	norms   device.Buffer // per parameter: the graft direction's and the direction's squared norms
	hnorms  []T
	steps   int64
	retries int64
	fails   int64
	eig     optim.EigenSolver
}

type shampooParam struct {
	p          *param
	plain      bool
	rows, cols int // the matrix view; cols 0 for a vector
	blocks     []*shampooBlock
	diag, root device.Buffer // vectors
	dir, buf   device.Buffer
	graftV, a  device.Buffer // Adam grafting: the second moment and the direction
}

type shampooBlock struct {
	r0, r1, c0, c1     int
	l, r, lRoot, rRoot device.Buffer
	fl, fr, t          device.Buffer // scratch: fresh statistics, a product
}

func newShampoo[T nn.Float](e *Engine[T], h optim.Hyper) (*shampooUpd[T], error) {
	u := &shampooUpd[T]{e: e, h: h}
	st := e.opt.State()
	for _, p := range e.params {
		sp := &shampooParam{p: p}
		host := e.host[len(u.params)]
		var err error
		if sp.buf, err = e.newState(p.name+".momentum_buffer", p.n); err != nil {
			return nil, err
		}
		if h.GraftType == "adam" {
			if sp.graftV, err = e.newState(p.name+".graft_exp_avg_sq", p.n); err != nil {
				return nil, err
			}
			if sp.a, err = e.newScratch(p.n); err != nil {
				return nil, err
			}
		}
		if sp.dir, err = e.newScratch(p.n); err != nil {
			return nil, err
		}
		_, isVec := st.Tensors[p.name+".diag"]
		_, isMat := st.Tensors[blockKey(p.name, "L", 0)]
		switch {
		case isVec:
			sp.rows = p.n
			if sp.diag, err = e.newState(p.name+".diag", p.n); err != nil {
				return nil, err
			}
			if sp.root, err = e.newState(p.name+".diag_root", p.n); err != nil {
				return nil, err
			}
		case isMat:
			sp.rows = host.Value.Shape[0]
			sp.cols = p.n / sp.rows
			if err := u.newBlocks(sp); err != nil {
				return nil, err
			}
		default:
			sp.plain = true
		}
		u.params = append(u.params, sp)
	}
	var err error
	if u.norms, err = e.newScratch(2 * max(len(u.params), 1)); err != nil {
		return nil, err
	}
	e.counts["steps"] = &u.steps
	e.counts["eig_retries"] = &u.retries
	e.counts["eig_failures"] = &u.fails
	return u, nil
}

// newBlocks cuts the matrix into blocks of at most MaxPrecondDim per side,
// the remainder last, row-major, as optim.Shampoo.
func (u *shampooUpd[T]) newBlocks(sp *shampooParam) error {
	e, k := u.e, u.h.MaxPrecondDim
	for r0 := 0; r0 < sp.rows; r0 += k {
		for c0 := 0; c0 < sp.cols; c0 += k {
			b := &shampooBlock{r0: r0, r1: min(r0+k, sp.rows), c0: c0, c1: min(c0+k, sp.cols)}
			nr, nc := b.r1-b.r0, b.c1-b.c0
			i := len(sp.blocks)
			for _, s := range []struct {
				what string
				b    *device.Buffer
				n    int
			}{{"L", &b.l, nr * nr}, {"R", &b.r, nc * nc}, {"L_root", &b.lRoot, nr * nr}, {"R_root", &b.rRoot, nc * nc}} {
				var err error
				if *s.b, err = e.newState(blockKey(sp.p.name, s.what, i), s.n); err != nil {
					return err
				}
			}
			for _, s := range []struct {
				b *device.Buffer
				n int
			}{{&b.fl, nr * nr}, {&b.fr, nc * nc}, {&b.t, nr * nc}} {
				var err error
				if *s.b, err = e.newScratch(s.n); err != nil {
					return err
				}
			}
			sp.blocks = append(sp.blocks, b)
		}
	}
	return nil
}

func blockKey(param, what string, k int) string { return fmt.Sprintf("%s.%s.%d", param, what, k) }

func (u *shampooUpd[T]) fromHost() error {
	u.eig.SetCounts(int(u.retries), int(u.fails))
	return nil
}

func (u *shampooUpd[T]) diagnostics() (*optim.Diagnostics, error) { return nil, nil }

func (u *shampooUpd[T]) step() error {
	d := u.e.dev
	update := u.steps%int64(u.h.UpdateInterval) == 0
	graft := u.h.GraftType == "adam" || u.h.GraftType == "sgd"
	sbc := math.Sqrt(1 - device.PowInt(u.h.Beta2, u.steps+1))
	for i, sp := range u.params {
		g := sp.p.grad
		switch {
		case sp.plain:
			d.Copy(sp.dir, 0, g, 0, sp.p.n)
		case sp.cols == 0:
			if update {
				d.Accumulate(sp.diag, g, sp.p.n, u.h.StatDecay, true)
				d.InvSqrtFloor(sp.root, sp.diag, sp.p.n, u.h.Damping)
			}
			d.Mul(sp.dir, g, sp.root, sp.p.n)
		default:
			for _, b := range sp.blocks {
				if err := u.precondition(sp, b, update); err != nil {
					return err
				}
			}
		}
		if !graft {
			continue
		}
		// The graft direction's squared norm into norms[2i], the
		// direction's into norms[2i+1].
		if u.h.GraftType == "adam" {
			out := sp.a
			if sp.plain {
				out = sp.dir
			}
			d.GraftAdam(g, sp.graftV, out, sp.p.n, u.h.Beta2, sbc, u.h.Eps)
			if !sp.plain {
				d.Dot(sp.p.n, sp.a, sp.a, u.norms, 2*i)
			}
		} else if !sp.plain {
			d.Dot(sp.p.n, g, g, u.norms, 2*i)
		}
		if !sp.plain {
			d.Dot(sp.p.n, sp.dir, sp.dir, u.norms, 2*i+1)
		}
	}
	if graft {
		norms, err := u.readNorms()
		if err != nil {
			return err
		}
		for i, sp := range u.params {
			if sp.plain {
				continue
			}
			gn, dn := float64(norms[2*i]), float64(norms[2*i+1])
			scale := 0.0
			if dn > 0 {
				scale = math.Sqrt(gn / dn)
			}
			d.ScaleMat(1, sp.p.n, scale, device.Mat{Buf: sp.dir, LD: sp.p.n}, device.Mat{Buf: sp.dir, LD: sp.p.n})
		}
	}
	if c := u.h.ClipNorm; c > 0 {
		for i, sp := range u.params {
			d.Dot(sp.p.n, sp.dir, sp.dir, u.norms, i)
		}
		norms, err := u.readNorms()
		if err != nil {
			return err
		}
		var total float64
		for _, v := range norms[:len(u.params)] {
			total += float64(v)
		}
		if coef := c / (math.Sqrt(total) + 1e-6); coef < 1 {
			// optim multiplies by coef rounded to T; a product of two
			// float32s is exact in float64, so rounding it once is the
			// same.
			tc := float64(T(coef))
			for _, sp := range u.params {
				d.ScaleMat(1, sp.p.n, tc, device.Mat{Buf: sp.dir, LD: sp.p.n}, device.Mat{Buf: sp.dir, LD: sp.p.n})
			}
		}
	}
	lr := u.e.opt.LR()
	for _, sp := range u.params {
		d.MomentumStep(sp.p.val, sp.dir, sp.buf, sp.p.n, lr, u.h.Momentum, u.h.WeightDecay)
	}
	u.steps++
	return d.Err()
}

func (u *shampooUpd[T]) readNorms() ([]T, error) {
	n := 2 * len(u.params)
	if cap(u.hnorms) < n {
		u.hnorms = make([]T, n)
	}
	return u.hnorms[:n], device.Read(u.e.dev, u.hnorms[:n], u.norms, 0)
}

// precondition refreshes the block's statistics and roots when update is
// set and writes L^(-1/4) G R^(-1/4) into the block of the direction, as
// optim.Shampoo's preconditionBlock.
func (u *shampooUpd[T]) precondition(sp *shampooParam, b *shampooBlock, update bool) error {
	d := u.e.dev
	nr, nc := b.r1-b.r0, b.c1-b.c0
	off := b.r0*sp.cols + b.c0
	g := device.Mat{Buf: sp.p.grad, Off: off, LD: sp.cols}
	if update {
		d.Gemm(false, true, nr, nr, nc, 1, g, g, 0, mat(b.fl, nr))
		d.Accumulate(b.l, b.fl, nr*nr, u.h.StatDecay, false)
		d.Gemm(true, false, nc, nc, nr, 1, g, g, 0, mat(b.fr, nc))
		d.Accumulate(b.r, b.fr, nc*nc, u.h.StatDecay, false)
		if err := u.inverseRoot(b.l, b.lRoot, nr); err != nil {
			return err
		}
		if err := u.inverseRoot(b.r, b.rRoot, nc); err != nil {
			return err
		}
	}
	d.Gemm(false, false, nr, nc, nr, 1, mat(b.lRoot, nr), g, 0, mat(b.t, nc))
	d.Gemm(false, false, nr, nc, nc, 1, mat(b.t, nc), mat(b.rRoot, nc), 0, device.Mat{Buf: sp.dir, Off: off, LD: sp.cols})
	return nil
}

// inverseRoot downloads a statistic, computes its root with optim's
// routine and uploads it; a decomposition that fails keeps the device's
// current root, as optim keeps its own.
func (u *shampooUpd[T]) inverseRoot(stat, root device.Buffer, n int) error {
	d := u.e.dev
	s, r := make([]T, n*n), make([]T, n*n)
	if err := device.Read(d, s, stat, 0); err != nil {
		return err
	}
	_, f0 := u.eig.Counts()
	optim.ShampooInverseRoot(&u.eig, s, n, u.h.Damping, r)
	rt, fl := u.eig.Counts()
	u.retries, u.fails = int64(rt), int64(fl)
	if fl > f0 {
		return nil
	}
	return device.Write(d, root, 0, r)
}
