#!/usr/bin/env python3
"""Independent reference for the encoder classifier's LoRA variant (tune --method classifier-lora):
a PEFT adapter for BertForSequenceClassification on the random BERT of make_bert_reference.py
(the folder bert-tiny), laid out as PEFT saves one for task_type SEQ_CLS: adapter_config.json
with target_modules ["query", "value"] and modules_to_save ["classifier", "pooler"], and
adapter_model.safetensors with PEFT's names (base_model.model.bert.encoder.layer.N.attention.
self.query.lora_A.weight [r, in], lora_B.weight [out, r]; the saved modules under their own names,
base_model.model.classifier.weight, base_model.model.bert.pooler.dense.weight). The logits are
PEFT's arithmetic done by hand: W + (lora_alpha / r) * B @ A on each target, dropout off. Nothing
here imports project code.

Run (Debian: apt-get install python3-torch):
    cd platform-core/src/test/resources/reference && /usr/bin/python3 make_bert_lora_classifier_reference.py bert-tiny-lora-classifier
"""
import json
import sys
from pathlib import Path

import torch

from make_bert_reference import C, forward, save_safetensors, weights

LABELS = 3
R = 4
ALPHA = 8.0


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    base = weights(torch.Generator().manual_seed(17))  # the weights of bert-tiny
    gen = torch.Generator().manual_seed(29)
    h = C["hidden"]
    adapter = {}
    merged = dict(base)
    for i in range(C["layers"]):
        for target in ("query", "value"):
            name = f"encoder.layer.{i}.attention.self.{target}"
            a = torch.randn(R, h, generator=gen) * 0.3
            b = torch.randn(h, R, generator=gen) * 0.3
            adapter[f"base_model.model.bert.{name}.lora_A.weight"] = a
            adapter[f"base_model.model.bert.{name}.lora_B.weight"] = b
            merged[name + ".weight"] = base[name + ".weight"] + (ALPHA / R) * (b @ a)
    head = {"bert.pooler.dense.weight": torch.randn(h, h, generator=gen) * 0.3,
            "bert.pooler.dense.bias": torch.randn(h, generator=gen) * 0.1,
            "classifier.weight": torch.randn(LABELS, h, generator=gen) * 0.3,
            "classifier.bias": torch.randn(LABELS, generator=gen) * 0.1}
    for k, v in head.items():
        adapter["base_model.model." + k] = v
    config = {"peft_type": "LORA", "task_type": "SEQ_CLS", "r": R, "lora_alpha": ALPHA, "lora_dropout": 0.0,
              "target_modules": ["query", "value"], "modules_to_save": ["classifier", "pooler"],
              "base_model_name_or_path": "bert-tiny", "bias": "none", "fan_in_fan_out": False, "inference_mode": True}
    (out / "adapter_config.json").write_text(json.dumps(config, indent=2) + "\n")
    save_safetensors(out / "adapter_model.safetensors", adapter)
    ids = torch.tensor([[2, 17, 5, 33, 8, 41, 3], [2, 44, 7, 3, 0, 0, 0], [2, 9, 30, 12, 3, 0, 0]])
    mask = (ids != 0).long()
    with torch.no_grad():
        hidden = forward(merged, ids, torch.zeros_like(ids), mask)
        pooled = torch.tanh(hidden[:, 0] @ head["bert.pooler.dense.weight"].T + head["bert.pooler.dense.bias"])
        logits = pooled @ head["classifier.weight"].T + head["classifier.bias"]
    ref = {"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "logits": logits.tolist(), "torch": torch.__version__}
    (out / "reference.json").write_text(json.dumps(ref) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
