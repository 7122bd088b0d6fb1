#!/usr/bin/env python3
"""Independent reference for the Java Llama-family runtime.

Writes small random checkpoints in Hugging Face layout (config.json + model.safetensors) and the
logits and greedy continuation that a plain PyTorch eager implementation of Hugging Face's
modeling_llama / modeling_qwen2 computes for them. The Java tests load the same files and must
agree. Nothing here imports project code; it follows the Hugging Face definitions directly.

Run (Debian: apt-get install python3-torch):
    /usr/bin/python3 platform-core/src/test/resources/reference/make_reference.py platform-core/src/test/resources/reference
"""
import json
import math
import struct
import sys
from pathlib import Path

import torch

CASES = {
    # GQA (8 query heads on 2 KV heads), untied head, Llama 3 rope scaling, large theta, BF16 file
    "llama-gqa-untied": dict(arch="LlamaForCausalLM", model_type="llama", hidden=64, inter=160, layers=2,
                             heads=8, kv=2, vocab=96, theta=500000.0, tied=False, bias=False, eps=1e-5,
                             dtype="bfloat16", scaling={"rope_type": "llama3", "factor": 8.0,
                                                        "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                                        "original_max_position_embeddings": 16}, wscale=0.2),
    # Qwen2: q/k/v biases, tied embeddings, theta 1e6, F32 file
    "qwen2-bias-tied": dict(arch="Qwen2ForCausalLM", model_type="qwen2", hidden=48, inter=128, layers=2,
                            heads=4, kv=2, vocab=80, theta=1000000.0, tied=True, bias=True, eps=1e-6,
                            dtype="float32", scaling=None, wscale=0.6),
    # Mistral layout, multi-head (no GQA), theta 10000, F16 file
    "mistral-mha": dict(arch="MistralForCausalLM", model_type="mistral", hidden=32, inter=96, layers=3,
                        heads=4, kv=4, vocab=64, theta=10000.0, tied=False, bias=False, eps=1e-5,
                        dtype="float16", scaling=None, wscale=0.2),
}

DTYPES = {"float32": (torch.float32, "F32"), "float16": (torch.float16, "F16"), "bfloat16": (torch.bfloat16, "BF16")}


def weights(c, gen):
    def rnd(*shape, scale=None):
        return torch.randn(*shape, generator=gen) * (c["wscale"] if scale is None else scale)
    hd = c["hidden"] // c["heads"]
    w = {"model.embed_tokens.weight": rnd(c["vocab"], c["hidden"], scale=1.0)}
    for i in range(c["layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = 1 + rnd(c["hidden"], scale=0.1)
        w[p + "post_attention_layernorm.weight"] = 1 + rnd(c["hidden"], scale=0.1)
        w[p + "self_attn.q_proj.weight"] = rnd(c["heads"] * hd, c["hidden"])
        w[p + "self_attn.k_proj.weight"] = rnd(c["kv"] * hd, c["hidden"])
        w[p + "self_attn.v_proj.weight"] = rnd(c["kv"] * hd, c["hidden"])
        w[p + "self_attn.o_proj.weight"] = rnd(c["hidden"], c["heads"] * hd)
        if c["bias"]:
            w[p + "self_attn.q_proj.bias"] = rnd(c["heads"] * hd, scale=0.5)
            w[p + "self_attn.k_proj.bias"] = rnd(c["kv"] * hd, scale=0.5)
            w[p + "self_attn.v_proj.bias"] = rnd(c["kv"] * hd, scale=0.5)
        w[p + "mlp.gate_proj.weight"] = rnd(c["inter"], c["hidden"])
        w[p + "mlp.up_proj.weight"] = rnd(c["inter"], c["hidden"])
        w[p + "mlp.down_proj.weight"] = rnd(c["hidden"], c["inter"])
    w["model.norm.weight"] = 1 + rnd(c["hidden"], scale=0.1)
    if not c["tied"]:
        w["lm_head.weight"] = rnd(c["vocab"], c["hidden"])
    # round through the file's dtype so the reference computes on exactly the stored values
    dtype = DTYPES[c["dtype"]][0]
    return {k: v.to(dtype).to(torch.float32) for k, v in w.items()}


def save_safetensors(path, tensors, dtype_name, metadata=None):
    """The safetensors layout (8-byte header length, JSON header, raw little-endian data)."""
    dtype, tag = DTYPES[dtype_name]
    header, blobs, offset = ({"__metadata__": metadata} if metadata else {}), [], 0
    for name in sorted(tensors):
        t = tensors[name].to(dtype).contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": tag, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def inv_freq(c):
    hd = c["hidden"] // c["heads"]
    inv = 1.0 / (c["theta"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    s = c["scaling"]
    if s and s["rope_type"] == "llama3":
        # transformers.modeling_rope_utils._compute_llama3_parameters
        low_wavelen = s["original_max_position_embeddings"] / s["low_freq_factor"]
        high_wavelen = s["original_max_position_embeddings"] / s["high_freq_factor"]
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / s["factor"], inv)
        smooth = (s["original_max_position_embeddings"] / wavelen - s["low_freq_factor"]) / (
            s["high_freq_factor"] - s["low_freq_factor"])
        smoothed = (1 - smooth) / s["factor"] * scaled + smooth * scaled
        medium = ~(wavelen < high_wavelen) & ~(wavelen > low_wavelen)
        inv = torch.where(medium, smoothed, scaled)
    return inv.to(torch.float32)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def forward(c, w, ids, prefix=None):
    """Logits of the text positions; `prefix` holds input embeddings before the text (prompt tuning)."""
    hd = c["hidden"] // c["heads"]
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    if prefix is not None:
        x = torch.cat((prefix, x), dim=0)
    n = x.shape[0]
    freqs = torch.outer(torch.arange(n, dtype=torch.float32), inv_freq(c))
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((n, n), float("-inf")).triu(1)
    for i in range(c["layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], c["eps"])

        def proj(name):
            y = h @ w[p + f"self_attn.{name}.weight"].T
            return y + w[p + f"self_attn.{name}.bias"] if c["bias"] else y
        q = proj("q_proj").view(n, c["heads"], hd).transpose(0, 1)
        k = proj("k_proj").view(n, c["kv"], hd).transpose(0, 1)
        v = proj("v_proj").view(n, c["kv"], hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = c["heads"] // c["kv"]
        k = k.repeat_interleave(rep, dim=0)
        v = v.repeat_interleave(rep, dim=0)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + mask, dim=-1)
        o = (att @ v).transpose(0, 1).reshape(n, c["heads"] * hd)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], c["eps"])
        gate = torch.nn.functional.silu(h @ w[p + "mlp.gate_proj.weight"].T)
        x = x + (gate * (h @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], c["eps"])
    head = w["model.embed_tokens.weight"] if c["tied"] else w["lm_head.weight"]
    return (x @ head.T)[0 if prefix is None else prefix.shape[0]:]


# adapter_config.json as PEFT (0.13) writes it with save_pretrained, every field
PEFT_LORA_CONFIG = {
    "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "reference", "bias": "none",
    "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "layer_replication": None,
    "layers_pattern": None, "layers_to_transform": None, "loftq_config": {}, "lora_alpha": 16,
    "lora_dropout": 0.05, "megatron_config": None, "megatron_core": "megatron.core", "modules_to_save": None,
    "peft_type": "LORA", "r": 4, "rank_pattern": {}, "revision": None, "target_modules": ["v_proj", "q_proj", "down_proj"],
    "task_type": "CAUSAL_LM", "use_dora": False, "use_rslora": False}
PEFT_PROMPT_CONFIG = {
    "auto_mapping": None, "base_model_name_or_path": "reference", "inference_mode": True, "num_attention_heads": None,
    "num_layers": None, "num_transformer_submodules": 1, "num_virtual_tokens": 5, "peft_type": "PROMPT_TUNING",
    "prompt_tuning_init": "RANDOM", "prompt_tuning_init_text": None, "revision": None, "task_type": "CAUSAL_LM",
    "token_dim": None, "tokenizer_kwargs": None, "tokenizer_name_or_path": None}


def peft_adapters(c, w, d, prompt):
    """A LoRA and a prompt-tuning adapter in PEFT's files, with the logits PEFT's math gives for them.

    PEFT itself is not packaged by Debian; these files follow what its save_pretrained writes (key
    names without the adapter name, lora_A [r, in], lora_B [out, r], F32, metadata format=pt) and its
    forward: W x + (lora_alpha / r) B A x; prompt tuning puts the virtual tokens at positions 0..n-1.
    """
    gen = torch.Generator().manual_seed(7)
    cfg = dict(PEFT_LORA_CONFIG)
    r, scale = cfg["r"], cfg["lora_alpha"] / cfg["r"]
    tensors = {}
    for i in range(c["layers"]):
        for module in ("self_attn.q_proj", "self_attn.v_proj", "mlp.down_proj"):
            base = w[f"model.layers.{i}.{module}.weight"]
            a = torch.randn(r, base.shape[1], generator=gen) * 0.3
            b = torch.randn(base.shape[0], r, generator=gen) * 0.3
            key = f"base_model.model.model.layers.{i}.{module}"
            tensors[key + ".lora_A.weight"] = a
            tensors[key + ".lora_B.weight"] = b
    lora = d / "peft-lora"
    lora.mkdir(exist_ok=True)
    (lora / "adapter_config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    save_safetensors(lora / "adapter_model.safetensors", tensors, "float32", {"format": "pt"})
    cfgp = dict(PEFT_PROMPT_CONFIG, token_dim=c["hidden"], num_layers=c["layers"], num_attention_heads=c["heads"])
    virtual = torch.randn(cfgp["num_virtual_tokens"], c["hidden"], generator=gen)
    tuned = d / "peft-prompt"
    tuned.mkdir(exist_ok=True)
    (tuned / "adapter_config.json").write_text(json.dumps(cfgp, indent=2) + "\n")
    save_safetensors(tuned / "adapter_model.safetensors", {"prompt_embeddings": virtual}, "float32", {"format": "pt"})
    wf = {k: v.to(DTYPES[c["dtype"]][0]).float() for k, v in w.items()}  # the base as stored in its file
    with torch.no_grad():
        mf = dict(wf)
        for i in range(c["layers"]):
            for module in ("self_attn.q_proj", "self_attn.v_proj", "mlp.down_proj"):
                key = f"base_model.model.model.layers.{i}.{module}"
                mf[f"model.layers.{i}.{module}.weight"] = wf[f"model.layers.{i}.{module}.weight"] + scale * (
                    tensors[key + ".lora_B.weight"] @ tensors[key + ".lora_A.weight"])
        ref = {"prompt": prompt,
               "lora_logits": [[round(float(v), 6) for v in row] for row in forward(c, mf, prompt)],
               "prompt_tuning_logits": [[round(float(v), 6) for v in row] for row in forward(c, wf, prompt, virtual)]}
    (d / "peft-reference.json").write_text(json.dumps(ref) + "\n")


def main(out):
    torch.manual_seed(0)
    for name, c in CASES.items():
        gen = torch.Generator().manual_seed(sum(map(ord, name)))
        w = weights(c, gen)
        d = Path(out) / name
        d.mkdir(parents=True, exist_ok=True)
        config = {"architectures": [c["arch"]], "model_type": c["model_type"], "hidden_size": c["hidden"],
                  "intermediate_size": c["inter"], "num_hidden_layers": c["layers"],
                  "num_attention_heads": c["heads"], "num_key_value_heads": c["kv"], "vocab_size": c["vocab"],
                  "max_position_embeddings": 64, "rms_norm_eps": c["eps"], "rope_theta": c["theta"],
                  "tie_word_embeddings": c["tied"], "torch_dtype": c["dtype"], "hidden_act": "silu"}
        if c["scaling"]:
            config["rope_scaling"] = c["scaling"]
        (d / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        save_safetensors(d / "model.safetensors", w, c["dtype"])
        prompt = [int(t) for t in torch.randint(0, c["vocab"], (12,), generator=gen)]
        with torch.no_grad():
            logits = forward(c, w, prompt)
            seq = list(prompt)
            for _ in range(16):  # greedy decoding, full recomputation: no cache to share a bug with
                seq.append(int(forward(c, w, seq)[-1].argmax()))
        ref = {"command": "/usr/bin/python3 platform-core/src/test/resources/reference/make_reference.py "
                          "platform-core/src/test/resources/reference",
               "torch": torch.__version__, "prompt": prompt,
               "logits": [[round(float(v), 6) for v in row] for row in logits],
               "greedy": seq[len(prompt):]}
        (d / "reference.json").write_text(json.dumps(ref) + "\n")
        print(name, "greedy", ref["greedy"])
        if name == "llama-gqa-untied":
            peft_adapters(c, w, d, prompt)


if __name__ == "__main__":
    main(sys.argv[1])
