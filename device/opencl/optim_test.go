package opencl

import (
	"math"
	"testing"

	"github.com/adafisher-go/landscape/device"
)

// Optimizer steps are compared bit for bit: fma, the rounded products and
// the correctly rounded division and square root leave nothing to the
// device.

func sgdCase(name string, c device.SGDCoef, steps int) opCase {
	return opCase{name: name, exact: true, run: func(e *env) outs {
		const n = 257
		p := e.rand(n, -1, 1)
		var buf device.Buffer
		if c.Momentum != 0 {
			buf = e.zeros(n)
		}
		for s := 0; s < steps; s++ {
			k := c
			k.First = s == 0
			e.d.SGD(p, e.rand(n, -1, 1), buf, n, k)
		}
		o := outs{"p": p}
		if buf != nil {
			o["buf"] = buf
		}
		return o
	}}
}

func adamCase(name string, lr, wd float64, decoupled bool) opCase {
	return opCase{name: name, exact: true, run: func(e *env) outs {
		const n = 257
		const beta1, beta2 = 0.9, 0.999
		p, m, v := e.rand(n, -1, 1), e.zeros(n), e.zeros(n)
		for t := 1; t <= 3; t++ {
			c := device.AdamCoef{Beta1: beta1, Beta2: beta2, Eps: 1e-8, Decay: 1,
				NegStep: -(lr / (1 - math.Pow(beta1, float64(t)))), BC2Sqrt: math.Sqrt(1 - math.Pow(beta2, float64(t)))}
			if decoupled {
				c.Decay = 1 - lr*wd
			} else {
				c.WeightDecay = wd
			}
			e.d.Adam(p, e.rand(n, -1, 1), m, v, n, c)
		}
		return outs{"p": p, "m": m, "v": v}
	}}
}

func fisherStepCase(name string, wd float64, decoupled, withF bool) opCase {
	return opCase{name: name, exact: true, run: func(e *env) outs {
		const n = 129
		p, m := e.rand(n, -1, 1), e.zeros(n)
		var f device.Buffer
		if withF {
			f = e.rand(n, 0.001, 2)
		}
		for t := 1; t <= 3; t++ {
			c := device.FisherCoef{Beta: 0.9, LR: 1e-3, BC: 1 - math.Pow(0.9, float64(t)), WeightDecay: wd, Decoupled: decoupled}
			e.d.FisherStep(p, e.rand(n, -1, 1), m, f, n, c)
		}
		return outs{"p": p, "m": m}
	}}
}

var optimCases = []opCase{
	sgdCase("sgd/plain", device.SGDCoef{LR: 0.1}, 2),
	sgdCase("sgd/wd", device.SGDCoef{LR: 0.1, WeightDecay: 5e-4}, 2),
	sgdCase("sgd/momentum", device.SGDCoef{LR: 0.1, Momentum: 0.9, WeightDecay: 5e-4}, 3),
	sgdCase("sgd/dampening", device.SGDCoef{LR: 0.05, Momentum: 0.9, Dampening: 0.3}, 3),
	sgdCase("sgd/nesterov", device.SGDCoef{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-4}, 3),
	adamCase("adam/plain", 1e-3, 0, false),
	adamCase("adam/l2", 1e-3, 0.01, false),
	adamCase("adamw", 1e-3, 0.05, true),
	fisherStepCase("fisher/F", 0, false, true),
	fisherStepCase("fisher/noF", 0, false, false),
	fisherStepCase("fisher/l2", 5e-4, false, true),
	fisherStepCase("fisherw", 5e-4, true, true),
}

func TestOptimizers(t *testing.T) { compare(t, optimCases) }

var fisherCases = []opCase{
	{name: "fisher/raw/linear", run: func(e *env) outs {
		const rows, in, out = 37, 11, 7
		h, s := e.zeros(in+1), e.zeros(out)
		e.d.FisherRawDense(rows, in, out, false, true, e.rand(rows*in, -2, 2), e.rand(rows*out, -1, 1), h, s)
		return outs{"h": h, "s": s}
	}},
	{name: "fisher/raw/conv", run: func(e *env) outs {
		const rows, in, out = 50, 27, 5
		h, s := e.zeros(in+1), e.zeros(out)
		e.d.FisherRawDense(rows, in, out, true, true, e.rand(rows*in, -2, 2), e.rand(rows*out, -1, 1), h, s)
		h2, s2 := e.zeros(in), e.zeros(out)
		e.d.FisherRawDense(rows, in, out, true, false, e.rand(rows*in, -2, 2), e.rand(rows*out, -1, 1), h2, s2)
		return outs{"h": h, "s": s, "h2": h2, "s2": s2}
	}},
	{name: "fisher/raw/batchnorm", run: func(e *env) outs {
		const b, c, hw = 4, 6, 25
		h, s := e.zeros(2), e.zeros(c)
		e.d.FisherRawBatchNorm(b, c, hw, e.rand(b*c*hw, -1, 2), e.rand(b*c*hw, -1, 1), h, s)
		return outs{"h": h, "s": s}
	}},
	{name: "fisher/raw/layernorm", run: func(e *env) outs {
		const b, k, d = 3, 5, 8
		h, s := e.zeros(2), e.zeros(d)
		e.d.FisherRawLayerNorm(b, k, d, d, e.rand(b*k*d, -1, 2), e.rand(b*k*d, -1, 1), h, s)
		h2, s2 := e.zeros(2), e.zeros(d)
		e.d.FisherRawLayerNorm(6, d, 1, d, e.rand(6*d, -1, 2), e.rand(6*d, -1, 1), h2, s2)
		return outs{"h": h, "s": s, "h2": h2, "s2": s2}
	}},
	// The factor EMA and F are exact: min and max are exact and the rest
	// is rounded element-wise arithmetic.
	{name: "fisher/update/reference", exact: true, run: func(e *env) outs {
		const n = 150
		state := e.zeros(n)
		e.d.FisherUpdate(state, nil, e.rand(n, 0, 3), n, 0.8, false, true)
		e.d.FisherUpdate(state, nil, e.rand(n, 0, 3), n, 0.8, false, false)
		return outs{"state": state}
	}},
	{name: "fisher/update/paper", exact: true, run: func(e *env) outs {
		const n = 70
		state, avg := e.zeros(n), e.zeros(n)
		e.d.FisherUpdate(state, avg, e.rand(n, 0, 3), n, 0.8, true, true)
		e.d.FisherUpdate(state, avg, e.rand(n, 0, 3), n, 0.8, true, false)
		return outs{"state": state, "avg": avg}
	}},
	{name: "fisher/buildF", exact: true, run: func(e *env) outs {
		const out, in = 9, 13
		s, h := e.rand(out, 0, 1), e.rand(in+1, 0, 1)
		fw, fb := e.zeros(out*in), e.zeros(out)
		e.d.FisherBuildF(out, in, s, h, fw, fb, 1e-3)
		fw2 := e.zeros(out * in)
		e.d.FisherBuildF(out, in, s, h, fw2, nil, 0.5)
		return outs{"fw": fw, "fb": fb, "fw2": fw2}
	}},
}

func TestFisher(t *testing.T) { compare(t, fisherCases) }
