#!/usr/bin/env python3
"""Writes golden.json: eigenvalues from numpy for gersgorin's tests.

Run from this directory with Debian's python3-numpy:  python3 generate.py
The Go tests read only golden.json; they never need Python.

For each case: the matrix (row-major), numpy.linalg.eigvals (sorted by real,
then imaginary part, as [re, im] pairs) and numpy.linalg.eigh (ascending;
eigh reads only the lower triangle, which is what reference mode must match).
"""
import json

import numpy as np

rng = np.random.default_rng(20250105)
cases = []
for name, n, symmetric in [("nonsymmetric-6", 6, False), ("symmetric-7", 7, True),
                           ("nonsymmetric-1", 1, False), ("nonsymmetric-12", 12, False)]:
    m = rng.normal(size=(n, n))
    if symmetric:
        m = (m + m.T) / 2
    eigvals = np.linalg.eigvals(m)
    eigvals = sorted(eigvals, key=lambda z: (z.real, z.imag))
    cases.append({
        "name": name,
        "n": n,
        "matrix": [float(v) for v in m.ravel()],
        "eigvals": [[float(z.real), float(z.imag)] for z in eigvals],
        "eigh_lower": [float(v) for v in np.linalg.eigh(m)[0]],
    })

with open("golden.json", "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
