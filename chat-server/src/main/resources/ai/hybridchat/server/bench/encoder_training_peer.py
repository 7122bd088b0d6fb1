#!/usr/bin/env python3
"""PyTorch eager peer of `platform bench encoder-training`: the same training step in plain
PyTorch modules, Hugging Face's BertForSequenceClassification as it computes (word + position +
token-type embeddings, post-LN layers, exact GELU, the first token through a tanh pooler, a linear
classifier; dropout off), all-MiniLM-L6-v2's shape, weights normal(0, 0.02), every parameter
trained: cross-entropy, backward, clip to norm 1, torch.optim.AdamW. Also times one 2048^3 F32
matmul, the peer's own peak. Prints one JSON object per (batch, length).

usage: encoder_training_peer.py THREADS WARMUP STEPS VOCAB HIDDEN LAYERS HEADS INTER BATCHxLENGTH ...
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


class Layer(torch.nn.Module):
    def __init__(self, h, heads, inter):
        super().__init__()
        self.heads, self.hd = heads, h // heads
        self.q, self.k, self.v = torch.nn.Linear(h, h), torch.nn.Linear(h, h), torch.nn.Linear(h, h)
        self.o = torch.nn.Linear(h, h)
        self.n1 = torch.nn.LayerNorm(h, eps=1e-12)
        self.up = torch.nn.Linear(h, inter)
        self.down = torch.nn.Linear(inter, h)
        self.n2 = torch.nn.LayerNorm(h, eps=1e-12)

    def forward(self, x, bias):
        b, n, h = x.shape
        q = self.q(x).view(b, n, self.heads, self.hd).transpose(1, 2)
        k = self.k(x).view(b, n, self.heads, self.hd).transpose(1, 2)
        v = self.v(x).view(b, n, self.heads, self.hd).transpose(1, 2)
        s = q @ k.transpose(-1, -2) / math.sqrt(self.hd) + bias
        ctx = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(b, n, h)
        x = self.n1(x + self.o(ctx))
        return self.n2(x + self.down(F.gelu(self.up(x))))


class BertClassifier(torch.nn.Module):
    def __init__(self, vocab, h, layers, heads, inter, labels, max_pos=512):
        super().__init__()
        self.word = torch.nn.Embedding(vocab, h)
        self.pos = torch.nn.Embedding(max_pos, h)
        self.token_type = torch.nn.Embedding(2, h)
        self.norm = torch.nn.LayerNorm(h, eps=1e-12)
        self.layers = torch.nn.ModuleList(Layer(h, heads, inter) for _ in range(layers))
        self.pooler = torch.nn.Linear(h, h)
        self.classifier = torch.nn.Linear(h, labels)
        for m in self.modules():
            if isinstance(m, (torch.nn.Linear, torch.nn.Embedding)):
                torch.nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, torch.nn.Linear):
                torch.nn.init.zeros_(m.bias)

    def forward(self, ids, mask):
        n = ids.shape[1]
        x = self.norm(self.word(ids) + self.pos(torch.arange(n)) + self.token_type(torch.zeros_like(ids)))
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, bias)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))


def matmul_peak():
    n = 2048
    a, b = torch.randn(n, n), torch.randn(n, n)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n ** 3 / best


def main(threads, warmup, steps, vocab, h, layers, heads, inter, *shapes):
    torch.set_num_threads(int(threads))
    torch.manual_seed(1)
    warmup, steps = int(warmup), int(steps)
    peak = matmul_peak()
    for shape in shapes:
        batch, length = (int(x) for x in shape.split("x"))
        model = BertClassifier(int(vocab), int(h), int(layers), int(heads), int(inter), 10)
        opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.0)
        ids = torch.randint(1000, int(vocab), (batch, length))
        ids[:, 0] = 101
        mask = torch.ones_like(ids)
        labels = torch.randint(0, 10, (batch,))
        stamps = []
        for _ in range(warmup + steps):
            loss = F.cross_entropy(model(ids, mask), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad(set_to_none=False)
            stamps.append(time.perf_counter())
        seconds = stamps[-1] - stamps[warmup - 1]
        print(json.dumps({"batch": batch, "length": length, "tokens_per_s": steps * batch * length / seconds,
                          "matmul_flops": peak, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
