"""The Llama weights and helpers both PyTorch peers share: the module layout (q/k/v/o,
gate/up/down, two RMS norms per layer, tied or separate head), random N(0, 0.02) matrices,
RoPE tables of theta 10000, RMSNorm with eps 1e-5 and the rotate-half of Hugging Face's Llama."""
import torch


class LlamaWeights(torch.nn.Module):
    def __init__(self, hidden, layers, heads, kv, inter, vocab, tied, positions):
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
        f = torch.outer(torch.arange(positions).float(), inv)
        emb = torch.cat((f, f), -1)
        self.cos, self.sin = emb.cos(), emb.sin()

    @staticmethod
    def rms(x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))

    @staticmethod
    def rot(x):
        h = x.shape[-1] // 2
        return torch.cat((-x[..., h:], x[..., :h]), -1)
