/* Convolution as im2col and GEMM (see nn.Conv2d). Geometry: input
 * B x C x H x W, square kernel K, stride S, padding P, output OH x OW; the
 * patch matrix has a row per output position (b, oy, ox) and a column per
 * weight entry (c, i, j). */

KERNEL void im2col(GLOBAL const REAL* x, GLOBAL REAL* cols, int B, int C, int H, int W, int K, int S, int P, int OH, int OW) {
	int t = GID(0);
	int d = C * K * K;
	if (t >= B * OH * OW * d) return;
	int row = t / d, col = t % d;
	int ox = row % OW, oy = (row / OW) % OH, b = row / (OW * OH);
	int j = col % K, i = (col / K) % K, c = col / (K * K);
	int ih = oy * S - P + i, iw = ox * S - P + j;
	REAL v = 0;
	if (ih >= 0 && ih < H && iw >= 0 && iw < W) v = x[((b * C + c) * H + ih) * W + iw];
	cols[t] = v;
}

/* col2im sets each input position to the sum of its patch entries, in
 * nn.Conv2d's order: output row, then kernel column. */
KERNEL void col2im(GLOBAL const REAL* dcols, GLOBAL REAL* dx, int B, int C, int H, int W, int K, int S, int P, int OH, int OW) {
	int t = GID(0);
	if (t >= B * C * H * W) return;
	int iw = t % W, ih = (t / W) % H, c = (t / (W * H)) % C, b = t / (W * H * C);
	int d = C * K * K;
	REAL acc = 0;
	for (int oy = 0; oy < OH; oy++) {
		int i = ih - oy * S + P;
		if (i < 0 || i >= K) continue;
		for (int j = 0; j < K; j++) {
			int w = iw + P - j;
			if (w < 0 || w % S != 0) continue;
			int ox = w / S;
			if (ox >= OW) continue;
			acc += dcols[((b * OH + oy) * OW + ox) * d + (c * K + i) * K + j];
		}
	}
	dx[t] = acc;
}

/* conv_output scatters the rows of the GEMM's output to NCHW and adds the
 * bias (optional). */
KERNEL void conv_output(GLOBAL const REAL* ymat, GLOBAL const REAL* bias, GLOBAL REAL* y, int B, int out, int sp) {
	int t = GID(0);
	if (t >= B * out * sp) return;
	int p = t % sp, o = (t / sp) % out, b = t / (sp * out);
	REAL bv = 0;
	if (bias != 0) bv = bias[o];
	y[t] = ymat[(b * sp + p) * out + o] + bv;
}

KERNEL void conv_grad_rows(GLOBAL const REAL* dy, GLOBAL REAL* grows, int B, int out, int sp) {
	int t = GID(0);
	if (t >= B * out * sp) return;
	int o = t % out, p = (t / out) % sp, b = t / (out * sp);
	grows[t] = dy[(b * out + o) * sp + p];
}

/* conv_bias_grad adds, per sample, the sum of channel o's plane (in REAL)
 * into dbias[o]. */
KERNEL void conv_bias_grad(GLOBAL const REAL* dy, GLOBAL REAL* dbias, int B, int out, int sp) {
	int o = GID(0);
	if (o >= out) return;
	REAL acc = dbias[o];
	for (int b = 0; b < B; b++) {
		GLOBAL const REAL* plane = dy + (b * out + o) * sp;
		REAL sum = 0;
		for (int p = 0; p < sp; p++) sum += plane[p];
		acc += sum;
	}
	dbias[o] = acc;
}
