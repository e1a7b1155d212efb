KERNEL void fill_real(GLOBAL REAL* x, int off, int n, REAL v) {
	int i = GID(0);
	if (i < n) x[off + i] = v;
}

KERNEL void fill_int(GLOBAL int* x, int off, int n, int v) {
	int i = GID(0);
	if (i < n) x[off + i] = v;
}

KERNEL void add(GLOBAL REAL* dst, GLOBAL const REAL* a, GLOBAL const REAL* b, int n) {
	int i = GID(0);
	if (i < n) dst[i] = a[i] + b[i];
}

KERNEL void mul(GLOBAL REAL* dst, GLOBAL const REAL* a, GLOBAL const REAL* b, int n) {
	int i = GID(0);
	if (i < n) dst[i] = a[i] * b[i];
}

/* scale_mat sets the rows x cols matrix at off (leading dimension ld) to
 * beta times itself, 0 when beta is 0: a GEMM with an empty inner
 * dimension. */
KERNEL void scale_mat(GLOBAL REAL* c, int off, int ld, int rows, int cols, REAL beta) {
	int i = GID(0);
	if (i >= rows * cols) return;
	int at = off + (i / cols) * ld + i % cols;
	c[at] = beta == 0 ? (REAL)0 : beta * c[at];
}

KERNEL void broadcast_rows(GLOBAL REAL* dst, GLOBAL const REAL* src, int rows, int cols) {
	int i = GID(0);
	if (i < rows * cols) dst[i] = src[i % cols];
}

/* sum_rows adds column j's sum into dst[j], row by row in REAL. */
KERNEL void sum_rows(GLOBAL REAL* dst, GLOBAL const REAL* src, int rows, int cols) {
	int j = GID(0);
	if (j >= cols) return;
	REAL acc = dst[j];
	for (int r = 0; r < rows; r++) acc += src[r * cols + j];
	dst[j] = acc;
}

#define ACT_RELU 1
#define ACT_TANH 2
#define ACT_SIGMOID 3
#define ACT_GELU 4
#define SQRT2 1.4142135623730951
#define INV_SQRT_2PI 0.3989422804014327

KERNEL void act_forward(int f, GLOBAL const REAL* x, GLOBAL REAL* y, int n) {
	int i = GID(0);
	if (i >= n) return;
	REAL v = x[i];
	ACC a = (ACC)v;
	switch (f) {
	case ACT_RELU:
		/* max(v, 0) propagating NaN, as torch.relu */
		y[i] = (v > 0 || v != v) ? v : (REAL)0;
		break;
	case ACT_TANH:
		y[i] = (REAL)tanh(a);
		break;
	case ACT_SIGMOID:
		if (a >= 0) {
			y[i] = (REAL)(1 / (1 + exp(-a)));
		} else {
			ACC e = exp(a);
			y[i] = (REAL)(e / (1 + e));
		}
		break;
	case ACT_GELU:
		y[i] = (REAL)(a * (0.5 * (1 + erf(a / (ACC)SQRT2))));
		break;
	}
}

KERNEL void act_backward(int f, GLOBAL const REAL* x, GLOBAL const REAL* y, GLOBAL const REAL* dy, GLOBAL REAL* dx, int n) {
	int i = GID(0);
	if (i >= n) return;
	REAL g = dy[i];
	switch (f) {
	case ACT_RELU:
		/* the output is +0 exactly where x <= 0; NaN passes */
		dx[i] = y[i] == 0 ? (REAL)0 : g;
		break;
	case ACT_TANH: {
		REAL t = y[i];
		dx[i] = g * (1 - t * t);
		break;
	}
	case ACT_SIGMOID: {
		REAL s = y[i];
		dx[i] = g * s * (1 - s);
		break;
	}
	case ACT_GELU: {
		ACC a = (ACC)x[i];
		ACC cdf = 0.5 * (1 + erf(a / (ACC)SQRT2));
		ACC pdf = (ACC)INV_SQRT_2PI * exp(-0.5 * a * a);
		dx[i] = g * (REAL)(cdf + a * pdf);
		break;
	}
	}
}

/* gemm_batched: C_i = alpha*op(A_i)*op(B_i) + beta*C_i for batch small
 * products (attention's per-head ones), one work item per entry of C, the
 * inner products by fma in order. With beta 0, C is not read. */
KERNEL void gemm_batched(GLOBAL const REAL* a, GLOBAL const REAL* b, GLOBAL REAL* c, int m, int n, int k,
		REAL alpha, REAL beta, int ta, int tb, int aOff, int lda, int sa, int bOff, int ldb, int sb,
		int cOff, int ldc, int sc, int batch) {
	int t = GID(0);
	if (t >= batch * m * n) return;
	int bi = t / (m * n), i = (t / n) % m, j = t % n;
	GLOBAL const REAL* ap = a + aOff + bi * sa;
	GLOBAL const REAL* bp = b + bOff + bi * sb;
	REAL sum = 0;
	for (int p = 0; p < k; p++) {
		REAL x = ta ? ap[p * lda + i] : ap[i * lda + p];
		REAL y = tb ? bp[j * ldb + p] : bp[p * ldb + j];
		sum = fma(x, y, sum);
	}
	GLOBAL REAL* cp = c + cOff + bi * sc + i * ldc + j;
	REAL r = alpha * sum;
	if (beta != 0) r = r + beta * cp[0];
	cp[0] = r;
}
