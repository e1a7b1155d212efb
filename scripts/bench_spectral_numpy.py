#!/usr/bin/env python3
"""Times `spectral analyze --matrix` against numpy on the same matrices, in one run.

Usage (Debian's python3-numpy; from the repository root):

    /usr/bin/python3 scripts/bench_spectral_numpy.py [--sizes 1024,2048,4608] [--mode both] [--workers 0]

For every size n it writes a factor-like symmetric matrix (X X^T / k plus a
diagonal, as a Kronecker factor) to a temporary .npy file, then

  * times numpy on the computations `spectral analyze --mode both` makes for
    that matrix: numpy.linalg.eigvals (the discs' eigenvalues, as the official
    notebooks compute them), numpy.linalg.eigvalsh of the clean matrix and of
    the two perturbed ones, and three fftshift(fft2(.)); and eigvalsh and
    eigvals alone. numpy runs in a child process without OPENBLAS_CORETYPE
    and OPENBLAS_L2_SIZE in its environment, so OpenBLAS picks its own kernels;
  * times `spectral analyze --matrix FILE --mode MODE --out DIR` (built once
    with `go build`), wall clock and the child's peak RSS;
  * checks the Go eigenvalues against numpy.linalg.eigvalsh of the same
    matrix: the largest difference over the sorted spectrum divided by the
    largest |eigenvalue| must be at most 1e-9.

It prints one JSON object per size and a summary table.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

NUMPY_TIMING = r"""
import json, sys, time
import numpy as np
path, = sys.argv[1:]
m = np.load(path)
n = m.shape[0]
rng = np.random.default_rng(0)
def timed(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t
out = {}
out["eigvalsh"] = timed(lambda: np.linalg.eigvalsh(m))
out["fft2"] = timed(lambda: np.fft.fftshift(np.fft.fft2(m)))
noise = rng.normal(0, 1e-3, (n, n))
np.fill_diagonal(noise, 0)
ref = m + noise                      # reference: independent draws, eigh reads the lower triangle
sym = np.triu(noise, 1); sym = sym + sym.T
cor = m + sym                        # corrected: one draw per pair
t, c = time.perf_counter(), time.process_time()
np.linalg.eigvalsh(m); np.linalg.eigvalsh(ref); np.linalg.eigvalsh(cor)
for x in (m, ref, cor):
    np.fft.fftshift(np.fft.fft2(x))
out["all_but_eigvals"] = time.perf_counter() - t
out["all_but_eigvals_cpu"] = time.process_time() - c
c = time.process_time()
out["eigvals"] = timed(lambda: np.linalg.eigvals(m))
out["eigvals_cpu"] = time.process_time() - c
out["all"] = out["all_but_eigvals"] + out["eigvals"]
out["all_cpu"] = out["all_but_eigvals_cpu"] + out["eigvals_cpu"]
print(json.dumps(out))
"""


def factor_like(n, rng):
    k = max(n // 2, 1)
    x = rng.normal(size=(n, k)) / np.sqrt(k)
    m = x @ x.T + np.diag(rng.uniform(0.1, 1.0, n))
    return (m + m.T) / 2  # exactly symmetric, as every Kronecker factor


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="1024,2048")
    p.add_argument("--mode", default="both")
    p.add_argument("--workers", default="0")
    p.add_argument("--skip-eigvals", action="store_true", help="leave numpy's eigvals out (minutes at 4608)")
    args = p.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tmp = tempfile.mkdtemp(prefix="bench_spectral_")
    exe = os.path.join(tmp, "spectral")
    subprocess.run(["go", "build", "-o", exe, "./cmd/spectral"], cwd=root, check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    rng = np.random.default_rng(15)
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        m = factor_like(n, rng)
        path = os.path.join(tmp, f"factor{n}.npy")
        np.save(path, m)
        code = NUMPY_TIMING
        if args.skip_eigvals:
            code = code.replace('timed(lambda: np.linalg.eigvals(m))', 'float("nan")')
        r = subprocess.run([sys.executable, "-c", code, path], env=env, check=True, capture_output=True, text=True)
        npt = json.loads(r.stdout)

        out = os.path.join(tmp, f"out{n}")
        # os.wait4 gives this child's own CPU time and peak RSS.
        t = time.perf_counter()
        child = subprocess.Popen([exe, "analyze", "--matrix", path, "--mode", args.mode, "--workers", args.workers, "--out", out],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=root)
        _, status, usage = os.wait4(child.pid, 0)
        go_s = time.perf_counter() - t
        if status != 0:
            sys.exit(f"spectral analyze failed: {child.stderr.read().decode()}")
        with open(os.path.join(out, "spectral.json")) as f:
            res = json.load(f)["matrices"][0]
        want = np.linalg.eigvalsh(m)
        scale = np.abs(want).max()
        general = np.array(sorted(z[0] for z in res["eigenvalues"]))
        errs = {"eigenvalues": float(np.abs(general - want).max() / scale)}
        for md in res["modes"]:
            errs["clean_" + md["mode"]] = float(np.abs(np.array(md["clean"]) - want).max() / scale)
        row = {"n": n, "go_seconds": go_s, "go_cpu_seconds": usage.ru_utime + usage.ru_stime,
               "go_peak_rss_mib": usage.ru_maxrss / 1024, "numpy": npt, "relative_error": errs,
               "match_1e-9": all(e <= 1e-9 for e in errs.values()),
               "largest_page_bytes": max(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out) if f.endswith(".html"))}
        print(json.dumps(row), flush=True)
        rows.append(row)
    print(f"{'n':>6} {'go s':>8} {'go cpu s':>9} {'numpy all s':>12} {'numpy cpu s':>12} {'numpy eigvalsh':>15} {'numpy eigvals':>14} {'numpy fft2':>11} {'max rel err':>12} {'RSS MiB':>8}")
    for r in rows:
        npt = r["numpy"]
        print(f"{r['n']:>6} {r['go_seconds']:>8.2f} {r['go_cpu_seconds']:>9.2f} {npt['all']:>12.2f} {npt['all_cpu']:>12.2f} {npt['eigvalsh']:>15.2f} {npt['eigvals']:>14.2f} {npt['fft2']:>11.2f} "
              f"{max(r['relative_error'].values()):>12.1e} {r['go_peak_rss_mib']:>8.0f}")


if __name__ == "__main__":
    main()
