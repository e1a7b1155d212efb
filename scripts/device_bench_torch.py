#!/usr/bin/env python3
"""Times in PyTorch what device/opencl's benchmarks time, to set beside
them: GEMM (C = A B^T, n x n) in float32 and float64, and one training step
of a 784-256-10 MLP on a batch of 128 in float32 (forward, cross-entropy,
backward, Adam, reading back the loss), on CUDA when available and on the
CPU. One JSON object per line. Run by scripts/device-check.sh; not part of
the tests.

    python3 scripts/device_bench_torch.py [--seconds 2]
"""
import argparse
import json
import time

import torch


def timeit(fn, sync, seconds):
    fn()
    sync()
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        sync()
        el = time.perf_counter() - start
        if el >= seconds:
            return el / n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for dev in devices:
        sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
        name = torch.cuda.get_device_name(0) if dev == "cuda" else "cpu"
        for dtype in (torch.float32, torch.float64):
            for n in (256, 1024):
                a = torch.rand(n, n, dtype=dtype, device=dev) - 0.5
                b = torch.rand(n, n, dtype=dtype, device=dev) - 0.5
                t = timeit(lambda: a @ b.T, sync, args.seconds)
                print(json.dumps({"bench": "gemm", "device": dev, "name": name, "dtype": str(dtype).split(".")[1],
                                  "n": n, "seconds": t, "gflops": 2 * n ** 3 / t / 1e9}), flush=True)
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)).to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.zeros(128, 784, device=dev)
        y = (torch.arange(128) % 10).to(dev)
        xh = torch.zeros(128, 784)

        def step():
            x.copy_(xh)
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            loss.item()

        t = timeit(step, sync, args.seconds)
        print(json.dumps({"bench": "mlp_step", "device": dev, "name": name, "dtype": "float32",
                          "seconds": t}), flush=True)


if __name__ == "__main__":
    main()
