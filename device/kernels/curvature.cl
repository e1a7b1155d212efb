/* The second-order optimizers' operations (optim/kfac.go, optim/shampoo.go):
 * K-FAC's factor statistics and eigenbasis division, Shampoo's statistics,
 * the norms that clipping and grafting read back, and the repositories'
 * momentum SGD. Contraction is off, so every product below is rounded to
 * REAL before it is added, as optim computes it. */

/* curv_scale_mat: dst = (REAL)(src * alpha) over a rows x cols block. */
KERNEL void curv_scale_mat(GLOBAL const REAL* src, int soff, int sld, GLOBAL REAL* dst, int doff, int dld,
		int rows, int cols, ACC alpha) {
	int i = GID(0);
	if (i >= rows * cols) return;
	int r = i / cols, j = i % cols;
	dst[doff + r * dld + j] = (REAL)((ACC)src[soff + r * sld + j] * alpha);
}

/* dot_partial: group g of groups sums a*b over its share of the n elements
 * (a grid-stride loop) into part[g]; sum_partial adds the parts in one
 * group and rounds the total to REAL into out[at]. Two passes, so that a
 * long vector is read by every compute unit of a GPU. */
KERNEL void dot_partial(GLOBAL const REAL* a, GLOBAL const REAL* b, GLOBAL ACC* part, int n, int groups) {
	SHARED ACC red[WG];
	int l = LID(0), g = GROUP(0);
	ACC s = 0;
	for (int i = g * WG + l; i < n; i += groups * WG) s += (ACC)a[i] * (ACC)b[i];
	ACC t = reduce_sum(red, s, l);
	if (l == 0) part[g] = t;
}

KERNEL void sum_partial(GLOBAL const ACC* part, int groups, GLOBAL REAL* out, int at) {
	SHARED ACC red[WG];
	int l = LID(0);
	ACC s = 0;
	for (int i = l; i < groups; i += WG) s += part[i];
	ACC t = reduce_sum(red, s, l);
	if (l == 0) out[at] = (REAL)t;
}

/* factor_bias_column: K-FAC's bias row and column of the activation
 * factor (ld = cols + 1), one work item per column, rows summed in order. */
KERNEL void factor_bias_column(GLOBAL const REAL* a, GLOBAL REAL* cov, int rows, int cols, ACC scale, REAL corner) {
	int j = GID(0);
	if (j > cols) return;
	int ld = cols + 1;
	if (j == cols) {
		cov[cols * ld + cols] = corner;
		return;
	}
	ACC s = 0;
	for (int r = 0; r < rows; r++) s += (ACC)a[r * cols + j];
	REAL v = (REAL)(s * scale);
	cov[j * ld + cols] = v;
	cov[cols * ld + j] = v;
}

/* running_stat: m = (m*a + fresh) * b from the identity when first. */
KERNEL void running_stat(GLOBAL REAL* m, GLOBAL const REAL* fresh, int dim, REAL a, REAL b, int first) {
	int i = GID(0);
	if (i >= dim * dim) return;
	REAL mi = m[i];
	if (first) mi = (i / dim == i % dim) ? (REAL)1 : (REAL)0;
	REAL ma = mi * a;
	REAL s = ma + fresh[i];
	m[i] = s * b;
}

/* divide_outer: t[r, j] /= dr[r]*dc[j] + damp. */
KERNEL void divide_outer(GLOBAL REAL* t, GLOBAL const REAL* dr, GLOBAL const REAL* dc, int rows, int cols, REAL damp) {
	int i = GID(0);
	if (i >= rows * cols) return;
	REAL p = dr[i / cols] * dc[i % cols];
	t[i] = t[i] / (p + damp);
}

/* momentum_step: the K-FAC/Shampoo repositories' SGD, without fma. */
KERNEL void momentum_step(GLOBAL REAL* p, GLOBAL const REAL* g, GLOBAL REAL* buf, int n,
		REAL lr, REAL mom, REAL wd, int hasWD, int hasMom) {
	int i = GID(0);
	if (i >= n) return;
	REAL pi = p[i], d = g[i];
	if (hasWD) {
		REAL w = wd * pi;
		d = d + w;
	}
	if (hasMom) {
		REAL m = mom * buf[i];
		d = d + m;
		buf[i] = d;
	}
	REAL s = lr * d;
	p[i] = pi - s;
}

/* accumulate: Shampoo's statistic, a sum (decay < 0) or a moving average. */
KERNEL void accumulate(GLOBAL REAL* stat, GLOBAL const REAL* fresh, int n, REAL decay, REAL omd, int sum, int square) {
	int i = GID(0);
	if (i >= n) return;
	REAL v = fresh[i];
	if (square) v = v * v;
	if (sum) {
		stat[i] = stat[i] + v;
	} else {
		REAL a = decay * stat[i];
		REAL b = omd * v;
		stat[i] = a + b;
	}
}

