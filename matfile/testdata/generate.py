#!/usr/bin/env python3
"""Writes the numpy files matfile's tests read, and expected.json.

Run from this directory with Debian's python3-numpy:  python3 generate.py
The Go tests read only the files written here; they never need Python.

Good files hold the 3x4 matrix BASE (entries fit every dtype) in each dtype,
byte order, memory order and format version; expected.json lists, for every
good file, the arrays in it and their row-major values as float64. Bad files
are ones numpy itself writes but the reader must refuse.
"""
import io
import json
import zipfile

import numpy as np

BASE = np.array([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
SIGNED = BASE - 5  # negative entries for the signed types
FLOAT = BASE / 4 - 1.125  # fractions exact in float16

expected = {}


def save(name, array, version=None):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, array, version=version, allow_pickle=True)
    return array


def good(name, arrays):
    expected[name] = [{"tensor": t, "rows": a.shape[0], "cols": a.shape[1],
                       "data": [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]}
                      for t, a in arrays]


for descr in ["<f8", "<f4", "<f2", ">f8", ">f4"]:
    name = "float-%s.npy" % ("be" + descr[1:] if descr[0] == ">" else descr[1:])
    good(name, [("", save(name, FLOAT.astype(descr)))])
for descr in ["<i8", "<i4", "<i2", "|i1", ">i4", ">i2"]:
    name = "int-%s.npy" % ("be" + descr[1:] if descr[0] == ">" else descr[1:])
    good(name, [("", save(name, SIGNED.astype(descr)))])
for descr in ["<u8", "<u4", "<u2", "|u1"]:
    name = "uint-%s.npy" % descr[1:]
    good(name, [("", save(name, BASE.astype(descr)))])
good("bool.npy", [("", save("bool.npy", BASE % 3 == 0))])
good("fortran.npy", [("", save("fortran.npy", np.asfortranarray(FLOAT)))])
good("version2.npy", [("", save("version2.npy", FLOAT, version=(2, 0)))])
good("version3.npy", [("", save("version3.npy", FLOAT, version=(3, 0)))])
square = np.array([[2.0, -0.5, 0.25], [-0.5, 3.0, 0.125], [0.25, 0.125, 4.0]])
good("square.npy", [("", save("square.npy", square))])

np.savez("stored.npz", first=FLOAT, second=square.astype(np.float32))
good("stored.npz", [("first", FLOAT), ("second", square)])
np.savez_compressed("deflated.npz", A=square, G=np.asfortranarray(FLOAT))
good("deflated.npz", [("A", square), ("G", FLOAT)])

# Refused by the reader.
save("complex.npy", (FLOAT + 1j).astype("<c16"))
save("object.npy", np.array([[1, "a"], [None, 2.5]], dtype=object))
save("strings.npy", np.array([["ab", "c"], ["d", "e"]]))
save("structured.npy", np.zeros((2, 2), dtype=[("x", "<f8"), ("y", "<i4")]))
save("longdouble.npy", np.eye(2, dtype=np.longdouble))
save("vector.npy", np.arange(4.0))
save("cube.npy", np.zeros((2, 2, 2)))
save("scalar.npy", np.float64(3.0))
save("nan.npy", np.array([[1.0, 2.0], [np.nan, 4.0]]))
save("inf.npy", np.array([[1.0, -np.inf], [3.0, 4.0]], dtype=np.float32))
save("no-entries.npy", np.zeros((0, 3)))
np.savez_compressed("nan-inside.npz", good=square, bad=np.array([[1.0, np.inf], [0.0, 1.0]]))
with zipfile.ZipFile("not-npy-member.npz", "w") as z:
    z.writestr("notes.txt", "hello")

with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
