/* Optimizer updates, rounded as PyTorch 1.13's CPU kernels (see
 * optim/arith.go): each "x + a*y" is one fma, other products are rounded
 * before they are added (contraction is off), the scalars come from the
 * host already rounded to REAL. */

KERNEL void sgd(GLOBAL REAL* p, GLOBAL const REAL* g, GLOBAL REAL* buf, int n,
		REAL nlr, REAL wd, REAL mom, REAL damp, int hasWD, int first, int nesterov) {
	int i = GID(0);
	if (i >= n) return;
	REAL pi = p[i], d = g[i];
	if (hasWD) d = fma(wd, pi, d);
	if (buf != 0) {
		REAL b = d;
		if (!first) {
			REAL bm = buf[i] * mom;
			b = fma(damp, d, bm);
		}
		buf[i] = b;
		d = nesterov ? fma(mom, b, d) : b;
	}
	p[i] = fma(nlr, d, pi);
}

KERNEL void adam(GLOBAL REAL* p, GLOBAL const REAL* g, GLOBAL REAL* m, GLOBAL REAL* v, int n,
		REAL b1, REAL omb1, REAL b2, REAL omb2, REAL eps, REAL bc2, REAL ns, REAL wd, REAL decay,
		int hasWD, int hasDecay) {
	int i = GID(0);
	if (i >= n) return;
	REAL pi = p[i], gi = g[i];
	if (hasWD) gi = fma(wd, pi, gi);
	if (hasDecay) pi = pi * decay;
	REAL mb = m[i] * b1;
	REAL mi = fma(omb1, gi, mb);
	REAL vb = v[i] * b2;
	REAL og = omb2 * gi;
	REAL vi = fma(og, gi, vb);
	m[i] = mi;
	v[i] = vi;
	REAL den = sqrt(vi) / bc2 + eps;
	REAL step = ns * mi;
	p[i] = pi + step / den;
}

KERNEL void fisher_step(GLOBAL REAL* p, GLOBAL const REAL* g, GLOBAL REAL* m, GLOBAL const REAL* f, int n,
		REAL beta, REAL omb, REAL ns, REAL wd, REAL shrink, int coupled, int decoupled) {
	int i = GID(0);
	if (i >= n) return;
	REAL pi = p[i], gi = g[i];
	if (coupled) gi = fma(wd, pi, gi);
	if (decoupled) pi = fma(shrink, pi, pi);
	REAL mb = m[i] * beta;
	REAL mi = fma(omb, gi, mb);
	m[i] = mi;
	REAL step = ns * mi;
	if (f != 0) step = step / f[i];
	p[i] = pi + step;
}
