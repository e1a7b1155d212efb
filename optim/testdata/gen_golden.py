#!/usr/bin/env python3
"""Writes golden.json: parameters after every step of torch.optim.SGD, Adam and
AdamW (PyTorch 1.13 on CPU, foreach=False) from explicitly written parameter
and gradient sequences, in float64 and float32. The Go tests in optim/ replay
the same gradients and compare every step. Run from this directory:

    /usr/bin/python3 gen_golden.py

Nothing here depends on torch's random number generator: the initial values
and the gradients are formulas of the step and element indices, and the
gradients are stored in the output so that the Go side never recomputes them.
"""
import json
import math
import sys

import torch

torch.set_num_threads(1)

SHORT_STEPS = 6
LONG_STEPS = 100


def short_params():
    return [
        ("fc.weight", [2, 3], [0.5, -1.25, 2.0, -0.75, 1.5, 0.1]),
        ("fc.bias", [3], [0.3, -0.2, 1.0]),
    ]


def short_grad(k, q, j):
    """Gradient of element j of parameter q at step k (0-based)."""
    if k == 1 and q == 0 and j == 2:
        return 0.0  # an exactly zero gradient
    if k == 3 and q == 1 and j == 0:
        return 1e-7  # a tiny one
    g = ((7 * j + 3 * k + 5 * q) % 11 - 5) / 3.0 * (1.0 + 0.25 * k)
    return g + 0.01 * (j + 1) * (-1) ** (k + q)


def short_lrs(lr):
    return [lr, lr, lr, lr * 0.5, lr * 0.5, lr * 0.25]


def long_params():
    return [("p", [4], [0.9, -0.4, 0.05, 2.5])]


def long_grad(k, q, j):
    return math.sin(0.37 * k + 1.3 * j) * (0.1 + 0.9 * ((k * 13 + j) % 5) / 4)


def hyper(lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
          beta1=0.9, beta2=0.999, eps=1e-8):
    # torch's argument names; golden_test.go maps them onto optim.Hyper.
    return {"lr": lr, "momentum": momentum, "dampening": dampening,
            "nesterov": nesterov, "weight_decay": weight_decay,
            "beta1": beta1, "beta2": beta2, "eps": eps}


def build(method, h, params):
    if method == "sgd":
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"],
                               dampening=h["dampening"], nesterov=h["nesterov"],
                               weight_decay=h["weight_decay"], foreach=False)
    cls = torch.optim.Adam if method == "adam" else torch.optim.AdamW
    return cls(params, lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=h["eps"],
               weight_decay=h["weight_decay"], amsgrad=False, foreach=False)


def run_case(name, method, h, dtype, spec, grad_fn, lrs):
    tdtype = {"float64": torch.float64, "float32": torch.float32}[dtype]
    params = [torch.tensor(init, dtype=tdtype).reshape(shape) for _, shape, init in spec]
    for p in params:
        p.requires_grad_(True)
    opt = build(method, h, params)
    grads, values = [], []
    for k, lr in enumerate(lrs):
        for group in opt.param_groups:
            group["lr"] = lr
        step_grads = []
        for q, p in enumerate(params):
            g = torch.tensor([grad_fn(k, q, j) for j in range(p.numel())], dtype=tdtype).reshape(p.shape)
            p.grad = g
            step_grads.append(g.flatten().tolist())
        opt.step()
        grads.append(step_grads)
        values.append([p.detach().flatten().tolist() for p in params])
    state, scalars = {}, {}
    for (pname, _, _), p in zip(spec, params):
        st = opt.state[p]
        for key in ("momentum_buffer", "exp_avg", "exp_avg_sq"):
            if st.get(key) is not None:
                state[pname + "." + key] = st[key].flatten().tolist()
        if "step" in st:
            scalars[pname + ".step"] = float(st["step"])
    return {
        "name": name + "/" + dtype, "method": method, "dtype": dtype, "hyper": h,
        "lrs": lrs,
        "params": [{"name": n, "shape": s, "init": [float(torch.tensor(v, dtype=tdtype)) for v in init]}
                   for n, s, init in spec],
        "grads": grads, "values": values, "state": state, "scalars": scalars,
    }


SHORT = [
    ("sgd_plain", "sgd", hyper(0.1)),
    ("sgd_momentum", "sgd", hyper(0.1, momentum=0.9)),
    ("sgd_dampening", "sgd", hyper(0.1, momentum=0.9, dampening=0.1)),
    ("sgd_nesterov", "sgd", hyper(0.1, momentum=0.9, nesterov=True)),
    ("sgd_weight_decay", "sgd", hyper(0.1, weight_decay=0.01)),
    ("sgd_nesterov_weight_decay", "sgd", hyper(0.1, momentum=0.9, nesterov=True, weight_decay=0.05)),
    ("sgd_all", "sgd", hyper(0.1, momentum=0.8, dampening=0.5, weight_decay=1e-3)),
    ("adam", "adam", hyper(0.01)),
    ("adam_weight_decay", "adam", hyper(0.01, weight_decay=0.01)),
    ("adam_betas_eps", "adam", hyper(0.01, beta1=0.8, beta2=0.95, eps=1e-3)),
    ("adamw", "adamw", hyper(0.01, weight_decay=0.01)),
    ("adamw_betas", "adamw", hyper(0.01, weight_decay=0.1, beta1=0.5, beta2=0.9)),
]

LONG = [
    ("sgd_nesterov_long", "sgd", hyper(0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)),
    ("adam_long", "adam", hyper(0.005)),
    ("adamw_long", "adamw", hyper(0.005, weight_decay=0.01)),
]


def pow_table():
    """beta ** t as Python (C pow) computes Adam's bias corrections."""
    betas = [0.9, 0.99, 0.999, 0.9999, 0.95, 0.98, 0.5, 0.3, 0.8, 0.97]
    ts = list(range(1, 101)) + [127, 128, 129, 255, 1000, 1234, 4096, 10000, 54321, 100000, 1000000]
    return [[b, t, b ** float(t)] for b in betas for t in ts]


def main():
    cases = []
    for dtype in ("float64", "float32"):
        for name, method, h in SHORT:
            cases.append(run_case(name, method, h, dtype, short_params(), short_grad,
                                  short_lrs(h["lr"])))
        for name, method, h in LONG:
            cases.append(run_case(name, method, h, dtype, long_params(), long_grad,
                                  [h["lr"]] * LONG_STEPS))
    cap = "unknown"
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            cap = line.split(":", 1)[1].strip()
    out = {"torch": torch.__version__, "cpu_capability": cap, "cases": cases, "pow": pow_table()}
    with open("golden.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote golden.json:", len(cases), "cases, torch", torch.__version__, cap, file=sys.stderr)


if __name__ == "__main__":
    main()
