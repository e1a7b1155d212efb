#!/usr/bin/env python3
"""The CIFAR ResNet-18/34 of the official AdaFisher code
(Image_Classification/src/models/resnet_cifar.py: ResNet18, ResNet34), written
here from its description in issue 16, in PyTorch.

    python3 scripts/resnet_cifar.py state > models/testdata/resnet_cifar_state.json
        the state_dict names and shapes of ResNet18 and ResNet34 (10 classes),
        which models/resnet_cifar_test.go checks the Go models against;
    python3 scripts/resnet_cifar.py bench [--threads 2] [--rounds 5] [--round 1.0]
        times resnet18_cifar_b128 training steps (float32, Adam), one JSON
        line as landscape bench prints;
    python3 scripts/resnet_cifar.py steps [--model resnet18|resnet8] [--warmup 1] [--steps 2]
        times that many steps after the warm-up: wall and CPU (user + system)
        milliseconds per step, for machines too busy for bench's rounds;
    python3 scripts/resnet_cifar.py train --steps 20
        runs that many resnet18 b128 steps, for /usr/bin/time -v's peak RSS;
    python3 scripts/resnet_cifar.py cifar --data DIR --steps 8 [--optimizer adam|adafisher]
        trains resnet18 on CIFAR-10's binary files in DIR as a PyTorch user
        would (the images kept as uint8, each batch shuffled, padded-cropped,
        flipped and normalised on the fly, as torchvision's transforms do):
        the PyTorch side of `landscape train --model resnet18 --dataset
        cifar10:DIR --augmentation crop-flip --dtype float32`, for peak RSS.

Not part of the tests: the test suite reads only the JSON file.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
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


class ResNet(nn.Module):
    def __init__(self, blocks, classes=10, width=64):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        cin = width
        for stage, n in enumerate(blocks):
            cout = width << stage
            seq = []
            for i in range(n):
                seq.append(BasicBlock(cin, cout, 2 if (i == 0 and stage > 0) else 1))
                cin = cout
            setattr(self, "layer%d" % (stage + 1), nn.Sequential(*seq))
        self.linear = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        for name in ("layer1", "layer2", "layer3", "layer4"):
            if hasattr(self, name):
                x = getattr(self, name)(x)
        return self.linear(F.adaptive_avg_pool2d(x, 1).flatten(1))


def resnet18(classes=10):
    return ResNet([2, 2, 2, 2], classes)


def resnet34(classes=10):
    return ResNet([3, 4, 6, 3], classes)


def state():
    out = {}
    for name, model in (("resnet18", resnet18()), ("resnet34", resnet34())):
        out[name] = {
            "params": sum(p.numel() for p in model.parameters()),
            "state": [[k, list(v.shape)] for k, v in model.state_dict().items()],
        }
    # One state entry per line, so that a diff shows which name changed.
    lines = []
    for name, m in out.items():
        entries = ",\n".join("   " + json.dumps(e) for e in m["state"])
        lines.append(' "%s": {"params": %d, "state": [\n%s\n ]}' % (name, m["params"], entries))
    print("{\n" + ",\n".join(lines) + "\n}")


def step_fn(model, x, y):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=False)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return step


def bench(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, y = torch.randn(128, 3, 32, 32), torch.randint(0, 10, (128,))
    step = step_fn(resnet18(), x, y)
    for _ in range(3):
        step()
    ms = []
    for _ in range(a.rounds):
        n, start = 0, time.perf_counter()
        while n == 0 or time.perf_counter() - start < a.round:
            step()
            n += 1
        ms.append(1000 * (time.perf_counter() - start) / n)
    print(json.dumps({"workload": "resnet18_cifar_b128", "optimizer": "adam", "dtype": "float32",
                      "framework": "pytorch " + torch.__version__, "ms_per_step": statistics.median(ms),
                      "threads": torch.get_num_threads()}), flush=True)


def resnet8(classes=10):
    """The toolkit's resnet --depth 8 (6n+2 layout, width 16, option B
    shortcuts, linear named fc in the Go model: the names do not matter
    here)."""
    return ResNet([1, 1, 1], classes, width=16)


def steps(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, y = torch.randn(128, 3, 32, 32), torch.randint(0, 10, (128,))
    model = resnet18() if a.model == "resnet18" else resnet8()
    step = step_fn(model, x, y)
    for _ in range(a.warmup):
        step()
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        step()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(json.dumps({"framework": "pytorch " + torch.__version__, "workload": a.model + "_cifar_b128", "optimizer": "adam",
                      "wall_ms_per_step": 1000 * wall / a.steps, "cpu_ms_per_step": 1000 * cpu / a.steps,
                      "threads": torch.get_num_threads()}), flush=True)


def train(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, y = torch.randn(128, 3, 32, 32), torch.randint(0, 10, (128,))
    step = step_fn(resnet18(), x, y)
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    print(json.dumps({"steps": a.steps, "seconds": time.perf_counter() - start}))


def cifar(a):
    import os
    import resource

    import numpy as np

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    recs = np.concatenate([np.fromfile(os.path.join(a.data, "data_batch_%d.bin" % i), np.uint8).reshape(-1, 3073)
                           for i in range(1, 6)])
    labels = torch.from_numpy(recs[:, 0].astype(np.int64))
    images = recs[:, 1:].reshape(-1, 3, 32, 32)  # uint8, as torchvision keeps them
    del recs
    mean = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
    std = torch.tensor([0.2023, 0.1994, 0.2010]).view(1, 3, 1, 1)
    model = resnet18()
    if a.optimizer == "adafisher":
        from adafisher_torch import AdaFisher
        opt = AdaFisher(model)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    perm = torch.randperm(len(labels))
    start = time.perf_counter()
    for s in range(a.steps):
        idx = perm[s * 128:(s + 1) * 128]
        x = torch.from_numpy(images[idx.numpy()]).float().div_(255)
        x = F.pad(x, (4, 4, 4, 4))  # black pixels, before normalising, as torchvision pads
        dy, dx = torch.randint(0, 9, (2, len(idx)))
        x = torch.stack([x[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32] for i in range(len(idx))])
        flip = torch.rand(len(idx)) < 0.5
        x[flip] = x[flip].flip(3)
        x = (x - mean) / std
        opt.zero_grad()
        F.cross_entropy(model(x), labels[idx]).backward()
        opt.step()
    print(json.dumps({"steps": a.steps, "seconds": time.perf_counter() - start, "optimizer": a.optimizer,
                      "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["state", "bench", "steps", "train", "cifar"])
    ap.add_argument("--data", help="cifar: the directory of CIFAR-10's binary files")
    ap.add_argument("--optimizer", default="adam", choices=["adam", "adafisher"])
    ap.add_argument("--model", default="resnet18", choices=["resnet18", "resnet8"])
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--round", type=float, default=1.0, help="minimum seconds per round")
    ap.add_argument("--steps", type=int, default=20)
    a = ap.parse_args()
    {"state": lambda: state(), "bench": lambda: bench(a), "steps": lambda: steps(a), "train": lambda: train(a),
     "cifar": lambda: cifar(a)}[a.mode]()


if __name__ == "__main__":
    main()
