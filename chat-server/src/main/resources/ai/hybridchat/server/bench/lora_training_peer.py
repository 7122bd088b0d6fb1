#!/usr/bin/env python3
"""PyTorch eager peer of `platform bench lora-training`: the same Llama shapes with random F32
weights, frozen, LoRA (r, alpha 2r, no dropout) on q_proj and v_proj, batch x length random tokens,
next-token cross-entropy, backward, torch.optim.AdamW step. Prints one JSON object per shape.

usage: lora_training_peer.py THREADS BATCH LENGTH RANK WARMUP STEPS name:hidden:layers:heads:kv:inter:vocab:tied ...
"""
import json
import math
import sys
import time

import torch

from llama_peer import LlamaWeights


class Lora(torch.nn.Module):
    def __init__(self, base, r):
        super().__init__()
        self.base = base
        self.a = torch.nn.Parameter(torch.empty(r, base.in_features).uniform_(-1 / math.sqrt(base.in_features),
                                                                                1 / math.sqrt(base.in_features)))
        self.b = torch.nn.Parameter(torch.zeros(base.out_features, r))
        self.scale = 2.0  # alpha / r with alpha = 2r

    def forward(self, x):
        return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale


class Llama(LlamaWeights):
    def __init__(self, hidden, layers, heads, kv, inter, vocab, tied, length, r):
        super().__init__(hidden, layers, heads, kv, inter, vocab, tied, length)
        for p in self.parameters():
            p.requires_grad_(False)
        for l in self.layers:  # LoRA after freezing: only A and B train
            l.q = Lora(l.q, r)
            l.v = Lora(l.v, r)
        self.mask = torch.full((length, length), float("-inf")).triu(1)

    def forward(self, ids):
        b, n = ids.shape
        x = self.embed(ids)
        for l in self.layers:
            h = self.rms(x, l.n1)
            q = l.q(h).view(b, n, self.heads, self.hd).transpose(1, 2)
            k = l.k(h).view(b, n, self.kv, self.hd).transpose(1, 2)
            v = l.v(h).view(b, n, self.kv, self.hd).transpose(1, 2)
            q = q * self.cos + self.rot(q) * self.sin
            k = k * self.cos + self.rot(k) * self.sin
            k = k.repeat_interleave(self.heads // self.kv, 1)
            v = v.repeat_interleave(self.heads // self.kv, 1)
            s = q @ k.transpose(-1, -2) / math.sqrt(self.hd) + self.mask
            o = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(b, n, -1)
            x = x + l.o(o)
            h = self.rms(x, l.n2)
            x = x + l.down(torch.nn.functional.silu(l.gate(h)) * l.up(h))
        return self.rms(x, self.norm) @ self.head.T


def main():
    threads, batch, length, r, warmup, steps = map(int, sys.argv[1:7])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    for spec in sys.argv[7:]:
        name, hidden, layers, heads, kv, inter, vocab, tied = spec.split(":")
        m = Llama(int(hidden), int(layers), int(heads), int(kv), int(inter), int(vocab), tied == "true", length, r)
        params = [p for p in m.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.0)
        ids = torch.randint(0, int(vocab), (batch, length + 1))
        t0 = None
        for step in range(warmup + steps):
            if step == warmup:
                t0 = time.perf_counter()
            logits = m(ids[:, :-1])
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
        elapsed = time.perf_counter() - t0
        print(json.dumps({"shape": name, "tokens_per_s": steps * batch * length / elapsed,
                          "trainable": sum(p.numel() for p in params), "loss": float(loss)}), flush=True)


if __name__ == "__main__":
    main()
