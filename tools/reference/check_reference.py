#!/usr/bin/python3
"""Cross-checks llava_reference.py against a second, differently written formulation, so the golden files do not rest
on one implementation's reading of the conventions:
  * CLIP attention through torch.nn.MultiheadAttention (packed in_proj) instead of hand-written matmuls;
  * RoPE as complex rotation of the pairs (x_i, x_{i+d/2}) instead of rotate_half;
  * LLaMA attention one head and one query at a time, key/value head = head // n_rep, -inf instead of finfo.min;
  * RMSNorm and SwiGLU written with torch.nn modules where they exist.
Exits non-zero if the golden logits, attentions or image features differ by more than 1e-4.

Run: /usr/bin/python3 tools/reference/check_reference.py
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from st_io import read_checkpoint, read_safetensors  # noqa: E402

FIXTURE = os.path.join(HERE, "..", "..", "tests", "fixtures", "llava-tiny-hf")


def vision(W, vc, pixel_values, layer):
    p = "vision_tower.vision_model."
    d, heads = vc["hidden_size"], vc["num_attention_heads"]
    conv = torch.nn.Conv2d(3, d, vc["patch_size"], stride=vc["patch_size"], bias=False)
    conv.weight.copy_(W[p + "embeddings.patch_embedding.weight"])
    x = conv(pixel_values)[0]                                   # [d, g, g]
    tokens = [W[p + "embeddings.class_embedding"]]
    for r in range(x.shape[1]):
        for c in range(x.shape[2]):
            tokens.append(x[:, r, c])
    h = torch.stack(tokens) + W[p + "embeddings.position_embedding.weight"]
    ln = torch.nn.LayerNorm(d, eps=vc["layer_norm_eps"])
    ln.weight.copy_(W[p + "pre_layrnorm.weight"]); ln.bias.copy_(W[p + "pre_layrnorm.bias"])
    h = ln(h)[None]
    states = [h]
    for i in range(vc["num_hidden_layers"]):
        lp = f"{p}encoder.layers.{i}."
        mha = torch.nn.MultiheadAttention(d, heads, batch_first=True)
        mha.in_proj_weight.copy_(torch.cat([W[lp + f"self_attn.{n}_proj.weight"] for n in "qkv"]))
        mha.in_proj_bias.copy_(torch.cat([W[lp + f"self_attn.{n}_proj.bias"] for n in "qkv"]))
        mha.out_proj.weight.copy_(W[lp + "self_attn.out_proj.weight"]); mha.out_proj.bias.copy_(W[lp + "self_attn.out_proj.bias"])
        n1, n2 = torch.nn.LayerNorm(d, eps=vc["layer_norm_eps"]), torch.nn.LayerNorm(d, eps=vc["layer_norm_eps"])
        n1.weight.copy_(W[lp + "layer_norm1.weight"]); n1.bias.copy_(W[lp + "layer_norm1.bias"])
        n2.weight.copy_(W[lp + "layer_norm2.weight"]); n2.bias.copy_(W[lp + "layer_norm2.bias"])
        y = n1(h)
        h = h + mha(y, y, y, need_weights=False)[0]
        y = torch.nn.functional.linear(n2(h), W[lp + "mlp.fc1.weight"], W[lp + "mlp.fc1.bias"])
        y = y * torch.sigmoid(1.702 * y)
        h = h + torch.nn.functional.linear(y, W[lp + "mlp.fc2.weight"], W[lp + "mlp.fc2.bias"])
        states.append(h)
    return states[layer][0, 1:]


def rms(x, w, eps):
    return w * (x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps))


def rope_complex(x, pos, theta):
    """x: [L, d] for one head; pairs (i, i + d/2) rotated by pos * theta^(-2i/d)."""
    d = x.shape[-1]
    half = d // 2
    freqs = theta ** (-torch.arange(half, dtype=torch.float64) * 2 / d)
    angles = pos[:, None].double() * freqs[None]
    z = torch.complex(x[:, :half].double(), x[:, half:].double()) * torch.polar(torch.ones_like(angles), angles)
    return torch.cat([z.real, z.imag], dim=-1).float()


def text(W, tc, embeds):
    lm = "language_model.model."
    d, H, KV = tc["hidden_size"], tc["num_attention_heads"], tc["num_key_value_heads"]
    hd, rep, L = d // H, H // KV, embeds.shape[0]
    pos = torch.arange(L)
    h = embeds
    last_rows = []
    for i in range(tc["num_hidden_layers"]):
        lp = f"{lm}layers.{i}."
        x = rms(h, W[lp + "input_layernorm.weight"], tc["rms_norm_eps"])
        q = x @ W[lp + "self_attn.q_proj.weight"].T
        k = x @ W[lp + "self_attn.k_proj.weight"].T
        v = x @ W[lp + "self_attn.v_proj.weight"].T
        out = torch.zeros(L, d)
        rows = []
        for head in range(H):
            kvh = head // rep
            qh = rope_complex(q[:, head * hd:(head + 1) * hd], pos, tc["rope_theta"])
            kh = rope_complex(k[:, kvh * hd:(kvh + 1) * hd], pos, tc["rope_theta"])
            vh = v[:, kvh * hd:(kvh + 1) * hd]
            for t in range(L):
                s = (kh[: t + 1] @ qh[t]) / hd ** 0.5       # only keys at or before t
                a = torch.softmax(s, dim=0)
                out[t, head * hd:(head + 1) * hd] = a @ vh[: t + 1]
                if t == L - 1:
                    rows.append(a)
        last_rows.append(torch.stack(rows))
        h = h + out @ W[lp + "self_attn.o_proj.weight"].T
        x = rms(h, W[lp + "post_attention_layernorm.weight"], tc["rms_norm_eps"])
        g = x @ W[lp + "mlp.gate_proj.weight"].T
        h = h + (torch.nn.SiLU()(g) * (x @ W[lp + "mlp.up_proj.weight"].T)) @ W[lp + "mlp.down_proj.weight"].T
    logits = rms(h, W[lm + "norm.weight"], tc["rms_norm_eps"]) @ W["language_model.lm_head.weight"].T
    return logits, torch.stack(last_rows)


def main():
    torch.set_grad_enabled(False)
    cfg = json.load(open(os.path.join(FIXTURE, "config.json")))
    W = {k: v.float() for k, v in read_checkpoint(FIXTURE).items()}
    G = read_safetensors(os.path.join(FIXTURE, "golden", "reference.safetensors"))
    raw = vision(W, cfg["vision_config"], G["pixel_values"], cfg["vision_feature_layer"])
    proj = torch.nn.Sequential(torch.nn.Linear(raw.shape[1], cfg["text_config"]["hidden_size"]), torch.nn.GELU(),
                               torch.nn.Linear(cfg["text_config"]["hidden_size"], cfg["text_config"]["hidden_size"]))
    proj[0].weight.copy_(W["multi_modal_projector.linear_1.weight"]); proj[0].bias.copy_(W["multi_modal_projector.linear_1.bias"])
    proj[2].weight.copy_(W["multi_modal_projector.linear_2.weight"]); proj[2].bias.copy_(W["multi_modal_projector.linear_2.bias"])
    feats = proj(raw)
    ids = G["input_ids"][0]
    embeds = torch.stack([W["language_model.model.embed_tokens.weight"][i] for i in ids])
    image_positions = (ids == cfg["image_token_index"]).nonzero().flatten()
    for n, p in enumerate(image_positions):
        embeds[p] = feats[n]
    logits, rows = text(W, cfg["text_config"], embeds)
    checks = {
        "image_features_unprojected": (raw, G["image_features_unprojected"]),
        "image_features": (feats, G["image_features"]),
        "inputs_embeds": (embeds, G["inputs_embeds"]),
        "logits": (logits, G["logits"]),
        "attentions_last_token": (rows, G["attentions_last_token"]),
    }
    worst = 0.0
    for name, (mine, golden) in checks.items():
        diff = float((mine - golden).abs().max())
        worst = max(worst, diff)
        print(f"{name:28s} max |diff| = {diff:.3e}")
    if worst > 1e-4:
        sys.exit("reference and cross-check disagree")
    print("OK: independent formulation agrees with the golden outputs")


if __name__ == "__main__":
    main()
