/* Pooling over planes of H x W with a square window K and stride S, no
 * padding, floor mode (see nn.MaxPool2d, nn.AvgPool2d). */

/* maxpool keeps the first maximum of a window in scan order, or its last
 * NaN, and the input index of the winner. */
KERNEL void maxpool(GLOBAL const REAL* x, GLOBAL REAL* y, GLOBAL int* arg, int planes, int H, int W, int K, int S, int OH, int OW) {
	int o = GID(0);
	if (o >= planes * OH * OW) return;
	int c = o % OW, r = (o / OW) % OH, pl = o / (OW * OH);
	int start = pl * H * W + r * S * W + c * S;
	REAL best = -INFINITY;
	int at = start, nan = 0;
	for (int i = 0; i < K; i++) {
		for (int j = 0; j < K; j++) {
			int idx = start + i * W + j;
			REAL v = x[idx];
			if (v != v) {
				best = v;
				at = idx;
				nan = 1;
			} else if (!nan && v > best) {
				best = v;
				at = idx;
			}
		}
	}
	y[o] = best;
	arg[o] = at;
}

/* The windows that contain input row (or column) q: [lo, hi]. */
DEVICE_FN int win_lo(int q, int K, int S) { return q - K + 1 <= 0 ? 0 : (q - K + S) / S; }

/* maxpool_backward gathers, for each input, the gradients of the windows
 * whose maximum it is, in output order. */
KERNEL void maxpool_backward(GLOBAL const REAL* dy, GLOBAL const int* arg, GLOBAL REAL* dx, int planes, int H, int W, int K, int S, int OH, int OW) {
	int t = GID(0);
	if (t >= planes * H * W) return;
	int iw = t % W, ih = (t / W) % H, pl = t / (W * H);
	int r1 = min(ih / S, OH - 1), c1 = min(iw / S, OW - 1);
	REAL acc = 0;
	for (int r = win_lo(ih, K, S); r <= r1; r++) {
		for (int c = win_lo(iw, K, S); c <= c1; c++) {
			int o = (pl * OH + r) * OW + c;
			if (arg[o] == t) acc += dy[o];
		}
	}
	dx[t] = acc;
}

KERNEL void avgpool(GLOBAL const REAL* x, GLOBAL REAL* y, int planes, int H, int W, int K, int S, int OH, int OW) {
	int o = GID(0);
	if (o >= planes * OH * OW) return;
	int c = o % OW, r = (o / OW) % OH, pl = o / (OW * OH);
	GLOBAL const REAL* plane = x + pl * H * W;
	ACC sum = 0;
	for (int i = 0; i < K; i++)
		for (int j = 0; j < K; j++) sum += (ACC)plane[(r * S + i) * W + c * S + j];
	y[o] = (REAL)(sum * (1 / (ACC)(K * K)));
}

KERNEL void avgpool_backward(GLOBAL const REAL* dy, GLOBAL REAL* dx, int planes, int H, int W, int K, int S, int OH, int OW) {
	int t = GID(0);
	if (t >= planes * H * W) return;
	int iw = t % W, ih = (t / W) % H, pl = t / (W * H);
	int r1 = min(ih / S, OH - 1), c1 = min(iw / S, OW - 1);
	REAL inv = (REAL)(1 / (ACC)(K * K));
	REAL acc = 0;
	for (int r = win_lo(ih, K, S); r <= r1; r++)
		for (int c = win_lo(iw, K, S); c <= c1; c++) acc += dy[(pl * OH + r) * OW + c] * inv;
	dx[t] = acc;
}

KERNEL void gap(GLOBAL const REAL* x, GLOBAL REAL* y, int planes, int hw) {
	int i = GID(0);
	if (i >= planes) return;
	ACC sum = 0;
	for (int j = 0; j < hw; j++) sum += (ACC)x[i * hw + j];
	y[i] = (REAL)(sum * (1 / (ACC)hw));
}

KERNEL void gap_backward(GLOBAL const REAL* dy, GLOBAL REAL* dx, int planes, int hw) {
	int t = GID(0);
	if (t >= planes * hw) return;
	dx[t] = dy[t / hw] * (REAL)(1 / (ACC)hw);
}
