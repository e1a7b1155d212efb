#!/usr/bin/env python3
"""Generates the PyTorch golden values that nn/golden_test.go checks.

Run from the repository root:  python3 nn/testdata/gen_golden.py

Every input, weight and upstream gradient is a closed-form deterministic
sequence (no random number generator, torch's or otherwise), computed in
float64 and saved in the JSON next to PyTorch's outputs and gradients, so that
the Go test reads everything it needs and never needs PyTorch.
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


def seq(shape, a, b, scale=1.0):
    """A fixed, irregular sequence: scale*sin(a*i + b), i = 0, 1, ..."""
    n = math.prod(shape)
    vals = [scale * math.sin(a * i + b) for i in range(n)]
    return torch.tensor(vals, dtype=torch.float64).reshape(shape)


def enc(t):
    t = t.detach().to(torch.float64).contiguous()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def dump(name, obj):
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path)


def conv_case(cin, cout, k, stride, pad, bias, xshape, salt):
    conv = nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=bias)
    with torch.no_grad():
        conv.weight.copy_(seq(conv.weight.shape, 0.37 + salt, 0.1, 0.4))
        if bias:
            conv.bias.copy_(seq(conv.bias.shape, 1.1 + salt, 0.3, 0.2))
    x = seq(xshape, 0.53 + salt, 0.2).requires_grad_(True)
    y = conv(x)
    dy = seq(y.shape, 0.71 + salt, 0.4)
    y.backward(dy)
    c = {
        "in": cin, "out": cout, "kernel": k, "stride": stride, "padding": pad, "bias": bias,
        "input": enc(x), "weight": enc(conv.weight),
        "output": enc(y), "grad_output": enc(dy),
        "grad_input": enc(x.grad), "grad_weight": enc(conv.weight.grad),
    }
    if bias:
        c["bias_value"] = enc(conv.bias)
        c["grad_bias"] = enc(conv.bias.grad)
    return c


def gen_conv():
    dump("conv2d.json", {"cases": [
        conv_case(3, 4, 3, 2, 1, True, (2, 3, 7, 6), 0.0),
        conv_case(2, 3, 3, 1, 0, False, (2, 2, 5, 6), 0.05),
        conv_case(2, 2, 2, 2, 0, True, (1, 2, 5, 5), 0.11),
    ]})


def gen_batchnorm():
    ch = 3
    bn = nn.BatchNorm2d(ch)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.5, -0.7, 0.9]))
        bn.bias.copy_(torch.tensor([0.1, 0.2, -0.3]))
    steps = []
    bn.train()
    for s in range(2):
        x = (seq((4, ch, 3, 5), 0.61 + 0.07 * s, 0.3 * s, 2.0) + 0.5 * (s + 1)).requires_grad_(True)
        y = bn(x)
        dy = seq(y.shape, 0.83 + 0.05 * s, 0.2)
        bn.weight.grad = None
        bn.bias.grad = None
        y.backward(dy)
        steps.append({
            "input": enc(x), "output": enc(y), "grad_output": enc(dy),
            "grad_input": enc(x.grad), "grad_weight": enc(bn.weight.grad), "grad_bias": enc(bn.bias.grad),
            "running_mean": enc(bn.running_mean), "running_var": enc(bn.running_var),
            "num_batches_tracked": int(bn.num_batches_tracked),
        })
    bn.eval()
    x = seq((2, ch, 4, 3), 0.29, 0.5, 1.5).requires_grad_(True)
    y = bn(x)
    dy = seq(y.shape, 0.47, 0.1)
    bn.weight.grad = None
    bn.bias.grad = None
    y.backward(dy)
    ev = {
        "input": enc(x), "output": enc(y), "grad_output": enc(dy),
        "grad_input": enc(x.grad), "grad_weight": enc(bn.weight.grad), "grad_bias": enc(bn.bias.grad),
        "num_batches_tracked": int(bn.num_batches_tracked),
    }
    dump("batchnorm2d.json", {
        "channels": ch, "eps": bn.eps, "momentum": bn.momentum,
        "weight": [1.5, -0.7, 0.9], "bias": [0.1, 0.2, -0.3],
        "train_steps": steps, "eval": ev,
    })


def pool_case(k, s, xshape, salt):
    # Values rounded to halves, so that windows hold ties: PyTorch gives the
    # gradient to the first maximum in scan order.
    x = (torch.round(seq(xshape, 0.9 + salt, 0.1, 2.0) * 2) / 2).requires_grad_(True)
    y = F.max_pool2d(x, k, s)
    dy = seq(y.shape, 0.43 + salt, 0.7)
    y.backward(dy)
    return {"kernel": k, "stride": s, "input": enc(x), "output": enc(y),
            "grad_output": enc(dy), "grad_input": enc(x.grad)}


def gen_pool():
    dump("maxpool2d.json", {"cases": [
        pool_case(2, 2, (2, 3, 7, 7), 0.0),
        pool_case(3, 2, (1, 2, 7, 8), 0.13),
        pool_case(2, 1, (1, 1, 5, 4), 0.29),
    ]})


def gen_gelu():
    x = seq((3, 7), 0.77, 0.1, 3.0).requires_grad_(True)
    y = F.gelu(x)
    dy = seq(y.shape, 0.31, 0.9)
    y.backward(dy)
    dump("gelu.json", {"input": enc(x), "output": enc(y), "grad_output": enc(dy), "grad_input": enc(x.grad)})


def gen_cross_entropy():
    z = seq((5, 4), 0.67, 0.3, 2.5).requires_grad_(True)
    labels = [0, 3, 1, 1, 2]
    loss = F.cross_entropy(z, torch.tensor(labels))
    loss.backward()
    dump("cross_entropy.json", {"logits": enc(z), "labels": labels, "loss": loss.item(), "grad_logits": enc(z.grad)})


if __name__ == "__main__":
    print("torch", torch.__version__)
    gen_conv()
    gen_batchnorm()
    gen_pool()
    gen_gelu()
    gen_cross_entropy()
