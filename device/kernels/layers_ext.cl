/* nn.Softmax, nn.GroupNorm and AdaFisher's Embedding factors
 * (device.LayerExtOps), computed as nn and optim compute them. */

/* softmax_rows: nn's softmaxRow on each row, one work-item per row: the
 * maximum (a NaN wins, as Go's max), exp of the difference in REAL, the
 * sum in ACC, each value rounded to REAL before it is scaled. */
KERNEL void softmax_rows(GLOBAL const REAL* x, GLOBAL REAL* y, int rows, int cols) {
	int r = GID(0);
	if (r >= rows) return;
	GLOBAL const REAL* src = x + r * cols;
	GLOBAL REAL* dst = y + r * cols;
	REAL m = src[0];
	for (int j = 1; j < cols; j++) {
		REAL v = src[j];
		if (m == m && (v > m || v != v)) m = v;
	}
	ACC sum = 0;
	for (int j = 0; j < cols; j++) {
		ACC e = exp((ACC)(src[j] - m));
		dst[j] = (REAL)e;
		sum += e;
	}
	ACC inv = 1 / sum;
	for (int j = 0; j < cols; j++) dst[j] = (REAL)((ACC)dst[j] * inv);
}

/* softmax_rows_backward: dx = y*(dy - dot), the dot product summed in REAL
 * in column order, as nn.Softmax. */
KERNEL void softmax_rows_backward(GLOBAL const REAL* y, GLOBAL const REAL* dy, GLOBAL REAL* dx, int rows, int cols) {
	int r = GID(0);
	if (r >= rows) return;
	int o = r * cols;
	REAL dot = 0;
	for (int j = 0; j < cols; j++) {
		REAL p = y[o + j] * dy[o + j];
		dot += p;
	}
	for (int j = 0; j < cols; j++) dx[o + j] = y[o + j] * (dy[o + j] - dot);
}

/* gn_forward: one work-group per (sample, group) segment of cpg*HW
 * consecutive values: mean and biased variance in ACC by two passes. */
KERNEL void gn_forward(GLOBAL const REAL* x, GLOBAL const REAL* w, GLOBAL const REAL* b,
		GLOBAL REAL* xhat, GLOBAL REAL* y, GLOBAL REAL* invstd, int G, int cpg, int HW, ACC eps) {
	SHARED ACC red[WG];
	int i = GROUP(0), l = LID(0), size = cpg * HW;
	GLOBAL const REAL* src = x + i * size;
	ACC s = 0;
	for (int j = l; j < size; j += WG) s += (ACC)src[j];
	ACC mean = reduce_sum(red, s, l) / (ACC)size;
	ACC q = 0;
	for (int j = l; j < size; j += WG) {
		ACC dv = (ACC)src[j] - mean;
		q += dv * dv;
	}
	ACC inv = 1 / sqrt(reduce_sum(red, q, l) / (ACC)size + eps);
	if (l == 0) invstd[i] = (REAL)inv;
	int c0 = (i % G) * cpg;
	for (int j = l; j < size; j += WG) {
		int c = c0 + j / HW;
		ACC z = ((ACC)src[j] - mean) * inv;
		xhat[i * size + j] = (REAL)z;
		y[i * size + j] = (REAL)((ACC)w[c] * z + (ACC)b[c]);
	}
}

/* gn_backward_dx: per segment, dx = invstd*(u - mean(u) - xhat*mean(u*xhat))
 * with u = w*dy. */
KERNEL void gn_backward_dx(GLOBAL const REAL* dy, GLOBAL const REAL* xhat, GLOBAL const REAL* w, GLOBAL const REAL* invstd,
		GLOBAL REAL* dx, int G, int cpg, int HW) {
	SHARED ACC red[WG];
	int i = GROUP(0), l = LID(0), size = cpg * HW;
	int c0 = (i % G) * cpg, o = i * size;
	ACC su = 0, sux = 0;
	for (int j = l; j < size; j += WG) {
		ACC u = (ACC)w[c0 + j / HW] * (ACC)dy[o + j];
		su += u;
		sux += u * (ACC)xhat[o + j];
	}
	ACC mu = reduce_sum(red, su, l) / (ACC)size;
	ACC mux = reduce_sum(red, sux, l) / (ACC)size;
	ACC inv = (ACC)invstd[i];
	for (int j = l; j < size; j += WG) {
		int at = o + j;
		dx[at] = (REAL)(inv * ((ACC)w[c0 + j / HW] * (ACC)dy[at] - mu - (ACC)xhat[at] * mux));
	}
}

/* gn_param_grad adds the weight and bias gradients of channel c, one
 * work-item per channel, in REAL over the samples and then the positions,
 * the order of nn.GroupNorm. */
KERNEL void gn_param_grad(GLOBAL const REAL* dy, GLOBAL const REAL* xhat, GLOBAL REAL* dw, GLOBAL REAL* db, int B, int C, int HW) {
	int c = GID(0);
	if (c >= C) return;
	REAL gw = dw[c], gb = db[c];
	for (int n = 0; n < B; n++) {
		int off = (n * C + c) * HW;
		for (int k = 0; k < HW; k++) {
			REAL v = dy[off + k];
			gw += v * xhat[off + k];
			gb += v;
		}
	}
	dw[c] = gw;
	db[c] = gb;
}

/* fisher_index_freq: h[v] = (number of i with idx[i] == v) * scale, the
 * Embedding factor's activation side; work-item 0 reports a bad index. */
KERNEL void fisher_index_freq(GLOBAL const int* idx, GLOBAL REAL* h, GLOBAL int* status, int n, int num, ACC scale) {
	int v = GID(0);
	if (v >= num) return;
	int count = 0;
	for (int i = 0; i < n; i++) {
		int k = idx[i];
		if (k == v) count++;
		if (v == 0 && (k < 0 || k >= num)) report(status, STATUS_INDEX, i, k);
	}
	h[v] = (REAL)detect_inf((ACC)count * scale);
}
