#!/usr/bin/env python3
"""Reload a landscape iris-mlp run into PyTorch and recompute its final loss.

usage: python3 scripts/check_torch.py RUN_DIR [data/bundled/iris.csv]

Loads RUN_DIR/final.safetensors into Sequential(Linear(4,H), ReLU(), Linear(H,3))
under the names fc1.* and fc2.*, standardises iris with the population standard
deviation (as --standardize does), and prints the cross-entropy of the whole
training set next to the "final" record of RUN_DIR/metrics.jsonl.
Needs python3-torch (Debian) and python3-numpy; it reads safetensors itself.
"""
import json
import struct
import sys

import numpy as np
import torch


def load_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    dtypes = {"F64": np.float64, "F32": np.float32, "I64": np.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        a = np.frombuffer(body[b:e], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(a.copy())
    return out


def main():
    run = sys.argv[1]
    csv = sys.argv[2] if len(sys.argv) > 2 else "data/bundled/iris.csv"
    sd = load_safetensors(run + "/final.safetensors")
    hidden = sd["fc1.weight"].shape[0]
    model = torch.nn.Sequential(torch.nn.Linear(4, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 3))
    model = model.to(sd["fc1.weight"].dtype)
    model.load_state_dict({"0.weight": sd["fc1.weight"], "0.bias": sd["fc1.bias"],
                           "2.weight": sd["fc2.weight"], "2.bias": sd["fc2.bias"]})
    d = np.loadtxt(csv, delimiter=",", skiprows=1)
    x, y = d[:, :4], d[:, 4].astype(np.int64)
    x = (x - x.mean(0)) / x.std(0)
    with torch.no_grad():
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x).to(sd["fc1.weight"].dtype)), torch.from_numpy(y))
    final = [json.loads(l) for l in open(run + "/metrics.jsonl") if '"final"' in l][-1]
    print(f"pytorch loss {loss.item():.17g}  landscape final train_loss {final['train_loss']:.17g}  "
          f"difference {abs(loss.item() - final['train_loss']):.3g}")


if __name__ == "__main__":
    main()
