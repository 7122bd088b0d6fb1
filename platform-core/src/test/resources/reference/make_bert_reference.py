#!/usr/bin/env python3
"""Independent reference for the Java BERT encoder (ai.hybridchat.core.encoder.BertModel).

Writes a small random BERT in Hugging Face layout (config.json + model.safetensors, the
BertForSequenceClassification prefix "bert." on the encoder's tensors) and the last hidden states
and mean-pooled, normalised sentence vectors that a plain PyTorch eager implementation of Hugging
Face's modeling_bert (BertEmbeddings, BertSelfAttention, BertSelfOutput, BertIntermediate,
BertOutput; dropout off) computes for a padded batch with two segments. Nothing here imports
project code.

Run (Debian: apt-get install python3-torch):
    /usr/bin/python3 platform-core/src/test/resources/reference/make_bert_reference.py platform-core/src/test/resources/reference/bert-tiny
"""
import json
import math
import struct
import sys
from pathlib import Path

import torch

C = dict(vocab=50, hidden=32, layers=2, heads=4, inter=64, max_pos=24, types=2, eps=1e-12)


def weights(gen):
    def rnd(*shape, scale=0.3):
        return torch.randn(*shape, generator=gen) * scale
    h, i = C["hidden"], C["inter"]
    w = {
        "embeddings.word_embeddings.weight": rnd(C["vocab"], h, scale=1.0),
        "embeddings.position_embeddings.weight": rnd(C["max_pos"], h, scale=0.5),
        "embeddings.token_type_embeddings.weight": rnd(C["types"], h, scale=0.5),
        "embeddings.LayerNorm.weight": 1 + rnd(h, scale=0.1),
        "embeddings.LayerNorm.bias": rnd(h, scale=0.1),
    }
    for l in range(C["layers"]):
        p = f"encoder.layer.{l}."
        for name, shape in (("attention.self.query", (h, h)), ("attention.self.key", (h, h)),
                            ("attention.self.value", (h, h)), ("attention.output.dense", (h, h)),
                            ("intermediate.dense", (i, h)), ("output.dense", (h, i))):
            w[p + name + ".weight"] = rnd(*shape)
            w[p + name + ".bias"] = rnd(shape[0], scale=0.1)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"] = 1 + rnd(h, scale=0.1)
            w[p + norm + ".bias"] = rnd(h, scale=0.1)
    return w


def layer_norm(x, w, b):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, C["eps"])


def forward(w, ids, types, mask):
    """modeling_bert.BertModel's last_hidden_state, eval mode."""
    b, t = ids.shape
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][torch.arange(t)][None]
         + w["embeddings.token_type_embeddings.weight"][types])
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    extended = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    hd = C["hidden"] // C["heads"]
    for l in range(C["layers"]):
        p = f"encoder.layer.{l}."

        def lin(name, v):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def heads(v):
            return v.view(b, t, C["heads"], hd).permute(0, 2, 1, 3)
        q, k, v = heads(lin("attention.self.query", x)), heads(lin("attention.self.key", x)), heads(lin("attention.self.value", x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + extended
        ctx = (torch.softmax(scores, dim=-1) @ v).permute(0, 2, 1, 3).reshape(b, t, C["hidden"])
        h = layer_norm(lin("attention.output.dense", ctx) + x,
                       w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        inner = torch.nn.functional.gelu(lin("intermediate.dense", h))  # exact (erf) GELU, BERT's "gelu"
        x = layer_norm(lin("output.dense", inner) + h, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    return x


def save_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        raw = tensors[name].contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for blob in blobs:
            f.write(blob)


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(17)
    w = weights(gen)
    config = {"architectures": ["BertForSequenceClassification"], "model_type": "bert", "vocab_size": C["vocab"],
              "hidden_size": C["hidden"], "num_hidden_layers": C["layers"], "num_attention_heads": C["heads"],
              "intermediate_size": C["inter"], "hidden_act": "gelu", "max_position_embeddings": C["max_pos"],
              "type_vocab_size": C["types"], "layer_norm_eps": C["eps"], "pad_token_id": 0}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    save_safetensors(out / "model.safetensors", {"bert." + k: v for k, v in w.items()})
    ids = torch.tensor([[2, 17, 5, 33, 8, 41, 3, 12, 9, 3], [2, 44, 7, 3, 30, 3, 0, 0, 0, 0]])
    types = torch.tensor([[0, 0, 0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 1, 0, 0, 0, 0]])
    mask = (torch.arange(10)[None] < torch.tensor([[10], [6]])).long()
    with torch.no_grad():
        hidden = forward(w, ids, types, mask)
        m = mask[..., None].float()
        pooled = (hidden * m).sum(1) / m.sum(1)
        pooled = pooled / pooled.norm(dim=-1, keepdim=True)
    ref = {"input_ids": ids.tolist(), "token_type_ids": types.tolist(), "attention_mask": mask.tolist(),
           "last_hidden_state": hidden.tolist(), "mean_pooled_normalised": pooled.tolist(), "torch": torch.__version__}
    (out / "reference.json").write_text(json.dumps(ref) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
