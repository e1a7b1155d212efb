/* AdaFisher's factor diagonals (optim/fisher_diag.go, optim/adafisher.go):
 * the fresh diagonals from a layer's capture, summed in ACC, +-Inf replaced
 * by 1 and 0, rounded to REAL; the factor EMA with min-max normalisation;
 * the preconditioner F = S (x) H + lambda. */

DEVICE_FN ACC detect_inf(ACC v) {
	if (IS_INF(v)) return v > 0 ? (ACC)1 : (ACC)0;
	return v;
}

/* fisher_colsumsq: dst[j] = (sum over rows of x[r, j]^2) * scale. */
KERNEL void fisher_colsumsq(GLOBAL const REAL* x, GLOBAL REAL* dst, int rows, int cols, ACC scale) {
	int j = GID(0);
	if (j >= cols) return;
	ACC sum = 0;
	for (int r = 0; r < rows; r++) {
		ACC v = (ACC)x[r * cols + j];
		sum += v * v;
	}
	dst[j] = (REAL)detect_inf(sum * scale);
}

/* fisher_colsum_sq: dst[j] = (sum over rows of x[r, j])^2 / div. */
KERNEL void fisher_colsum_sq(GLOBAL const REAL* x, GLOBAL REAL* dst, int rows, int cols, ACC div) {
	int j = GID(0);
	if (j >= cols) return;
	ACC t = 0;
	for (int r = 0; r < rows; r++) t += (ACC)x[r * cols + j];
	dst[j] = (REAL)detect_inf(t * t / div);
}

/* fisher_channels: per channel k of b x c x hw, u[k] = sum(a) / adiv and,
 * when g is not null, s[k] = sum(g)^2 / b. */
KERNEL void fisher_channels(GLOBAL const REAL* a, GLOBAL const REAL* g, GLOBAL ACC* u, GLOBAL REAL* s, int b, int c, int hw, ACC adiv) {
	int k = GID(0);
	if (k >= c) return;
	ACC sa = 0, sg = 0;
	for (int i = 0; i < b; i++) {
		int off = (i * c + k) * hw;
		for (int j = 0; j < hw; j++) sa += (ACC)a[off + j];
	}
	u[k] = sa / adiv;
	if (g == 0) return;
	for (int i = 0; i < b; i++) {
		int off = (i * c + k) * hw;
		for (int j = 0; j < hw; j++) sg += (ACC)g[off + j];
	}
	s[k] = (REAL)detect_inf(sg * sg / (ACC)b);
}

/* fisher_norm_h: h = [sum_k u[k]^2, c] / b^2, the norm layers' H. */
KERNEL void fisher_norm_h(GLOBAL const ACC* u, GLOBAL REAL* h, int c, int b) {
	if (GID(0) != 0) return;
	ACC sum = 0;
	for (int k = 0; k < c; k++) sum += u[k] * u[k];
	ACC bb = (ACC)b * (ACC)b;
	h[0] = (REAL)detect_inf(sum / bb);
	h[1] = (REAL)detect_inf((ACC)c / bb);
}

/* fisher_update runs as one work-group: reference mode folds MinMax(raw)
 * into state, paper mode updates avg and sets state = MinMax(avg). */
KERNEL void fisher_update(GLOBAL REAL* state, GLOBAL REAL* avg, GLOBAL const REAL* raw, int n, REAL a, REAL b, int paper, int first) {
	SHARED REAL red[WG];
	int l = LID(0);
	GLOBAL const REAL* src = raw;
	if (paper) {
		for (int i = l; i < n; i += WG) {
			REAL prev = first ? (REAL)1 : avg[i];
			REAL x = a * prev;
			REAL y = b * raw[i];
			avg[i] = x + y;
		}
		src = avg;
	}
	/* each work-item reads only the entries it wrote */
	REAL lo = INFINITY, hi = -INFINITY;
	for (int i = l; i < n; i += WG) {
		REAL v = src[i];
		if (v < lo) lo = v;
		if (v > hi) hi = v;
	}
	lo = reduce_min(red, lo, l);
	hi = reduce_max(red, hi, l);
	REAL den = hi - lo + (REAL)1e-6;
	for (int i = l; i < n; i += WG) {
		REAL z = (src[i] - lo) / den;
		if (paper) {
			state[i] = z;
		} else {
			REAL prev = first ? (REAL)1 : state[i];
			REAL x = a * prev;
			REAL y = b * z;
			state[i] = x + y;
		}
	}
}

/* fisher_build_f: fw[o*in + i] = s[o]*h[i] + lambda and, after the out*in
 * weight entries, fb[o] = s[o]*h[in] + lambda (fb optional). */
KERNEL void fisher_build_f(GLOBAL const REAL* s, GLOBAL const REAL* h, GLOBAL REAL* fw, GLOBAL REAL* fb, int out, int in, REAL lambda) {
	int t = GID(0);
	if (t < out * in) {
		REAL p = s[t / in] * h[t % in];
		fw[t] = p + lambda;
	} else if (fb != 0 && t < out * in + out) {
		int o = t - out * in;
		REAL p = s[o] * h[in];
		fb[o] = p + lambda;
	}
}
