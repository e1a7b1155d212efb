/* BatchNorm2d over B x C x HW and LayerNorm over rows of D, as nn: the
 * statistics in ACC by two passes, one work-group per channel or row. */

/* bn_apply writes xhat and y of channel c from its mean and 1/std. */
DEVICE_FN void bn_apply(GLOBAL const REAL* x, GLOBAL const REAL* w, GLOBAL const REAL* bias, GLOBAL REAL* xhat, GLOBAL REAL* y,
		GLOBAL REAL* invstd, int B, int C, int HW, int c, int l, ACC mean, ACC inv) {
	if (l == 0) invstd[c] = (REAL)inv;
	ACC gamma = (ACC)w[c], beta = (ACC)bias[c];
	for (int k = l; k < B * HW; k += WG) {
		int at = ((k / HW) * C + c) * HW + k % HW;
		ACC z = ((ACC)x[at] - mean) * inv;
		xhat[at] = (REAL)z;
		y[at] = (REAL)(gamma * z + beta);
	}
}

/* bn_forward_train normalises with the batch statistics (the biased
 * variance) and updates the running ones with the unbiased variance. */
KERNEL void bn_forward_train(GLOBAL const REAL* x, GLOBAL const REAL* w, GLOBAL const REAL* bias,
		GLOBAL REAL* rmean, GLOBAL REAL* rvar, GLOBAL REAL* xhat, GLOBAL REAL* y, GLOBAL REAL* invstd,
		int B, int C, int HW, ACC eps, ACC mom) {
	SHARED ACC red[WG];
	int c = GROUP(0), l = LID(0), n = B * HW;
	ACC s = 0;
	for (int k = l; k < n; k += WG) s += (ACC)x[((k / HW) * C + c) * HW + k % HW];
	ACC mean = reduce_sum(red, s, l) / (ACC)n;
	ACC q = 0;
	for (int k = l; k < n; k += WG) {
		ACC dv = (ACC)x[((k / HW) * C + c) * HW + k % HW] - mean;
		q += dv * dv;
	}
	ACC sq = reduce_sum(red, q, l);
	ACC inv = 1 / sqrt(sq / (ACC)n + eps);
	if (l == 0) {
		rmean[c] = (REAL)((1 - mom) * (ACC)rmean[c] + mom * mean);
		rvar[c] = (REAL)((1 - mom) * (ACC)rvar[c] + mom * sq / (ACC)(n - 1));
	}
	bn_apply(x, w, bias, xhat, y, invstd, B, C, HW, c, l, mean, inv);
}

/* bn_forward_eval normalises with the running statistics. */
KERNEL void bn_forward_eval(GLOBAL const REAL* x, GLOBAL const REAL* w, GLOBAL const REAL* bias,
		GLOBAL const REAL* rmean, GLOBAL const REAL* rvar, GLOBAL REAL* xhat, GLOBAL REAL* y, GLOBAL REAL* invstd,
		int B, int C, int HW, ACC eps) {
	int c = GROUP(0), l = LID(0);
	bn_apply(x, w, bias, xhat, y, invstd, B, C, HW, c, l, (ACC)rmean[c], 1 / sqrt((ACC)rvar[c] + eps));
}

KERNEL void bn_backward(GLOBAL const REAL* dy, GLOBAL const REAL* xhat, GLOBAL const REAL* w, GLOBAL const REAL* invstd,
		GLOBAL REAL* dw, GLOBAL REAL* db, GLOBAL REAL* dx, int B, int C, int HW, int train) {
	SHARED ACC red[WG];
	int c = GROUP(0), l = LID(0), n = B * HW;
	ACC s = 0, sx = 0;
	for (int k = l; k < n; k += WG) {
		int at = ((k / HW) * C + c) * HW + k % HW;
		ACC g = (ACC)dy[at];
		s += g;
		sx += g * (ACC)xhat[at];
	}
	ACC sumDy = reduce_sum(red, s, l);
	ACC sumDyXhat = reduce_sum(red, sx, l);
	if (l == 0) {
		dw[c] += (REAL)sumDyXhat;
		db[c] += (REAL)sumDy;
	}
	if (dx == 0) return;
	ACC scale = (ACC)w[c] * (ACC)invstd[c];
	ACC mDy = sumDy / (ACC)n, mDyXhat = sumDyXhat / (ACC)n;
	for (int k = l; k < n; k += WG) {
		int at = ((k / HW) * C + c) * HW + k % HW;
		if (train) {
			dx[at] = (REAL)(scale * ((ACC)dy[at] - mDy - (ACC)xhat[at] * mDyXhat));
		} else {
			dx[at] = (REAL)(scale * (ACC)dy[at]);
		}
	}
}

KERNEL void ln_forward(GLOBAL const REAL* x, GLOBAL const REAL* w, GLOBAL const REAL* b,
		GLOBAL REAL* xhat, GLOBAL REAL* y, GLOBAL REAL* invstd, int D, ACC eps) {
	SHARED ACC red[WG];
	int r = GROUP(0), l = LID(0);
	GLOBAL const REAL* src = x + r * D;
	ACC s = 0;
	for (int j = l; j < D; j += WG) s += (ACC)src[j];
	ACC mean = reduce_sum(red, s, l) / (ACC)D;
	ACC q = 0;
	for (int j = l; j < D; j += WG) {
		ACC dv = (ACC)src[j] - mean;
		q += dv * dv;
	}
	ACC inv = 1 / sqrt(reduce_sum(red, q, l) / (ACC)D + eps);
	if (l == 0) invstd[r] = (REAL)inv;
	for (int j = l; j < D; j += WG) {
		ACC z = ((ACC)src[j] - mean) * inv;
		xhat[r * D + j] = (REAL)z;
		y[r * D + j] = (REAL)((ACC)w[j] * z + (ACC)b[j]);
	}
}

/* ln_backward_dx: dx = invstd*(u - mean(u) - xhat*mean(u*xhat)), u = w*dy. */
KERNEL void ln_backward_dx(GLOBAL const REAL* dy, GLOBAL const REAL* xhat, GLOBAL const REAL* w, GLOBAL const REAL* invstd,
		GLOBAL REAL* dx, int D) {
	SHARED ACC red[WG];
	int r = GROUP(0), l = LID(0);
	ACC su = 0, sux = 0;
	for (int j = l; j < D; j += WG) {
		ACC u = (ACC)w[j] * (ACC)dy[r * D + j];
		su += u;
		sux += u * (ACC)xhat[r * D + j];
	}
	ACC mu = reduce_sum(red, su, l) / (ACC)D;
	ACC mux = reduce_sum(red, sux, l) / (ACC)D;
	ACC inv = (ACC)invstd[r];
	for (int j = l; j < D; j += WG) {
		int at = r * D + j;
		dx[at] = (REAL)(inv * ((ACC)w[j] * (ACC)dy[at] - mu - (ACC)xhat[at] * mux));
	}
}

/* ln_param_grad adds the weight and bias gradients of column j, row by row
 * in REAL. */
KERNEL void ln_param_grad(GLOBAL const REAL* dy, GLOBAL const REAL* xhat, GLOBAL REAL* dw, GLOBAL REAL* db, int rows, int D) {
	int j = GID(0);
	if (j >= D) return;
	REAL gw = dw[j], gb = db[j];
	for (int r = 0; r < rows; r++) {
		REAL v = dy[r * D + j];
		gw += v * xhat[r * D + j];
		gb += v;
	}
	dw[j] = gw;
	db[j] = gb;
}
