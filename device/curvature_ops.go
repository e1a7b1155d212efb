package device

import "math"

// CurvatureOps are the operations of the second-order optimizers that keep
// their statistics on the device (K-FAC, Shampoo): the Kronecker factors'
// running statistics, the preconditioning between the eigendecompositions
// the host computes, the norms that clipping and grafting read back, and
// the momentum step of the official repository's SGD. Each computes what
// package optim computes, in the same order and rounding, unless it says
// otherwise.
type CurvatureOps interface {
	// ScaleMat sets the rows x cols block dst = alpha*src (Stride unused),
	// each product formed in ACC and rounded once to the element type (so
	// alpha 1 copies exactly). It copies a gradient into a packed [dW, db]
	// matrix and back.
	ScaleMat(rows, cols int, alpha float64, src, dst Mat)
	// Dot sets out[at] to the sum of a[i]*b[i] over n elements, summed in
	// ACC (in an order of the device's choosing) and rounded to the
	// element type.
	Dot(n int, a, b, out Buffer, at int)
	// FactorBiasColumn fills the bias row and column of K-FAC's activation
	// factor cov (ld x ld, ld = cols+1) from the rows x cols activations a:
	// cov[j, cols] = cov[cols, j] = (column sum of a, in ACC, row order) *
	// scale, and cov[cols, cols] = corner.
	FactorBiasColumn(rows, cols int, a, cov Buffer, scale, corner float64)
	// RunningStat is K-FAC's update_running_stat on the dim x dim factor m
	// (n = dim*dim): m = (m*(decay/(1-decay)) + fresh) * (1-decay), with
	// each product and the sum rounded; first starts m from the identity.
	RunningStat(m, fresh Buffer, dim int, decay float64, first bool)
	// DivideOuter sets t[r, j] /= dr[r]*dc[j] + damping over rows x cols:
	// K-FAC's division in its factors' eigenbasis.
	DivideOuter(rows, cols int, t, dr, dc Buffer, damping float64)
	// MomentumStep is the SGD of the K-FAC and Shampoo repositories (no
	// fused multiply-add, unlike SGD): d = g + wd*p (wd not 0);
	// buf = momentum*buf + d, d = buf (momentum not 0; buf starts at 0);
	// p = p - lr*d. g is not changed; buf may be nil with momentum 0.
	MomentumStep(p, g, buf Buffer, n int, lr, momentum, wd float64)
	// Accumulate adds a fresh statistic into stat (n elements), squared
	// first when square is set: stat += v when decay < 0, else
	// stat = decay*stat + (1-decay)*v (Shampoo's statistics).
	Accumulate(stat, fresh Buffer, n int, decay float64, square bool)
	// InvSqrtFloor sets dst[i] = 1/sqrt(max(src[i], floor)), computed in
	// float64 (ACC) and rounded once (Shampoo's diagonal root).
	InvSqrtFloor(dst, src Buffer, n int, floor float64)
	// GraftAdam updates Adam's second moment v = beta2*v + (1-beta2)*g*g
	// (each product rounded) and sets out = g / (sqrt(v)/bc2Sqrt + eps),
	// computed in ACC and rounded once: Shampoo's Adam grafting direction.
	GraftAdam(g, v, out Buffer, n int, beta2, bc2Sqrt, eps float64)
	// AdaHessianStep is optim.AdaHessian's update of one parameter from its
	// gradient g and Hessian-diagonal estimate d (|z * Hz|, spatially
	// averaged for a conv kernel), computed in ACC with m and v rounded
	// to the element type as optim stores them.
	AdaHessianStep(p, g, m, v, d Buffer, n int, c AdaHessianCoef)
	// FullFactorUpdate folds a fresh full factor (dim x dim) into the
	// state as AdaFisher's FullFactors do (the official analysis code):
	// fresh is min-max normalised with its global extremes, (x - min) /
	// (max - min + 1e-12), then state = (0.1 gamma)*state + (0.01
	// gamma)*fresh, each product rounded; first starts state from the
	// identity. fresh is not changed.
	FullFactorUpdate(state, fresh Buffer, dim int, gamma float64, first bool)
}

// AdaHessianCoef is one AdaHessian step (t from 1), the scalars computed
// by the host in float64 as optim.AdaHessian does: BC1 = 1 - beta1^t,
// SBC2 = sqrt(1 - beta2^t), SBC2K = SBC2^Power.
type AdaHessianCoef struct {
	Beta1, Beta2, Eps, WeightDecay, LR float64
	Power                              float64
	BC1, SBC2, SBC2K                   float64
}

// NewAdaHessianCoef returns the coefficients of step t (from 1).
func NewAdaHessianCoef(lr, beta1, beta2, eps, weightDecay, power float64, t int64) AdaHessianCoef {
	sbc2 := math.Sqrt(1 - PowInt(beta2, t))
	return AdaHessianCoef{Beta1: beta1, Beta2: beta2, Eps: eps, WeightDecay: weightDecay, LR: lr, Power: power,
		BC1: 1 - PowInt(beta1, t), SBC2: sbc2, SBC2K: math.Pow(sbc2, power)}
}