/* inv_sqrt_floor: dst = 1/sqrt(max(src, floor)) in ACC. */
KERNEL void inv_sqrt_floor(GLOBAL REAL* dst, GLOBAL const REAL* src, int n, ACC floor) {
	int i = GID(0);
	if (i >= n) return;
	ACC s = (ACC)src[i];
	if (s < floor) s = floor; /* NaN stays NaN, as Go's max */
	dst[i] = (REAL)((ACC)1 / sqrt(s));
}

/* graft_adam: Adam's second moment and direction for Shampoo's grafting. */
KERNEL void graft_adam(GLOBAL const REAL* g, GLOBAL REAL* v, GLOBAL REAL* out, int n,
		REAL b2, REAL omb2, ACC sbc, ACC eps) {
	int i = GID(0);
	if (i >= n) return;
	REAL x = g[i];
	REAL a = b2 * v[i];
	REAL b = omb2 * x;
	b = b * x;
	REAL vi = a + b;
	v[i] = vi;
	out[i] = (REAL)((ACC)x / (sqrt((ACC)vi) / sbc + eps));
}

/* adahessian_step: optim.AdaHessian's update in ACC; m and v are stored
 * rounded and read back rounded, as optim does. */
KERNEL void adahessian_step(GLOBAL REAL* p, GLOBAL const REAL* g, GLOBAL REAL* m, GLOBAL REAL* v, GLOBAL const REAL* d, int n,
		ACC b1, ACC omb1, ACC b2, ACC omb2, ACC eps, ACC wd, ACC lr, ACC k, ACC bc1, ACC sbc2, ACC sbc2k, int power1) {
	int i = GID(0);
	if (i >= n) return;
	ACC bm = b1 * (ACC)m[i];
	ACC gm = omb1 * (ACC)g[i];
	ACC mj = bm + gm;
	ACC dj = (ACC)d[i];
	ACC bv = b2 * (ACC)v[i];
	ACC dv = omb2 * dj;
	dv = dv * dj;
	ACC vj = bv + dv;
	REAL mr = (REAL)mj, vr = (REAL)vj;
	m[i] = mr;
	v[i] = vr;
	ACC denom;
	if (power1) {
		denom = sqrt((ACC)vr) / sbc2 + eps;
	} else {
		denom = pow(sqrt((ACC)vr), k) / sbc2k + eps;
	}
	ACC x = (ACC)p[i];
	ACC u = (ACC)mr / bc1 / denom;
	ACC w = wd * x;
	u = u + w;
	u = lr * u;
	p[i] = (REAL)(x - u);
}

/* AdaFisher's full factors in three passes: minmax_partial writes each
 * group's extremes of x to part[2g], part[2g+1]; minmax_combine (one group)
 * writes the global ones to part[2*groups], part[2*groups+1] (ACC holds a
 * REAL exactly); full_factor_apply sets state = a*state +
 * b*(fresh - lo)/(hi - lo + eps), from the identity when first. */
KERNEL void minmax_partial(GLOBAL const REAL* x, GLOBAL ACC* part, int n, int groups) {
	SHARED REAL red[WG];
	int l = LID(0), g = GROUP(0);
	REAL lo = INFINITY, hi = -INFINITY;
	for (int i = g * WG + l; i < n; i += groups * WG) {
		REAL v = x[i];
		if (v < lo) lo = v;
		if (v > hi) hi = v;
	}
	lo = reduce_min(red, lo, l);
	hi = reduce_max(red, hi, l);
	if (l == 0) {
		part[2 * g] = (ACC)lo;
		part[2 * g + 1] = (ACC)hi;
	}
}

KERNEL void minmax_combine(GLOBAL ACC* part, int groups) {
	SHARED REAL red[WG];
	int l = LID(0);
	REAL lo = INFINITY, hi = -INFINITY;
	for (int i = l; i < groups; i += WG) {
		REAL a = (REAL)part[2 * i], b = (REAL)part[2 * i + 1];
		if (a < lo) lo = a;
		if (b > hi) hi = b;
	}
	lo = reduce_min(red, lo, l);
	hi = reduce_max(red, hi, l);
	if (l == 0) {
		part[2 * groups] = (ACC)lo;
		part[2 * groups + 1] = (ACC)hi;
	}
}

KERNEL void full_factor_apply(GLOBAL REAL* state, GLOBAL const REAL* fresh, GLOBAL const ACC* part, int at,
		int dim, REAL a, REAL b, REAL eps, int first) {
	int i = GID(0);
	if (i >= dim * dim) return;
	REAL lo = (REAL)part[at], hi = (REAL)part[at + 1];
	REAL den = hi - lo;
	den = den + eps;
	REAL z = (fresh[i] - lo) / den;
	REAL prev = first ? ((i / dim == i % dim) ? (REAL)1 : (REAL)0) : state[i];
	REAL x = a * prev;
	REAL y = b * z;
	state[i] = x + y;
}
