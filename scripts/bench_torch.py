#!/usr/bin/env python3
"""Times training steps of the resnet8_cifar_b128 and gpt1_ctx64_b32 workloads
in PyTorch (float32, CPU), with Adam, to set beside `landscape bench`.

    python3 scripts/bench_torch.py [--threads 2] [--rounds 5] [--round 1.0]

The models are the toolkit's (models/resnet.go, models/gpt.go): the same
layers, sizes and names. One JSON object per line, as landscape bench prints.
Not part of the tests.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from resnet_cifar import BasicBlock  # the official CIFAR BasicBlock; the 6n+2 zoo uses the same


class ResNet(nn.Module):
    def __init__(self, depth=8, width=16, classes=10):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        layers, cin = [], width
        for stage in range(3):
            cout = width << stage
            blocks = []
            for i in range(n):
                blocks.append(BasicBlock(cin, cout, 2 if (i == 0 and stage > 0) else 1))
                cin = cout
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = layers
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(x.mean(dim=(2, 3)))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        mask = torch.ones(t, t, dtype=torch.bool).tril()
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        return self.proj(y)


class MLP(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = MLP(dim)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab=256, context=64, dim=128, heads=4, layers=1):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab, dim)
        self.pos_emb = nn.Embedding(context, dim)
        self.blocks = nn.Sequential(*[Block(dim, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(t))
        return self.head(self.ln_f(self.blocks(x)))


def bench(name, model, x, y, rounds, min_round):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=False)
        out = model(x)
        loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
        loss.backward()
        opt.step()

    for _ in range(20):
        step()
    ms = []
    for _ in range(rounds):
        n, start = 0, time.perf_counter()
        while n == 0 or time.perf_counter() - start < min_round:
            step()
            n += 1
        ms.append(1000 * (time.perf_counter() - start) / n)
    return {"workload": name, "optimizer": "adam", "dtype": "float32", "framework": "pytorch " + torch.__version__,
            "ms_per_step": statistics.median(ms), "threads": torch.get_num_threads()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--round", type=float, default=1.0, help="minimum seconds per round")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = torch.randn(128, 3, 32, 32)
    y = torch.randint(0, 10, (128,))
    print(json.dumps(bench("resnet8_cifar_b128", ResNet(), x, y, a.rounds, a.round)), flush=True)
    idx = torch.randint(0, 256, (32, 64))
    tgt = torch.randint(0, 256, (32, 64))
    print(json.dumps(bench("gpt1_ctx64_b32", GPT(), idx, tgt, a.rounds, a.round)), flush=True)


if __name__ == "__main__":
    main()
