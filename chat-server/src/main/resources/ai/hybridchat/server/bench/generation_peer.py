#!/usr/bin/env python3
"""PyTorch eager peer of `platform bench generation`: the same Llama shapes, random F32 weights,
batch 1, a prompt prefilled at once then greedy decoding with a preallocated KV cache, the way
Hugging Face's static cache does it. Prints one JSON object per shape on stdout.

usage: generation_peer.py THREADS PROMPT_TOKENS NEW_TOKENS name:hidden:layers:heads:kv:inter:vocab:tied ...
"""
import json
import math
import resource
import sys
import time

import torch


class Llama(torch.nn.Module):
    def __init__(self, hidden, layers, heads, kv, inter, vocab, tied, max_len):
        super().__init__()
        self.heads, self.kv, self.hd = heads, kv, hidden // heads
        self.embed = torch.nn.Embedding(vocab, hidden)
        self.layers = torch.nn.ModuleList()
        for _ in range(layers):
            l = torch.nn.Module()
            l.q = torch.nn.Linear(hidden, heads * self.hd, bias=False)
            l.k = torch.nn.Linear(hidden, kv * self.hd, bias=False)
            l.v = torch.nn.Linear(hidden, kv * self.hd, bias=False)
            l.o = torch.nn.Linear(heads * self.hd, hidden, bias=False)
            l.gate = torch.nn.Linear(hidden, inter, bias=False)
            l.up = torch.nn.Linear(hidden, inter, bias=False)
            l.down = torch.nn.Linear(inter, hidden, bias=False)
            l.n1 = torch.nn.Parameter(torch.ones(hidden))
            l.n2 = torch.nn.Parameter(torch.ones(hidden))
            self.layers.append(l)
        self.norm = torch.nn.Parameter(torch.ones(hidden))
        self.head = self.embed.weight if tied else torch.nn.Parameter(torch.randn(vocab, hidden) * 0.02)
        for p in self.parameters():
            if p.dim() == 2:
                torch.nn.init.normal_(p, std=0.02)
        inv = 1.0 / (10000 ** (torch.arange(0, self.hd, 2).float() / self.hd))
        f = torch.outer(torch.arange(max_len).float(), inv)
        emb = torch.cat((f, f), -1)
        self.cos, self.sin = emb.cos(), emb.sin()
        self.kc = [torch.zeros(kv, max_len, self.hd) for _ in range(layers)]
        self.vc = [torch.zeros(kv, max_len, self.hd) for _ in range(layers)]

    @staticmethod
    def rms(x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))

    @staticmethod
    def rot(x):
        h = x.shape[-1] // 2
        return torch.cat((-x[..., h:], x[..., :h]), -1)

    def forward(self, ids, pos):
        n = ids.shape[0]
        x = self.embed(ids)
        cos, sin = self.cos[pos:pos + n], self.sin[pos:pos + n]
        mask = torch.full((n, pos + n), float("-inf")).triu(pos + 1) if n > 1 else None
        for i, l in enumerate(self.layers):
            h = self.rms(x, l.n1)
            q = l.q(h).view(n, self.heads, self.hd).transpose(0, 1)
            k = l.k(h).view(n, self.kv, self.hd).transpose(0, 1)
            v = l.v(h).view(n, self.kv, self.hd).transpose(0, 1)
            q = q * cos + self.rot(q) * sin
            k = k * cos + self.rot(k) * sin
            self.kc[i][:, pos:pos + n] = k
            self.vc[i][:, pos:pos + n] = v
            keys = self.kc[i][:, :pos + n].repeat_interleave(self.heads // self.kv, 0)
            vals = self.vc[i][:, :pos + n].repeat_interleave(self.heads // self.kv, 0)
            s = q @ keys.transpose(-1, -2) / math.sqrt(self.hd)
            if mask is not None:
                s = s + mask
            o = (torch.softmax(s, -1) @ vals).transpose(0, 1).reshape(n, -1)
            x = x + l.o(o)
            h = self.rms(x, l.n2)
            x = x + l.down(torch.nn.functional.silu(l.gate(h)) * l.up(h))
        return self.rms(x[-1:], self.norm) @ self.head.T


def main():
    threads, prompt_len, new = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    for spec in sys.argv[4:]:
        name, hidden, layers, heads, kv, inter, vocab, tied = spec.split(":")
        m = Llama(int(hidden), int(layers), int(heads), int(kv), int(inter), int(vocab), tied == "true",
                  prompt_len + new + 1)
        prompt = torch.randint(0, int(vocab), (prompt_len,))
        with torch.no_grad():
            m(prompt[:8], 0)  # warm-up
            t0 = time.perf_counter()
            logits = m(prompt, 0)
            t1 = time.perf_counter()
            for i in range(new):
                nxt = logits[0].argmax().view(1)
                logits = m(nxt, prompt_len + i)
            t2 = time.perf_counter()
        print(json.dumps({"shape": name, "prefill_tokens_per_s": prompt_len / (t1 - t0),
                          "decode_tokens_per_s": new / (t2 - t1),
                          "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


if __name__ == "__main__":
    main()
