#!/usr/bin/env python3
"""Writes golden.json: FFT spectra, magnitudes and SNRs from numpy for
spectral's tests.

Run from this directory with Debian's python3-numpy:  python3 generate.py
The Go tests read only golden.json; they never need Python.

fft: F = numpy.fft.fftshift(numpy.fft.fft2(M)) for matrices of even, odd and
prime sizes, with 20*ln|F| (reference image) and 20*log10|F| (corrected).
snr: the notebooks' formula as section 11.4 of the reference describes it,
10*log10(mean(diag(M)**2) / mean(triu(Mnoisy, k=1)**2)), for a given M and
Mnoisy; and the corrected formula over the n(n-1)/2 upper entries.
"""
import json

import numpy as np

rng = np.random.default_rng(5)


def flat(a):
    return [float(v) for v in np.asarray(a).ravel()]


fft = []
for rows, cols in [(4, 4), (6, 7), (7, 5), (13, 11), (1, 6), (9, 1)]:
    m = rng.normal(size=(rows, cols))
    f = np.fft.fftshift(np.fft.fft2(m))
    fft.append({"rows": rows, "cols": cols, "matrix": flat(m),
                "re": flat(f.real), "im": flat(f.imag),
                "ln": flat(20 * np.log(np.abs(f))), "db": flat(20 * np.log10(np.abs(f)))})

snr = []
for n in [3, 8, 20]:
    a = rng.normal(size=(n, n))
    m = a @ a.T / n + np.eye(n)
    noise = rng.normal(scale=0.1, size=(n, n))
    np.fill_diagonal(noise, 0)
    noisy = m + noise
    sym_noise = np.triu(noise, 1) + np.triu(noise, 1).T
    pairs = n * (n - 1) / 2
    p_signal = np.mean(np.diag(m) ** 2)
    snr.append({
        "n": n, "matrix": flat(m), "noisy": flat(noisy), "sym_noise": flat(sym_noise),
        "reference": float(10 * np.log10(p_signal / np.mean(np.triu(noisy, k=1) ** 2))),
        "corrected_clean": float(10 * np.log10(p_signal / (np.sum(np.triu(m, 1) ** 2) / pairs))),
        "corrected_noise": float(10 * np.log10(p_signal / (np.sum(np.triu(sym_noise, 1) ** 2) / pairs))),
        "diagonal_share": float(np.sum(np.diag(m) ** 2) / np.sum(m ** 2)),
    })

with open("golden.json", "w") as f:
    json.dump({"numpy": np.__version__, "fft": fft, "snr": snr}, f)
    f.write("\n")
