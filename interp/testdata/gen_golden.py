#!/usr/bin/python3
"""Golden values for interp/'s Clough-Tocher interpolator.

Computes scipy.interpolate.griddata(points, values, (GX, GY), method='cubic')
on an np.mgrid over the points' bounding box, the interpolant at the data
points and at extra query points, and CloughTocher2DInterpolator(...).grad,
for several point sets, and writes them to clough_tocher.json next to this
script. NaN is stored as null.

Run with Debian's SciPy (apt-get install python3-scipy):

    /usr/bin/python3 interp/testdata/gen_golden.py

The Go tests read the JSON only; they never need Python.
"""

import json
import os

import numpy as np
import scipy
from scipy.interpolate import CloughTocher2DInterpolator, griddata


def smooth(x, y):
    return np.sin(3 * x) * np.cos(2 * y) + 0.5 * x * y


def spiral_paths():
    """Five optimizer-like paths of 20 points each, all leaving (0.2, 0.2)
    on curved, decelerating routes towards different end points, with a
    loss that decreases along them (shaped like the Figure 1 data)."""
    rng = np.random.default_rng(7)
    ends = [(1.4, -0.6), (0.9, 1.3), (-0.5, 1.1), (1.8, 0.7), (-0.2, -0.4)]
    xs, ys = [], []
    for k, (ex, ey) in enumerate(ends):
        t = 1 - (1 - np.linspace(0.05, 1, 20)) ** 2  # fast start, slow end
        bend = 0.35 * (k - 2) * np.sin(np.pi * t)
        dx, dy = ex - 0.2, ey - 0.2
        nx, ny = -dy, dx
        x = 0.2 + t * dx + bend * nx / np.hypot(nx, ny) + rng.normal(0, 0.004, 20)
        y = 0.2 + t * dy + bend * ny / np.hypot(nx, ny) + rng.normal(0, 0.004, 20)
        xs.append(x)
        ys.append(y)
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    loss = 0.65 + 0.4 / (1 + np.exp(-(np.hypot(x - 0.5, y - 0.4) - 0.8) * 3)) + 0.03 * np.sin(5 * x)
    return x, y, loss


def datasets():
    out = {}
    r = np.random.default_rng(0)
    p = r.random((20, 2))
    out["random20"] = (p[:, 0], p[:, 1], smooth(p[:, 0], p[:, 1]), 37, 41)

    r = np.random.default_rng(1)
    p = r.random((50, 2))
    x = -2 + 5 * p[:, 0]
    y = 0.5 + p[:, 1]
    out["random50"] = (x, y, r.normal(size=50), 43, 31)

    r = np.random.default_rng(2)
    p = r.normal(size=(100, 2))
    out["random100"] = (p[:, 0], p[:, 1], np.exp(-(p[:, 0] ** 2 + p[:, 1] ** 2)), 40, 40)

    x, y, loss = spiral_paths()
    out["spiral"] = (x, y, loss, 60, 60)

    r = np.random.default_rng(3)
    p = r.random((40, 2))
    out["linear"] = (p[:, 0], p[:, 1], 3 + 2 * p[:, 0] - 1.5 * p[:, 1], 30, 30)

    gx, gy = np.meshgrid(np.arange(8) * 0.25, np.arange(6) * 0.5, indexing="ij")
    gx, gy = gx.ravel(), gy.ravel()
    out["linear_grid"] = (gx, gy, 3 + 2 * gx - 1.5 * gy, 29, 23)

    r = np.random.default_rng(4)
    u = np.sort(r.random(30))
    x = np.concatenate([u, [0.1, 0.35, 0.6, 0.9, 0.5]])
    y = np.concatenate([0.3 + 0.5 * u + r.normal(0, 1e-4, 30), [0.9, -0.2, 0.75, 0.2, 0.05]])
    out["near_collinear"] = (x, y, smooth(x, y), 40, 40)

    r = np.random.default_rng(5)
    p = r.random((25, 2))
    p = np.vstack([p, p[[3, 10, 17]]])
    v = smooth(p[:, 0], p[:, 1])
    out["duplicates"] = (p[:, 0], p[:, 1], v, 25, 25)
    return out


def clean(a):
    return [None if not np.isfinite(v) else float(v) for v in np.ravel(a)]


def main():
    gold = {"scipy": scipy.__version__, "numpy": np.__version__, "sets": {}}
    for name, (x, y, v, nx, ny) in datasets().items():
        pts = np.column_stack([x, y])
        GX, GY = np.mgrid[x.min():x.max():nx * 1j, y.min():y.max():ny * 1j]
        grid = griddata(pts, v, (GX, GY), method="cubic")
        ip = CloughTocher2DInterpolator(pts, v)
        r = np.random.default_rng(99)
        qx = x.min() + (x.max() - x.min()) * r.random(200)
        qy = y.min() + (y.max() - y.min()) * r.random(200)
        tri = ip.tri
        gold["sets"][name] = {
            "x": clean(x), "y": clean(y), "values": clean(v),
            "nx": nx, "ny": ny,
            "gx": clean(GX[:, 0]), "gy": clean(GY[0, :]),
            "grid": clean(grid),
            "at_data": clean(ip(pts)),
            "qx": clean(qx), "qy": clean(qy), "q": clean(ip(np.column_stack([qx, qy]))),
            "grad": [[None if not np.isfinite(g) else float(g) for g in row] for row in ip.grad[:, 0, :]],
            "simplices": sorted(sorted(int(i) for i in s) for s in tri.simplices),
            "coplanar": [int(c[0]) for c in tri.coplanar],
        }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clough_tocher.json")
    with open(path, "w") as f:
        json.dump(gold, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
