/* Softmax cross-entropy (nn.CrossEntropy), one work-item per row: the
 * row's loss, whether its first maximum is the label, and the gradient of
 * the mean loss (grad optional). */
KERNEL void softmax_xent(GLOBAL const REAL* logits, GLOBAL const int* labels, GLOBAL REAL* grad, GLOBAL REAL* loss,
		GLOBAL int* correct, GLOBAL int* status, int rows, int cols) {
	int r = GID(0);
	if (r >= rows) return;
	GLOBAL const REAL* z = logits + r * cols;
	int y = labels[r];
	if (y < 0 || y >= cols) {
		report(status, STATUS_LABEL, r, y);
		return;
	}
	REAL m = z[0];
	int arg = 0;
	for (int j = 1; j < cols; j++) {
		if (z[j] > m) {
			m = z[j];
			arg = j;
		}
	}
	correct[r] = arg == y ? 1 : 0;
	ACC sum = 0;
	for (int j = 0; j < cols; j++) sum += exp((ACC)(z[j] - m));
	ACC lse = (ACC)m + log(sum);
	loss[r] = (REAL)(lse - (ACC)z[y]);
	if (grad == 0) return;
	ACC inv = 1 / (ACC)rows;
	GLOBAL REAL* g = grad + r * cols;
	for (int j = 0; j < cols; j++) g[j] = (REAL)(exp((ACC)z[j] - lse) * inv);
	g[y] -= (REAL)inv;
}

/* embedding copies row idx[i] of w (num x dim) to row i of y. */
KERNEL void embedding(GLOBAL const int* idx, GLOBAL const REAL* w, GLOBAL REAL* y, GLOBAL int* status, int n, int dim, int num) {
	int t = GID(0);
	if (t >= n * dim) return;
	int i = t / dim, k = idx[i];
	if (k < 0 || k >= num) {
		report(status, STATUS_INDEX, i, k);
		return;
	}
	y[t] = w[k * dim + t % dim];
}

/* embedding_backward: one work-item per column, adding the rows in input
 * order as nn.Embedding, with no two work-items writing the same entry. */
KERNEL void embedding_backward(GLOBAL const int* idx, GLOBAL const REAL* dy, GLOBAL REAL* dw, GLOBAL int* status, int n, int dim, int num) {
	int j = GID(0);
	if (j >= dim) return;
	for (int i = 0; i < n; i++) {
		int k = idx[i];
		if (k < 0 || k >= num) {
			report(status, STATUS_INDEX, i, k);
			continue;
		}
		dw[k * dim + j] += dy[i * dim + j];
	}
}

/* causal_softmax: row r of the blocks of t x t is position i = r % t; its
 * first i+1 entries become their softmax (nn's softmaxRow), the rest 0. */
KERNEL void causal_softmax(GLOBAL REAL* p, int rows, int t) {
	int r = GID(0);
	if (r >= rows) return;
	int i = r % t;
	GLOBAL REAL* row = p + r * t;
	REAL m = row[0];
	for (int j = 1; j <= i; j++) {
		REAL v = row[j];
		if (m == m && (v > m || v != v)) m = v;
	}
	ACC sum = 0;
	for (int j = 0; j <= i; j++) {
		ACC e = exp((ACC)(row[j] - m));
		row[j] = (REAL)e;
		sum += e;
	}
	ACC inv = 1 / sum;
	for (int j = 0; j <= i; j++) row[j] = (REAL)((ACC)row[j] * inv);
	for (int j = i + 1; j < t; j++) row[j] = 0;
}

KERNEL void causal_softmax_backward(GLOBAL const REAL* p, GLOBAL REAL* ds, int rows, int t) {
	int r = GID(0);
	if (r >= rows) return;
	int i = r % t;
	GLOBAL const REAL* pr = p + r * t;
	GLOBAL REAL* dr = ds + r * t;
	ACC dot = 0;
	for (int j = 0; j <= i; j++) dot += (ACC)pr[j] * (ACC)dr[j];
	REAL d = (REAL)dot;
	for (int j = 0; j <= i; j++) dr[j] = pr[j] * (dr[j] - d);
	for (int j = i + 1; j < t; j++) dr[j] = 0;
}
