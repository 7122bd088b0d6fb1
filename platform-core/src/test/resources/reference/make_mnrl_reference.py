#!/usr/bin/env python3
"""Independent reference for the multiple-negatives ranking loss the embedding tuning method
trains with (ai.hybridchat.tuning.encoder.MultipleNegativesRankingLoss), on the random BERT of
make_bert_reference.py: a batch of three queries, their positives and a hard negative each, mean
pooled and normalised, cosine scores times 20, cross-entropy with query i's positive at column i,
as sentence-transformers' MultipleNegativesRankingLoss computes it. Writes the loss and the
gradients of two weights. Nothing here imports project code.

Run (Debian: apt-get install python3-torch):
    /usr/bin/python3 platform-core/src/test/resources/reference/make_mnrl_reference.py platform-core/src/test/resources/reference/bert-tiny
"""
import json
import sys
from pathlib import Path

import torch

from make_bert_reference import forward, weights

SCALE = 20.0
WATCHED = ["encoder.layer.1.attention.self.query.weight", "embeddings.LayerNorm.bias"]


def main(out):
    out = Path(out)
    w = weights(torch.Generator().manual_seed(17))  # the checkpoint make_bert_reference.py wrote
    for v in w.values():
        v.requires_grad_(True)
    rows = [[2, 17, 5, 3], [2, 44, 7, 9, 3], [2, 30, 3],            # queries
            [2, 17, 6, 33, 8, 3], [2, 44, 12, 3], [2, 30, 31, 5, 3],  # their positives
            [2, 41, 11, 3], [2, 9, 9, 9, 3], [2, 13, 40, 22, 3]]      # hard negatives
    t = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (t - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (t - len(r)) for r in rows])
    hidden = forward(w, ids, torch.zeros_like(ids), mask)
    m = mask[..., None].float()
    pooled = (hidden * m).sum(1) / m.sum(1)
    vectors = pooled / pooled.norm(dim=-1, keepdim=True)
    n = 3
    scores = vectors[:n] @ vectors[n:].T * SCALE
    loss = torch.nn.functional.cross_entropy(scores, torch.arange(n))
    loss.backward()
    ref = {"rows": rows, "scale": SCALE, "loss": loss.item(),
           "gradients": {name: w[name].grad.flatten().tolist() for name in WATCHED}, "torch": torch.__version__}
    (out / "mnrl.json").write_text(json.dumps(ref) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
