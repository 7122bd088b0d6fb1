#!/usr/bin/env python3
"""PyTorch eager peer of `platform bench generation`: the same Llama shapes, random F32 weights,
batch 1, a prompt prefilled at once then greedy decoding with a preallocated KV cache, the way
Hugging Face's static cache does it. Prints one JSON object per shape on stdout.

usage: generation_peer.py THREADS PROMPT_TOKENS NEW_TOKENS name:hidden:layers:heads:kv:inter:vocab:tied ...
"""
import json
import math
import resource
import statistics
import sys
import time

import torch

from llama_peer import LlamaWeights


class Llama(LlamaWeights):
    def __init__(self, hidden, layers, heads, kv, inter, vocab, tied, max_len):
        super().__init__(hidden, layers, heads, kv, inter, vocab, tied, max_len)
        self.kc = [torch.zeros(kv, max_len, self.hd) for _ in range(layers)]
        self.vc = [torch.zeros(kv, max_len, self.hd) for _ in range(layers)]

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


def run(m, prompt, new):
    """Greedy batch-1 generation: prefill, then `new` decode steps; returns the three clock readings."""
    prompt_len = prompt.shape[0]
    t0 = time.perf_counter()
    logits = m(prompt, 0)
    t1 = time.perf_counter()
    for i in range(new):
        nxt = logits[0].argmax().view(1)
        logits = m(nxt, prompt_len + i)
    t2 = time.perf_counter()
    return t0, t1, t2


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
            run(m, prompt, new)  # warm-up: one whole untimed generation, as the Java side does
            runs = [run(m, prompt, new) for _ in range(3)]  # medians of three, as the Java side
        prefill = statistics.median(prompt_len / (t1 - t0) for t0, t1, _ in runs)
        decode = statistics.median(new / (t2 - t1) for _, t1, t2 in runs)
        print(json.dumps({"shape": name, "prefill_tokens_per_s": prefill,
                          "decode_tokens_per_s": decode,
                          "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


if __name__ == "__main__":
    main()
