#!/usr/bin/env python3
"""An independent PyTorch AdaFisher / AdaFisherW in reference mode (the
official code's semantics), written from the reference description and the
mathematics, for golden values and for timings beside `landscape bench`.

    /usr/bin/python3 scripts/adafisher_torch.py selftest
        checks the optimizer against the reference's hand-computed vector
        (Linear(2, 2), one refresh and one update);
    /usr/bin/python3 scripts/adafisher_torch.py golden [--out train/testdata/adafisher_torch_golden.json]
        trains a small CNN and a ResNet-8 of width 4 in float64 (and float32)
        for a few steps from deterministic weights and inputs (integer hashes, no RNG,
        see det) and writes the losses, final parameters and factor
        diagonals that train/adafisher_torch_test.go replays in Go;
    /usr/bin/python3 scripts/adafisher_torch.py bench [--threads 2] [--rounds 5] [--round 1.0]
            [--warmup 20] [--workloads cnn28_b128,resnet8_cifar_b128,resnet18_cifar_b128]
            [--optimizers adam,adafisher_tcov1,adafisher_tcov100]
        times training steps (float32, CPU), one JSON line per workload and
        optimizer as `landscape bench` prints (plus cpu_ms_per_step); the
        optimizers' rounds alternate, for a loaded machine.

The semantics (the reference's sections 3 to 5): forward hooks read each
supported module's input and full backward hooks its output gradient, only on
steps with steps % TCov == 0; each fresh diagonal is min-max normalised
((x - min) / (max - min + 1e-6)) and then averaged as
state = (0.1 gamma) state + (0.01 gamma) new, from all ones at step 0;
F = outer(S, H) + Lambda with the bias column last (BatchNorm2d: H = [weight,
bias]); the update is m = beta m + (1 - beta) g, p -= (lr / (1 - beta^t)) m / F,
with coupled L2 decay (AdaFisher) or decoupled decay (AdaFisherW).
Parameters are tied to their modules explicitly, not by the official index
walk (which gives the same result on these models).
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_torch  # noqa: E402  (the zoo's 6n+2 ResNet)
import resnet_cifar  # noqa: E402  (the CIFAR ResNets of the zoo)

MINMAX_EPS = 1e-6
SUPPORTED = ("Linear", "Conv2d", "BatchNorm2d")


def minmax(x):
    x = torch.where(x == float("inf"), torch.ones_like(x), x)  # smart_detect_inf
    x = torch.where(x == float("-inf"), torch.zeros_like(x), x)
    return (x - x.min()) / (x.max() - x.min() + MINMAX_EPS)


def h_raw(m, h):
    """The fresh activation-side diagonal of module m for its input h."""
    kind = type(m).__name__
    if kind == "Linear":
        h = h.reshape(-1, h.shape[-1])
        d = h.square().sum(0) / h.shape[0]
        if m.bias is not None:
            d = torch.cat([d, d.new_ones(1)])  # the ones column: sum 1^2 / N
        return d
    if kind == "Conv2d":
        # im2col as the official code forms it (strided views, one copy):
        # zero-pad, view as (B, G, Cin/G, H, W), unfold both spatial dims,
        # permute to (B, G, OH, OW, Cin/G, kh, kw); rows of all groups
        # pooled, features in the weight's (c, i, j) order. Dilation is
        # ignored, as there.
        b, groups = h.shape[0], m.groups
        (kh, kw), (sh, sw), (ph, pw) = m.kernel_size, m.stride, m.padding
        x = F.pad(h, (pw, pw, ph, ph)) if ph or pw else h
        x = x.reshape(b, groups, h.shape[1] // groups, x.shape[2], x.shape[3])
        x = x.unfold(3, kh, sh).unfold(4, kw, sw)  # (B, G, C/G, OH, OW, kh, kw)
        oh, ow = x.shape[3], x.shape[4]
        dim = x.shape[2] * kh * kw
        rows = x.permute(0, 1, 3, 4, 2, 5, 6).reshape(-1, dim)
        spatial = oh * ow * dim  # the official "spatial_size" is OH*OW*D
        d = rows.square().sum(0)
        if m.bias is not None:
            d = torch.cat([d, d.new_full((1,), rows.shape[0])])
        return d / (b * spatial)
    # BatchNorm2d: a 2-vector [weight entry, bias entry]
    b, c, hw = h.shape[0], h.shape[1], h.shape[2] * h.shape[3]
    u = h.sum((0, 2, 3)) / (hw * hw)
    return torch.stack([u.square().sum(), h.new_tensor(float(c))]) / (b * b)


def s_raw(m, s):
    """The fresh gradient-side diagonal of module m for its output gradient s
    (of the mean-reduced loss)."""
    kind = type(m).__name__
    if kind == "Linear":
        s = s.reshape(-1, s.shape[-1])
        return s.square().sum(0) / s.shape[0]
    if kind == "Conv2d":
        rows = s.permute(0, 2, 3, 1).reshape(-1, s.shape[1])
        return rows.square().sum(0) / rows.shape[0]
    return s.sum((0, 2, 3)).square() / s.shape[0]  # BatchNorm2d


class AdaFisher(torch.optim.Optimizer):
    """AdaFisher (decoupled=False) or AdaFisherW (decoupled=True) on a whole
    model, reference mode."""

    def __init__(self, model, lr=1e-3, beta=0.9, Lambda=1e-3, gamma=0.8, TCov=100,
                 weight_decay=0.0, decoupled=False):
        super().__init__(model.parameters(), dict(lr=lr, beta=beta, weight_decay=weight_decay))
        self.Lambda, self.gamma, self.TCov, self.decoupled = Lambda, gamma, TCov, decoupled
        self.steps = 0
        self.H, self.S = {}, {}
        self.owner = {}  # parameter -> (module, "weight" | "bias")
        self.mods = []
        for m in model.modules():
            if type(m).__name__ not in SUPPORTED:
                continue
            self.mods.append(m)
            m.register_forward_hook(self._forward_hook)
            m.register_full_backward_hook(self._backward_hook)
            self.owner[m.weight] = (m, "weight")
            if m.bias is not None:
                self.owner[m.bias] = (m, "bias")

    def _ema(self, store, m, new):
        if self.steps == 0:  # reset on every hook call at step 0
            store[m] = torch.ones_like(new)
        store[m] = (self.gamma * 0.1) * store[m] + (self.gamma * 0.01) * minmax(new)

    def _forward_hook(self, m, inp, out):
        if torch.is_grad_enabled() and self.steps % self.TCov == 0:
            self._ema(self.H, m, h_raw(m, inp[0].data))

    def _backward_hook(self, m, grad_input, grad_output):
        if self.steps % self.TCov == 0:
            self._ema(self.S, m, s_raw(m, grad_output[0].data))

    def fisher(self, p):
        """F for parameter p: outer(S, H) + Lambda, the weight's columns
        reshaped like it, the bias column last; 1 for an unowned parameter."""
        if p not in self.owner:
            return torch.ones_like(p)
        m, role = self.owner[p]
        f = torch.outer(self.S[m], self.H[m]) + self.Lambda
        if type(m).__name__ == "BatchNorm2d":
            return f[:, 0] if role == "weight" else f[:, 1]
        if role == "bias":
            return f[:, -1]
        if m.bias is not None:
            f = f[:, :-1]
        return f.reshape(p.shape)

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            lr, beta, wd = g["lr"], g["beta"], g["weight_decay"]
            for p in g["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if not st:
                    st["step"], st["exp_avg"] = 0, torch.zeros_like(p)
                st["step"] += 1
                bc = 1 - beta ** st["step"]
                grad = p.grad
                if wd != 0 and not self.decoupled:
                    grad = grad.add(p, alpha=wd)
                m = st["exp_avg"]
                m.mul_(beta).add_(grad, alpha=1 - beta)
                if wd != 0 and self.decoupled:
                    p.add_(p, alpha=-lr * wd)  # decay of the pre-update p, not divided by F
                p.addcdiv_(m, self.fisher(p), value=-lr / bc)
        self.steps += 1


# ---------------------------------------------------------------- selftest

def selftest():
    """The reference's worked vector (section 6): Linear(2, 2) with bias at
    step 0, h = [[1,2],[3,0]], output gradient s = [[0.5,0.1],[-0.5,0.3]],
    then one update with gradient g."""
    theta = [[0.1, 0.2], [-0.1, 0.3]]
    for decoupled, wd in ((False, 0.0), (True, 0.01)):
        lin = nn.Linear(2, 2).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(theta))
            lin.bias.zero_()
        opt = AdaFisher(lin, decoupled=decoupled, weight_decay=wd)
        h = torch.tensor([[1.0, 2.0], [3.0, 0.0]], dtype=torch.float64)
        s = torch.tensor([[0.5, 0.1], [-0.5, 0.3]], dtype=torch.float64)
        (lin(h) * s).sum().backward()  # the output gradient is exactly s
        m = opt.mods[0]
        check(opt.H[m], [0.087999998, 0.0819999995, 0.08], 1e-9, "H")
        check(opt.S[m], [0.08799996, 0.08], 1e-8, "S")
        check(torch.outer(opt.S[m], opt.H[m]) + 1e-3,
              [[0.0087439963, 0.0082159967, 0.0080399968], [0.0080399998, 0.00756, 0.0074]], 1e-9, "F")
        lin.weight.grad = torch.tensor([[0.2, -0.1], [0.0, 0.4]], dtype=torch.float64)
        lin.bias.grad = torch.tensor([0.05, -0.3], dtype=torch.float64)
        opt.step()
        want_w = [[0.07712716, 0.21217138], [-0.1, 0.24708995]]
        want_b = [-0.00621891, 0.04054054]
        if decoupled:
            want_w = [[v - 1e-3 * wd * t for v, t in zip(r, tr)] for r, tr in zip(want_w, theta)]
        check(lin.weight, want_w, 2e-8, "weight (decoupled=%s)" % decoupled)
        check(lin.bias, want_b, 2e-8, "bias (decoupled=%s)" % decoupled)
    # The im2col of h_raw against F.unfold's, on a grouped, strided, padded
    # convolution with bias: column j of group g's rows is unfold's row
    # g*D + j.
    conv = nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), groups=2).double()
    x = torch.arange(2 * 4 * 5 * 6, dtype=torch.float64).reshape(2, 4, 5, 6).sin()
    p = F.unfold(x, (3, 2), padding=(1, 2), stride=(2, 1))  # (B, 4*3*2, L)
    dim, n = 2 * 3 * 2, p.shape[2]
    want = p.reshape(2, 2, dim, n).square().sum((0, 1, 3))
    want = torch.cat([want, want.new_full((1,), 2 * 2 * n)]) / (2 * n * dim)
    check(h_raw(conv, x), want.tolist(), 1e-12, "grouped Conv2d H_raw")
    print("selftest: the reference's worked vector holds (AdaFisher, AdaFisherW); grouped im2col", file=sys.stderr)


def check(got, want, tol, what):
    got = got.detach().double()
    want = torch.tensor(want, dtype=torch.float64)
    err = (got - want).abs().max().item()
    if err > tol:
        raise SystemExit("selftest: %s = %s, want %s (max error %g > %g)" % (what, got.tolist(), want.tolist(), err, tol))


# ---------------------------------------------------------------- models

class TinyCNN(nn.Module):
    """Conv2d(1, 4, 3, pad 1) - BatchNorm2d - ReLU - MaxPool2d(2) - Flatten -
    Linear(4 * (H/2) * (W/2), classes), with the Go layers' names."""

    def __init__(self, hw=6, classes=3):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1, 1)
        self.bn1 = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * (hw // 2) ** 2, classes)

    def forward(self, x):
        return self.fc(F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2).flatten(1))


