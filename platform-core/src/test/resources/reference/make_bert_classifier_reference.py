#!/usr/bin/env python3
"""Independent reference for the encoder classifier (ai.hybridchat.tuning.encoder.EncoderClassifier):
the random BERT of make_bert_reference.py with Hugging Face's BertForSequenceClassification head
(BertPooler: the first token through dense + tanh; dropout off; classifier: linear to 3 labels),
written as a Hugging Face folder (config.json with id2label and label2id, model.safetensors with
the encoder and pooler under "bert.", the head as "classifier."), and the logits plain PyTorch
computes for a padded batch. Nothing here imports project code.

Run (Debian: apt-get install python3-torch):
    /usr/bin/python3 platform-core/src/test/resources/reference/make_bert_classifier_reference.py platform-core/src/test/resources/reference/bert-tiny-classifier
"""
import json
import sys
from pathlib import Path

import torch

from make_bert_reference import C, forward, save_safetensors, weights

LABELS = ["billing", "shipping", "returns"]


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(17)
    w = weights(gen)
    h = C["hidden"]
    head = {"bert.pooler.dense.weight": torch.randn(h, h, generator=gen) * 0.3,
            "bert.pooler.dense.bias": torch.randn(h, generator=gen) * 0.1,
            "classifier.weight": torch.randn(len(LABELS), h, generator=gen) * 0.3,
            "classifier.bias": torch.randn(len(LABELS), generator=gen) * 0.1}
    config = {"architectures": ["BertForSequenceClassification"], "model_type": "bert", "vocab_size": C["vocab"],
              "hidden_size": h, "num_hidden_layers": C["layers"], "num_attention_heads": C["heads"],
              "intermediate_size": C["inter"], "hidden_act": "gelu", "max_position_embeddings": C["max_pos"],
              "type_vocab_size": C["types"], "layer_norm_eps": C["eps"], "pad_token_id": 0,
              "problem_type": "single_label_classification",
              "id2label": {str(i): l for i, l in enumerate(LABELS)}, "label2id": {l: i for i, l in enumerate(LABELS)}}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    tensors = {"bert." + k: v for k, v in w.items()}
    tensors.update(head)
    save_safetensors(out / "model.safetensors", tensors)
    ids = torch.tensor([[2, 17, 5, 33, 8, 41, 3], [2, 44, 7, 3, 0, 0, 0], [2, 9, 30, 12, 3, 0, 0]])
    mask = (ids != 0).long()
    with torch.no_grad():
        hidden = forward(w, ids, torch.zeros_like(ids), mask)
        pooled = torch.tanh(hidden[:, 0] @ head["bert.pooler.dense.weight"].T + head["bert.pooler.dense.bias"])
        logits = pooled @ head["classifier.weight"].T + head["classifier.bias"]
    ref = {"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "logits": logits.tolist(), "torch": torch.__version__}
    (out / "reference.json").write_text(json.dumps(ref) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
