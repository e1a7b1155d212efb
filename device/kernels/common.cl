/* Shared helpers. WG is the work-group size of the kernels that reduce
 * with one group per segment (a channel, a row); they are launched with
 * exactly WG work-items per group. No BARRIER() may sit inside a branch,
 * even one every work-item takes: pocl 3.1 miscomputes such kernels. */
#define WG 64

/* reduce_sum returns the sum of v over the group, to every work-item. */
DEVICE_FN ACC reduce_sum(LOCALP ACC* red, ACC v, int l) {
	red[l] = v;
	BARRIER();
	for (int s = WG / 2; s > 0; s >>= 1) {
		if (l < s) red[l] += red[l + s];
		BARRIER();
	}
	ACC r = red[0];
	BARRIER();
	return r;
}

DEVICE_FN REAL reduce_min(LOCALP REAL* red, REAL v, int l) {
	red[l] = v;
	BARRIER();
	for (int s = WG / 2; s > 0; s >>= 1) {
		if (l < s && red[l + s] < red[l]) red[l] = red[l + s];
		BARRIER();
	}
	REAL r = red[0];
	BARRIER();
	return r;
}

DEVICE_FN REAL reduce_max(LOCALP REAL* red, REAL v, int l) {
	red[l] = v;
	BARRIER();
	for (int s = WG / 2; s > 0; s >>= 1) {
		if (l < s && red[l + s] > red[l]) red[l] = red[l + s];
		BARRIER();
	}
	REAL r = red[0];
	BARRIER();
	return r;
}

/* The device reports bad indices in status: [code, position, value]. */
#define STATUS_LABEL 1
#define STATUS_INDEX 2

DEVICE_FN void report(GLOBAL int* status, int code, int at, int value) {
	if (status[0] == 0) {
		status[0] = code;
		status[1] = at;
		status[2] = value;
	}
}