class CNN28(nn.Module):
    """The zoo's cnn (models/cnn.go), the cnn28_b128 workload's model."""

    def __init__(self, c=1, hw=28, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(c, 16, 3, 1, 1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32 * (hw // 4) ** 2, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.fc(x.flatten(1))


def resnet8(width, classes=10):
    """The zoo's resnet --depth 8 (models/resnet.go) with its names: conv1,
    bn1, layer{1,2,3}.0 BasicBlocks (option-B shortcuts), global average
    pooling, fc (bench_torch.ResNet)."""
    return bench_torch.ResNet(depth=8, width=width, classes=classes)


# ---------------------------------------------------------------- golden

M32 = 0xFFFFFFFF


def det(seed, i):
    """A value in [-0.5, 0.5) on a grid of 2^-24 from an integer hash of
    (seed, i): exact in float64 and the same in Go's uint32 arithmetic."""
    x = (seed * 0x9E3779B1 + i * 0x85EBCA77 + 0x165667B1) & M32
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & M32
    x ^= x >> 12
    x = (x * 0x297A2D39) & M32
    x ^= x >> 15
    return (x >> 8) / 2.0 ** 24 - 0.5


def init_spec(model):
    """Each parameter's init: value[j] = offset + scale * det(1000 + q, j), q
    its position in model.parameters(); scales are powers of two, so every
    value is exact."""
    owners = {}
    for mname, m in model.named_modules():
        for pname, p in m.named_parameters(recurse=False):
            owners[id(p)] = (type(m).__name__, pname)
    spec = []
    for q, (name, p) in enumerate(model.named_parameters()):
        kind, role = owners[id(p)]
        if kind == "BatchNorm2d":
            off, sc = (1.0, 0.25) if role == "weight" else (0.0, 0.25)
        elif role == "bias":
            off, sc = 0.0, 0.25
        else:
            fan_in = p[0].numel()
            sc = 2.0 ** (1 - (fan_in.bit_length() - 1) // 2)  # a power of two near 2/sqrt(fan_in)
            off = 0.0
        spec.append({"name": name, "shape": list(p.shape), "offset": off, "scale": sc})
        with torch.no_grad():
            vals = [off + sc * det(1000 + q, j) for j in range(p.numel())]
            p.copy_(torch.tensor(vals, dtype=p.dtype).reshape(p.shape))
    return spec


def batch(seed, shape, classes):
    n = 1
    for d in shape:
        n *= d
    x = torch.tensor([2 * det(seed, i) for i in range(n)], dtype=torch.float64).reshape(shape)
    y = torch.tensor([int((det(seed + 1, b) + 0.5) * 2 ** 24) % classes for b in range(shape[0])])
    return x, y


GOLDEN_CASES = [
    # name, model, input shape (with batch), classes, optimizer kwargs, data seed, dtype
    ("cnn_tcov1", "cnn", [8, 1, 6, 6], 3, dict(lr=1e-3, TCov=1), 7, "float64"),
    ("cnn_tcov2_wd", "cnn", [8, 1, 6, 6], 3, dict(lr=1e-3, TCov=2, weight_decay=5e-4), 7, "float64"),
    ("cnn_w_tcov1", "cnn", [8, 1, 6, 6], 3, dict(lr=1e-3, TCov=1, weight_decay=0.01, decoupled=True), 7, "float64"),
    ("resnet8_tcov1", "resnet8", [4, 3, 8, 8], 10, dict(lr=1e-3, TCov=1), 11, "float64"),
    ("resnet8_tcov2", "resnet8", [4, 3, 8, 8], 10, dict(lr=1e-3, TCov=2), 11, "float64"),
    # float32, which rounds as the training runs do: the ResNet's final
    # parameters are left out to keep the file small (its losses and
    # factors are kept)
    ("cnn_tcov1_f32", "cnn", [8, 1, 6, 6], 3, dict(lr=1e-3, TCov=1), 7, "float32"),
    ("resnet8_tcov1_f32", "resnet8", [4, 3, 8, 8], 10, dict(lr=1e-3, TCov=1), 11, "float32"),
]
GOLDEN_STEPS = 5
DTYPES = {"float64": torch.float64, "float32": torch.float32}


def golden_case(name, arch, shape, classes, kw, seed, dtype):
    model = (TinyCNN(shape[2], classes) if arch == "cnn" else resnet8(4, classes)).to(DTYPES[dtype])
    model.train()
    spec = init_spec(model)
    opt = AdaFisher(model, **kw)
    x, y = batch(seed, shape, classes)
    x = x.to(DTYPES[dtype])
    losses = []
    for _ in range(GOLDEN_STEPS):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    names = {m: n for n, m in model.named_modules()}
    hyper = dict(lr=kw["lr"], beta=0.9, Lambda=1e-3, gamma=0.8, TCov=kw["TCov"],
                 weight_decay=kw.get("weight_decay", 0.0), decoupled=kw.get("decoupled", False))
    case = {
        "name": name, "model": arch, "dtype": dtype, "input_shape": shape, "classes": classes, "data_seed": seed,
        "hyper": hyper, "steps": GOLDEN_STEPS, "params": spec, "losses": losses,
        "factors": {names[m]: {"H": opt.H[m].tolist(), "S": opt.S[m].tolist()} for m in opt.mods},
    }
    if dtype == "float64" or arch == "cnn":
        case["final"] = {n: p.detach().flatten().tolist() for n, p in model.named_parameters()}
    return case


def golden(out):
    torch.set_num_threads(1)
    selftest()
    cases = [golden_case(*c) for c in GOLDEN_CASES]
    doc = {"generator": "scripts/adafisher_torch.py golden", "torch": torch.__version__, "cases": cases}
    with open(out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %s: %d cases, %d bytes" % (out, len(cases), os.path.getsize(out)), file=sys.stderr)


# ---------------------------------------------------------------- bench

WORKLOADS = {
    "cnn28_b128": (lambda: CNN28(), [128, 1, 28, 28], 10),
    "resnet8_cifar_b128": (lambda: resnet8(16), [128, 3, 32, 32], 10),
    "resnet18_cifar_b128": (lambda: resnet_cifar.resnet18(), [128, 3, 32, 32], 10),
}
OPTIMIZERS = {
    "adam": lambda m: torch.optim.Adam(m.parameters(), lr=1e-3),
    "adafisher_tcov1": lambda m: AdaFisher(m, TCov=1),
    "adafisher_tcov100": lambda m: AdaFisher(m, TCov=100),
}


def bench(a):
    """Per workload, every optimizer's model is built and warmed up, then the
    rounds take the optimizers in turn, so that a machine whose load changes
    slows them alike; the median round of each is printed."""
    torch.set_num_threads(a.threads)
    for wname in a.workloads.split(","):
        make, shape, classes = WORKLOADS[wname]
        steps = {}
        for oname in a.optimizers.split(","):
            torch.manual_seed(1)
            model = make()
            model.train()
            opt = OPTIMIZERS[oname](model)
            x, y = torch.randn(*shape), torch.randint(0, classes, (shape[0],))

            def step(model=model, opt=opt, x=x, y=y):
                opt.zero_grad(set_to_none=False)
                F.cross_entropy(model(x), y).backward()
                opt.step()

            for _ in range(a.warmup):
                step()
            steps[oname] = step
        ms = {o: [] for o in steps}
        cpu = {o: [] for o in steps}
        for _ in range(a.rounds):
            for oname, step in steps.items():
                n, start, c0 = 0, time.perf_counter(), time.process_time()
                while n == 0 or time.perf_counter() - start < a.round:
                    step()
                    n += 1
                ms[oname].append(1000 * (time.perf_counter() - start) / n)
                cpu[oname].append(1000 * (time.process_time() - c0) / n)
        for oname in steps:
            # cpu_ms_per_step (user + system time of all threads) says how
            # much of the wall time a loaded machine took away.
            print(json.dumps({"workload": wname, "optimizer": oname, "dtype": "float32",
                              "framework": "pytorch " + torch.__version__, "ms_per_step": statistics.median(ms[oname]),
                              "cpu_ms_per_step": statistics.median(cpu[oname]), "threads": torch.get_num_threads()}),
                  flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["selftest", "golden", "bench"])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train",
                                                   "testdata", "adafisher_torch_golden.json"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--round", type=float, default=1.0, help="minimum seconds per round")
    ap.add_argument("--warmup", type=int, default=20, help="untimed steps first (landscape bench takes 20)")
    ap.add_argument("--workloads", default="cnn28_b128,resnet8_cifar_b128,resnet18_cifar_b128")
    ap.add_argument("--optimizers", default="adam,adafisher_tcov1,adafisher_tcov100")
    a = ap.parse_args()
    for w in a.workloads.split(","):
        if w not in WORKLOADS:
            ap.error("--workloads: unknown workload %r, want some of %s" % (w, ",".join(WORKLOADS)))
    for o in a.optimizers.split(","):
        if o not in OPTIMIZERS:
            ap.error("--optimizers: unknown optimizer %r, want some of %s" % (o, ",".join(OPTIMIZERS)))
    if a.mode == "selftest":
        selftest()
    elif a.mode == "golden":
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        golden(a.out)
    else:
        bench(a)


if __name__ == "__main__":
    main()
