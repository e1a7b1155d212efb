#!/usr/bin/env python3
"""Generate the PyTorch test files of package torchfile in testdata/torch/.

usage: /usr/bin/python3 scripts/gen_torch_testdata.py [OUT_DIR]

Needs Debian's python3-torch (1.13). Writes, all small:

  iris_mlp.pt, iris_mlp.safetensors      the iris MLP (4-16-3) state_dict and
                                         the same weights as safetensors
  iris_mlp_legacy.pt                     the same, legacy (non-zip) format
  iris_mlp_proto4.pt                     the same, pickled with protocol 4
  iris_mlp_wrapped.pt                    {"state_dict": {"module." + name: ...},
                                         "epoch": 3} as DataParallel gives
  resnet8.pt, resnet8.safetensors        a CIFAR ResNet-8 of width 4 (BatchNorm
                                         buffers included) and as safetensors
  resnet8_checkpoint.pt                  {"model": sd, "optimizer": sgd state,
                                         "epoch": 1}
  dtypes.pt, dtypes_legacy.pt, dtypes.json
                                         float32/64/16, bfloat16, int64/32/16,
                                         int8, uint8, bool; transposed, sliced,
                                         offset and storage-sharing views; a
                                         scalar and an empty tensor; and each
                                         tensor's values for the Go tests
  evil.pt                                a torch.save file naming os.system
  plain_p{0..5}.pkl                      plain data pickled with protocols 0-5
  whole_model.pt                         torch.save of a module object
  dumps/H_bar_resnet/H_bar_{N}.pkl, dumps/S_resnet/S_{N}.pkl, dumps/matrices.json
                                         what the official analysis optimizer
                                         writes, for a tiny CNN, and the
                                         matrices in the dicts' order
  dumps_torchsave/                       step 50 of the dumps saved with
                                         torch.save rather than pickle.dump
  dumps/step50_by_layer.pt               step 50's H and S paired by layer,
                                         "00.Conv2d/H", "00.Conv2d/S", ...

and, when testdata/torch/go_written.pt exists (the Go writer's output, written
by `go test ./torchfile -run TestWriteGolden -update`), checks that
torch.load(weights_only=True) reads it as the tensors that test wrote.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import types

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "testdata", "torch")
os.makedirs(OUT, exist_ok=True)


def path(*p):
    return os.path.join(OUT, *p)


ST_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}


def write_safetensors(p, sd):
    header, blobs, off = {}, [], 0
    for name, t in sd.items():
        b = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(p, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


# ---------------------------------------------------------------- models

class IrisMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class ResNet8(nn.Module):
    """The Go zoo's resnet with depth 8 (one block per stage), width 4."""

    def __init__(self, w=4, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, w, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(w)
        self.layer1 = nn.Sequential(Block(w, w, 1))
        self.layer2 = nn.Sequential(Block(w, 2 * w, 2))
        self.layer3 = nn.Sequential(Block(2 * w, 4 * w, 2))
        self.fc = nn.Linear(4 * w, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(x.mean((2, 3)))


def gen_models():
    torch.manual_seed(1)
    mlp = IrisMLP()
    sd = mlp.state_dict()
    torch.save(sd, path("iris_mlp.pt"))
    write_safetensors(path("iris_mlp.safetensors"), sd)
    torch.save(sd, path("iris_mlp_legacy.pt"), _use_new_zipfile_serialization=False)
    # (protocol 0 writes persistent ids as text that torch.load cannot read)
    torch.save(sd, path("iris_mlp_proto4.pt"), pickle_protocol=4)  # frames, memoize
    wrapped = collections.OrderedDict(("module." + k, v) for k, v in sd.items())
    torch.save({"state_dict": wrapped, "epoch": 3}, path("iris_mlp_wrapped.pt"))
    torch.save(mlp, path("whole_model.pt"))

    torch.manual_seed(2)
    net = ResNet8()
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(4, 3, 8, 8)
    loss = net(x).square().mean()  # one step: running stats and momentum become non-trivial
    loss.backward()
    opt.step()
    sd = net.state_dict()
    torch.save(sd, path("resnet8.pt"))
    write_safetensors(path("resnet8.safetensors"), sd)
    torch.save({"model": sd, "optimizer": opt.state_dict(), "epoch": 1}, path("resnet8_checkpoint.pt"))


# ---------------------------------------------------------------- dtypes

def gen_dtypes():
    base = torch.arange(24, dtype=torch.float64).reshape(4, 6) / 8 - 1.25
    sd = collections.OrderedDict()
    sd["f32"] = base.float()
    sd["f64"] = base.clone()
    sd["f16"] = base.half()
    sd["bf16"] = base.bfloat16()
    sd["i64"] = torch.tensor([[-(2 ** 40) - 3, 7], [2 ** 53 + 1, -1]], dtype=torch.int64)
    sd["i32"] = torch.tensor([-5, 2 ** 31 - 1], dtype=torch.int32)
    sd["i16"] = torch.tensor([-300, 300], dtype=torch.int16)
    sd["i8"] = torch.tensor([-128, 127], dtype=torch.int8)
    sd["u8"] = torch.tensor([0, 255], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    big = torch.arange(30, dtype=torch.float32).reshape(5, 6) * 0.5
    sd["transposed"] = big.t()                 # stride (1, 6)
    sd["sliced"] = big[1:4, ::2]               # offset 6, stride (6, 2)
    sd["row"] = big[2]                         # offset 12, shares big's storage
    sd["same_storage"] = big                   # the whole storage again
    sd["scalar"] = torch.tensor(3.5, dtype=torch.float64)
    sd["empty"] = torch.zeros(0, 3)
    sd["subnormal_f16"] = torch.tensor([6e-8, -6e-5, 65504.0, float("inf")], dtype=torch.float16)
    torch.save(sd, path("dtypes.pt"))
    torch.save(sd, path("dtypes_legacy.pt"), _use_new_zipfile_serialization=False)
    golden = collections.OrderedDict()
    for k, v in sd.items():
        vals = v.double().flatten().tolist() if v.dtype != torch.int64 else v.flatten().tolist()
        vals = [x if x == x and abs(x) != float("inf") else str(x) for x in vals]
        golden[k] = {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "values": vals}
    with open(path("dtypes.json"), "w") as f:
        json.dump(golden, f, indent=1)


class Evil:
    def __reduce__(self):
        return (os.system, ("echo this must never run",))


def gen_evil():
    torch.save({"w": torch.ones(2), "x": Evil()}, path("evil.pt"))


# ---------------------------------------------------------------- plain

def gen_plain():
    """One plain value pickled with every protocol, for the interpreter's
    opcodes (TestPlainPickles spells out what it must read)."""
    obj = {"ints": [0, 1, -1, 255, 256, 65535, 65536, -2 ** 31, 2 ** 31, 2 ** 63 - 1, -2 ** 63, 2 ** 70, -2 ** 70],
           "floats": [0.5, -1e300, 1e-300],
           "flags": (True, False, None),
           "text": ["", "plain", "caf\u00e9", "\u2211 \\u", "line\nbreak"],
           "bytes": b"\x00\xffab",
           "sets": [{3}, frozenset()],
           "shared": None}
    inner = [1, 2]
    obj["shared"] = [inner, inner]
    for proto in range(6):
        with open(path(f"plain_p{proto}.pkl"), "wb") as f:
            pickle.dump(obj, f, protocol=proto)


# ---------------------------------------------------------------- dumps

# The official analysis optimizer is defined in Analysis/optimizers/AdaFisher.py
# and imported as optimizers.AdaFisher.AdaFisher; pickle names its class so.
# This stand-in lives under the same module name so the dumps name the same
# globals.
mod = types.ModuleType("optimizers.AdaFisher")
pkg = types.ModuleType("optimizers")
pkg.AdaFisher = mod
sys.modules["optimizers"] = pkg
sys.modules["optimizers.AdaFisher"] = mod


def minmax(x):
    return (x - x.min()) / (x.max() - x.min() + 1e-12)


class AdaFisher(torch.optim.Optimizer):
    """What the analysis optimizer does to produce its dumps (the reference's
    section 11.1): forward hooks and full backward hooks on Linear, Conv2d
    and BatchNorm2d modules keep full factors, min-max normalised and EMA'd
    with 0.08/0.008 from an identity start every TCov steps; every 50 steps
    the dicts {module: H} and {module: S} are pickled before steps is
    incremented. The keys enter the dicts when each hook first fires, so H is
    in forward order and S in backward order. The update itself is plain SGD:
    only the dumps matter here."""

    def __init__(self, model, lr=1e-3, TCov=25, dump_every=50, out="."):
        super().__init__(model.parameters(), dict(lr=lr))
        self.steps, self.TCov, self.dump_every, self.out = 0, TCov, dump_every, out
        self.H_bar_dict, self.S_dict = {}, {}
        for m in model.modules():
            if type(m).__name__ in ("Linear", "Conv2d", "BatchNorm2d"):
                m.register_forward_hook(self._save_input)
                m.register_full_backward_hook(self._save_grad_output)

    def _ema(self, d, m, new):
        if m not in d:
            d[m] = torch.eye(new.shape[0])
        d[m] = 0.08 * d[m] + 0.008 * minmax(new)

    def _save_input(self, m, inp, out):
        if not torch.is_grad_enabled() or self.steps % self.TCov != 0:
            return
        h = inp[0].data
        if isinstance(m, nn.Conv2d):
            p = F.unfold(h, m.kernel_size, padding=m.padding, stride=m.stride)  # (B, D, L)
            rows = p.transpose(1, 2).reshape(-1, p.shape[1])
            new = rows.t() @ rows / rows.shape[0]
        elif isinstance(m, nn.Linear):
            new = h.t() @ h / h.shape[0]
        else:  # BatchNorm2d: a 2x2 factor from the (weight, bias) pair
            u = h.mean((0, 2, 3))
            v = torch.stack([u.square().sum(), torch.tensor(float(u.numel()))]) / h.shape[0] ** 2
            new = torch.outer(v, v)
        self._ema(self.H_bar_dict, m, new)

    def _save_grad_output(self, m, grad_input, grad_output):
        if self.steps % self.TCov != 0:
            return
        s = grad_output[0].data
        if isinstance(m, nn.Conv2d):
            rows = s.permute(0, 2, 3, 1).reshape(-1, s.shape[1])
            new = rows.t() @ rows / rows.shape[0]
        elif isinstance(m, nn.Linear):
            new = s.t() @ s / s.shape[0]
        else:  # BatchNorm2d: the fresh factor is a scalar, min-max gives 0
            t = s.sum((0, 2, 3))
            new = torch.zeros(t.numel(), t.numel()) + (t @ t) * 0
        self._ema(self.S_dict, m, new)

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is not None:
                    p.add_(p.grad, alpha=-g["lr"])
        if self.steps % self.dump_every == 0:
            with open(os.path.join(self.out, "H_bar_resnet", f"H_bar_{self.steps}.pkl"), "wb") as f:
                pickle.dump(self.H_bar_dict, f)
            with open(os.path.join(self.out, "S_resnet", f"S_{self.steps}.pkl"), "wb") as f:
                pickle.dump(self.S_dict, f)
        self.steps += 1


AdaFisher.__module__ = "optimizers.AdaFisher"
mod.AdaFisher = AdaFisher


class TinyCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.bn = nn.BatchNorm2d(2)
        self.fc1 = nn.Linear(2 * 4 * 4, 5)
        self.fc2 = nn.Linear(5, 3, bias=False)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def gen_dumps():
    out = path("dumps")
    for d in ("H_bar_resnet", "S_resnet"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    torch.manual_seed(3)
    net = TinyCNN()
    opt = AdaFisher(net, lr=0.05, out=out)
    x = torch.randn(16, 1, 6, 6)
    y = torch.randint(0, 3, (16,))
    for _ in range(101):  # dumps at steps 0, 50 and 100
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()
    # The matrices as the Go reader must find them: per step, the H dict and
    # the S dict in their insertion order, each module by its class and its
    # position in net.modules() (the model's order).
    order = [m for m in net.modules() if m in opt.H_bar_dict]
    golden = {"steps": []}
    for step in (0, 50, 100):
        rec = {"step": step}
        for kind, sub, name in (("H", "H_bar_resnet", "H_bar"), ("S", "S_resnet", "S")):
            with open(os.path.join(out, sub, f"{name}_{step}.pkl"), "rb") as f:
                d = pickle.load(f)
            rec[kind] = [{"class": type(m).__name__, "shape": list(v.shape),
                          "values": v.flatten().tolist()} for m, v in d.items()]
        golden["steps"].append(rec)
    golden["model_order"] = [type(m).__name__ for m in order]
    golden["H_order"] = [order.index(m) for m in opt.H_bar_dict]
    golden["S_order"] = [order.index(m) for m in opt.S_dict]
    with open(os.path.join(out, "matrices.json"), "w") as f:
        json.dump(golden, f)
    # Step 50's factors paired by layer, as a state_dict: the same matrices
    # given as a plain file (--matrix) rather than as a dump directory.
    with open(os.path.join(out, "H_bar_resnet", "H_bar_50.pkl"), "rb") as f:
        hd = pickle.load(f)
    with open(os.path.join(out, "S_resnet", "S_50.pkl"), "rb") as f:
        sd = pickle.load(f)
    pairs = collections.OrderedDict()
    for hm, h in hd.items():
        pos = list(hd).index(hm)
        pairs[f"{pos:02d}.{type(hm).__name__}/H"] = h
        sm = [m for m in sd if all(torch.equal(a, b) for a, b in zip(m.state_dict().values(), hm.state_dict().values()))
              and type(m) is type(hm)]
        pairs[f"{pos:02d}.{type(hm).__name__}/S"] = sd[sm[0]]
    torch.save(pairs, os.path.join(out, "step50_by_layer.pt"))
    # The same step written with torch.save instead of pickle.dump, in case
    # a copy of the analysis code saves that way.
    ts = path("dumps_torchsave")
    for d in ("H_bar_resnet", "S_resnet"):
        os.makedirs(os.path.join(ts, d), exist_ok=True)
    torch.save(hd, os.path.join(ts, "H_bar_resnet", "H_bar_50.pkl"))
    torch.save(sd, os.path.join(ts, "S_resnet", "S_50.pkl"))


# ---------------------------------------------------------------- Go writer

def go_written_tensors():
    """The tensors TestWriteGolden writes (keep the two in step)."""
    sd = collections.OrderedDict()
    sd["fc.weight"] = (torch.arange(6, dtype=torch.float32).reshape(2, 3) - 2.5) / 4
    sd["fc.bias"] = torch.tensor([0.5, -1.5], dtype=torch.float64)
    sd["bn.num_batches_tracked"] = torch.tensor(7, dtype=torch.int64)
    sd["half"] = torch.tensor([1.5, -2.0], dtype=torch.float16)
    sd["bf"] = torch.tensor([[0.25], [3.0]], dtype=torch.bfloat16)
    return sd


def check_go_written():
    p = path("go_written.pt")
    if not os.path.exists(p):
        return
    got = torch.load(p, weights_only=True)
    want = go_written_tensors()
    assert isinstance(got, collections.OrderedDict), type(got)
    assert list(got) == list(want), (list(got), list(want))
    for k in want:
        assert got[k].dtype == want[k].dtype and torch.equal(got[k], want[k]), (k, got[k], want[k])
    print("go_written.pt: torch.load(weights_only=True) reads the expected tensors")


if __name__ == "__main__":
    gen_models()
    gen_dtypes()
    gen_evil()
    gen_plain()
    gen_dumps()
    check_go_written()
    total = 0
    for root, _, files in os.walk(OUT):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    print(f"{OUT}: {total} bytes")
