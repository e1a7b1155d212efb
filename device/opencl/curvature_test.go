package opencl

import (
	"testing"

	"github.com/adafisher-go/landscape/device"
)

// The CurvatureOps against the CPU reference. Element-wise operations are
// bit for bit; Dot sums in another order (a tree of WG partial sums).
var curvatureCases = []opCase{
	{name: "curv/scalemat", exact: true, run: func(e *env) outs {
		const rows, cols = 13, 9
		src := e.rand(3+rows*11, -2, 2)
		dst := e.rand(5+rows*10, -1, 1)
		e.d.ScaleMat(rows, cols, 1, device.Mat{Buf: src, Off: 3, LD: 11}, device.Mat{Buf: dst, Off: 5, LD: 10})
		col := e.zeros(rows)
		e.d.ScaleMat(rows, 1, 0.37, device.Mat{Buf: src, Off: 3 + cols, LD: 11}, device.Mat{Buf: col, LD: 1})
		return outs{"dst": dst, "col": col}
	}},
	{name: "curv/dot", run: func(e *env) outs {
		out := e.zeros(3)
		a, b := e.rand(1000, -1, 1), e.rand(1000, -1, 1)
		e.d.Dot(1000, a, b, out, 1)
		e.d.Dot(7, a, a, out, 2)
		// Long enough for several groups of the two-pass reduction.
		long := e.rand(70000, -1, 1)
		e.d.Dot(70000, long, long, out, 0)
		return outs{"out": out}
	}},
	{name: "curv/biascolumn", exact: true, run: func(e *env) outs {
		const rows, cols = 41, 6
		cov := e.rand((cols+1)*(cols+1), -1, 1)
		e.d.FactorBiasColumn(rows, cols, e.rand(rows*cols, -2, 2), cov, 1.0/41, 0.25)
		return outs{"cov": cov}
	}},
	{name: "curv/runningstat", exact: true, run: func(e *env) outs {
		const dim = 7
		m := e.rand(dim*dim, -1, 1)
		e.d.RunningStat(m, e.rand(dim*dim, 0, 1), dim, 0.95, true)
		e.d.RunningStat(m, e.rand(dim*dim, 0, 1), dim, 0.95, false)
		return outs{"m": m}
	}},
	{name: "curv/divideouter", exact: true, run: func(e *env) outs {
		const rows, cols = 5, 8
		t := e.rand(rows*cols, -1, 1)
		e.d.DivideOuter(rows, cols, t, e.rand(rows, 0, 2), e.rand(cols, 0, 2), 0.03)
		return outs{"t": t}
	}},
	{name: "curv/momentum", exact: true, run: func(e *env) outs {
		const n = 300
		p, buf, p2 := e.rand(n, -1, 1), e.zeros(n), e.rand(n, -1, 1)
		for s := 0; s < 3; s++ {
			e.d.MomentumStep(p, e.rand(n, -1, 1), buf, n, 0.05, 0.9, 3e-3)
			e.d.MomentumStep(p2, e.rand(n, -1, 1), nil, n, 0.05, 0, 0)
		}
		return outs{"p": p, "buf": buf, "p2": p2}
	}},
	{name: "curv/accumulate", exact: true, run: func(e *env) outs {
		const n = 77
		s, a := e.rand(n, 0, 1), e.rand(n, 0, 1)
		e.d.Accumulate(s, e.rand(n, -1, 1), n, -1, true)
		e.d.Accumulate(s, e.rand(n, -1, 1), n, -1, false)
		e.d.Accumulate(a, e.rand(n, -1, 1), n, 0.9, false)
		e.d.Accumulate(a, e.rand(n, -1, 1), n, 0.9, true)
		return outs{"sum": s, "avg": a}
	}},
	{name: "curv/invsqrt", exact: true, run: func(e *env) outs {
		const n = 50
		dst := e.zeros(n)
		e.d.InvSqrtFloor(dst, e.rand(n, -0.1, 2), n, 1e-3)
		return outs{"dst": dst}
	}},
	{name: "curv/graftadam", exact: true, run: func(e *env) outs {
		const n = 90
		v, out := e.zeros(n), e.zeros(n)
		e.d.GraftAdam(e.rand(n, -1, 1), v, out, n, 0.999, 0.0316, 1e-8)
		e.d.GraftAdam(e.rand(n, -1, 1), v, out, n, 0.999, 0.0447, 1e-8)
		return outs{"v": v, "out": out}
	}},
	{name: "curv/adahessian", exact: true, run: func(e *env) outs {
		const n = 111
		p, m, v := e.rand(n, -1, 1), e.zeros(n), e.zeros(n)
		for t := int64(1); t <= 3; t++ {
			e.d.AdaHessianStep(p, e.rand(n, -1, 1), m, v, e.rand(n, 0, 2), n, device.NewAdaHessianCoef(0.1, 0.9, 0.999, 1e-4, 1e-3, 1, t))
		}
		return outs{"p": p, "m": m, "v": v}
	}},
	// A Hessian power other than 1 takes pow, which OpenCL does not round
	// correctly (measured: an ulp in float64).
	{name: "curv/adahessian/power", run: func(e *env) outs {
		const n = 111
		p, m, v := e.rand(n, -1, 1), e.zeros(n), e.zeros(n)
		for t := int64(1); t <= 2; t++ {
			e.d.AdaHessianStep(p, e.rand(n, -1, 1), m, v, e.rand(n, 0, 2), n, device.NewAdaHessianCoef(0.1, 0.9, 0.999, 1e-4, 0, 0.5, t))
		}
		return outs{"p": p, "m": m, "v": v}
	}},
	{name: "curv/fullfactor", exact: true, run: func(e *env) outs {
		const dim = 23
		state := e.rand(dim*dim, -1, 1)
		e.d.FullFactorUpdate(state, e.rand(dim*dim, 0, 5), dim, 0.8, true)
		e.d.FullFactorUpdate(state, e.rand(dim*dim, -1, 3), dim, 0.8, false)
		const big = 300 // several groups of the two-pass extremes
		s2 := e.zeros(big * big)
		e.d.FullFactorUpdate(s2, e.rand(big*big, -2, 7), big, 0.5, true)
		return outs{"state": state, "big": s2}
	}},
}

func TestCurvatureOps(t *testing.T) { compare(t, curvatureCases) }
