#!/usr/bin/python3
"""Independent PyTorch forward pass of LlavaForConditionalGeneration (LLaVA-1.5 as in llava-hf), written from the
Hugging Face modeling conventions (modeling_llava.py, modeling_clip.py, modeling_llama.py: read, not copied), used to
produce golden outputs for the C# port. Eager attention, float32, no KV cache, batch of one.

Reads tests/fixtures/llava-tiny-hf (written by make_fixture.py) and writes tests/fixtures/llava-tiny-hf/golden/
{reference.safetensors, reference.json, tokenizer_cases.json}.

Run:  /usr/bin/python3 tools/reference/llava_reference.py
"""
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hf_slow_tokenizer import HfSlowLlamaTokenizer  # noqa: E402
from st_io import read_checkpoint, write_safetensors  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "llava-tiny-hf")
GOLDEN = os.path.join(FIXTURE, "golden")

SYSTEM = ("A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, "
          "detailed, and polite answers to the user's questions.")
QUESTION = "What colour is the square?"
PROMPT = f"{SYSTEM} USER: <image>\n{QUESTION} ASSISTANT:"
NEW_TOKENS = 5

TOKENIZER_CASES = [
    PROMPT,
    "Hello world",
    "  leading spaces, double  spaces and a trailing one ",
    "ünïcødé café, naïve 🙂 — “quotes”",
    "There are 1234 apples and 56.7 pears in 2024.",
    "<image>\nUSER: What is this? ASSISTANT:",
    "USER: <image> What colour?<image>x<pad>",
    "line one\nline two\ttab",
    "",
]


# ---------------------------------------------------------------- image preprocessing (LLaVA-1.5 'pad' mode)

def expand2square(img, background):
    from PIL import Image
    w, h = img.size
    if w == h:
        return img
    side = max(w, h)
    out = Image.new(img.mode, (side, side), background)
    out.paste(img, (0, (side - h) // 2) if w > h else ((side - w) // 2, 0))
    return out


def preprocess(path, pre):
    """expand2square with the CLIP-mean colour, bicubic resize of the shortest edge, centre crop, rescale, normalise."""
    from PIL import Image
    img = Image.open(path).convert("RGB")
    mean, std = pre["image_mean"], pre["image_std"]
    img = expand2square(img, tuple(int(x * 255) for x in mean))
    short = pre["size"]["shortest_edge"]
    w, h = img.size
    if w <= h:
        nw, nh = short, int(short * h / w)
    else:
        nw, nh = int(short * w / h), short
    img = img.resize((nw, nh), resample=Image.BICUBIC)
    ch, cw = pre["crop_size"]["height"], pre["crop_size"]["width"]
    left, top = (nw - cw) // 2, (nh - ch) // 2
    img = img.crop((left, top, left + cw, top + ch))
    x = np.asarray(img, dtype=np.float32) * np.float32(pre["rescale_factor"])
    x = (x - np.array(mean, dtype=np.float32)) / np.array(std, dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))[None]  # [1, 3, H, W]


# ---------------------------------------------------------------- CLIP vision tower

def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def linear(x, w, b=None):
    return torch.nn.functional.linear(x, w, b)


def clip_vision_hidden_states(W, vc, pixel_values):
    """Returns HF's hidden_states tuple: [0] = embeddings after pre_layrnorm, [i] = output of encoder layer i-1."""
    p = "vision_tower.vision_model."
    d, heads, eps = vc["hidden_size"], vc["num_attention_heads"], vc["layer_norm_eps"]
    hd = d // heads
    patches = torch.nn.functional.conv2d(pixel_values, W[p + "embeddings.patch_embedding.weight"], stride=vc["patch_size"])
    patches = patches.flatten(2).transpose(1, 2)                    # [B, grid*grid, d], row-major patches
    cls = W[p + "embeddings.class_embedding"].expand(patches.shape[0], 1, -1)
    h = torch.cat([cls, patches], dim=1) + W[p + "embeddings.position_embedding.weight"][None]
    h = layer_norm(h, W[p + "pre_layrnorm.weight"], W[p + "pre_layrnorm.bias"], eps)
    states = [h]
    for i in range(vc["num_hidden_layers"]):
        lp = f"{p}encoder.layers.{i}."
        residual = h
        x = layer_norm(h, W[lp + "layer_norm1.weight"], W[lp + "layer_norm1.bias"], eps)
        B, L, _ = x.shape
        q = linear(x, W[lp + "self_attn.q_proj.weight"], W[lp + "self_attn.q_proj.bias"]).view(B, L, heads, hd).transpose(1, 2)
        k = linear(x, W[lp + "self_attn.k_proj.weight"], W[lp + "self_attn.k_proj.bias"]).view(B, L, heads, hd).transpose(1, 2)
        v = linear(x, W[lp + "self_attn.v_proj.weight"], W[lp + "self_attn.v_proj.bias"]).view(B, L, heads, hd).transpose(1, 2)
        att = torch.softmax((q @ k.transpose(-1, -2)) * hd ** -0.5, dim=-1, dtype=torch.float32).to(q.dtype)
        x = (att @ v).transpose(1, 2).reshape(B, L, d)
        h = residual + linear(x, W[lp + "self_attn.out_proj.weight"], W[lp + "self_attn.out_proj.bias"])
        residual = h
        x = layer_norm(h, W[lp + "layer_norm2.weight"], W[lp + "layer_norm2.bias"], eps)
        x = linear(x, W[lp + "mlp.fc1.weight"], W[lp + "mlp.fc1.bias"])
        x = x * torch.sigmoid(1.702 * x)                            # quick_gelu
        h = residual + linear(x, W[lp + "mlp.fc2.weight"], W[lp + "mlp.fc2.bias"])
        states.append(h)
    return states


def image_features(W, cfg, pixel_values):
    states = clip_vision_hidden_states(W, cfg["vision_config"], pixel_values)
    selected = states[cfg["vision_feature_layer"]]
    if cfg["vision_feature_select_strategy"] == "default":
        selected = selected[:, 1:]                                   # drop CLS
    x = linear(selected, W["multi_modal_projector.linear_1.weight"], W["multi_modal_projector.linear_1.bias"])
    x = torch.nn.functional.gelu(x)                                  # exact (erf) GELU
    x = linear(x, W["multi_modal_projector.linear_2.weight"], W["multi_modal_projector.linear_2.bias"])
    return states, selected, x


# ---------------------------------------------------------------- LLaMA

def rms_norm(x, w, eps):
    dtype = x.dtype
    x32 = x.to(torch.float32)
    x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)
    return w * x32.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def rope(positions, head_dim, theta):
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    freqs = positions[:, None].float() * inv_freq[None, :]
    emb = torch.cat([freqs, freqs], dim=-1)
    return emb.cos(), emb.sin()


def causal_mask(L):
    """[L, L] additive causal mask: 0 on/below the diagonal, the float32 minimum above."""
    return torch.full((L, L), torch.finfo(torch.float32).min).triu(1)


def llama_layer(W, i, tc, h, cos, sin, mask):
    """Decoder layer i on the residual stream h [B, L, d]; returns (h after the layer, attention probabilities [B, H, L, L])."""
    lp = f"language_model.model.layers.{i}."
    d, heads, kv_heads = tc["hidden_size"], tc["num_attention_heads"], tc["num_key_value_heads"]
    hd, eps, n_rep = d // heads, tc["rms_norm_eps"], heads // kv_heads
    B, L, _ = h.shape
    x = rms_norm(h, W[lp + "input_layernorm.weight"], eps)
    q = linear(x, W[lp + "self_attn.q_proj.weight"]).view(B, L, heads, hd).transpose(1, 2)
    k = linear(x, W[lp + "self_attn.k_proj.weight"]).view(B, L, kv_heads, hd).transpose(1, 2)
    v = linear(x, W[lp + "self_attn.v_proj.weight"]).view(B, L, kv_heads, hd).transpose(1, 2)
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    # repeat_kv: query head j reads key/value head j // n_rep
    k = k[:, :, None].expand(B, kv_heads, n_rep, L, hd).reshape(B, heads, L, hd)
    v = v[:, :, None].expand(B, kv_heads, n_rep, L, hd).reshape(B, heads, L, hd)
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
    att = torch.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
    x = (att @ v).transpose(1, 2).reshape(B, L, d)
    h = h + linear(x, W[lp + "self_attn.o_proj.weight"])
    x = rms_norm(h, W[lp + "post_attention_layernorm.weight"], eps)
    x = linear(torch.nn.functional.silu(linear(x, W[lp + "mlp.gate_proj.weight"])) * linear(x, W[lp + "mlp.up_proj.weight"]),
               W[lp + "mlp.down_proj.weight"])
    return h + x, att


def llama_forward(W, tc, inputs_embeds):
    """Returns (logits, residual stream per layer, per-layer attention probabilities [B, H, L, L], final hidden)."""
    lm = "language_model.model."
    hd = tc["hidden_size"] // tc["num_attention_heads"]
    L = inputs_embeds.shape[1]
    cos, sin = rope(torch.arange(L), hd, tc["rope_theta"])
    mask = causal_mask(L)
    h = inputs_embeds
    residuals, attentions = [h], []
    for i in range(tc["num_hidden_layers"]):
        h, att = llama_layer(W, i, tc, h, cos, sin, mask)
        attentions.append(att)
        residuals.append(h)
    final = rms_norm(h, W[lm + "norm.weight"], tc["rms_norm_eps"])
    logits = linear(final, W["language_model.lm_head.weight"])
    return logits, residuals, attentions, final


def splice_image(W, cfg, input_ids, feats):
    """Token embeddings with the image features written over the image-token positions, in order (masked_scatter)."""
    embeds = W["language_model.model.embed_tokens.weight"][input_ids]    # [1, L, d]
    image_mask = input_ids == cfg["image_token_index"]
    n = int(image_mask.sum())
    if n != feats.shape[0] * feats.shape[1]:
        raise ValueError(f"{n} image tokens but {feats.shape[0] * feats.shape[1]} image features")
    embeds = embeds.clone()
    embeds[image_mask] = feats.reshape(-1, feats.shape[-1])
    return embeds


def llava_forward(W, cfg, input_ids, feats):
    embeds = splice_image(W, cfg, input_ids, feats)
    logits, residuals, attentions, final = llama_forward(W, cfg["text_config"], embeds)
    return embeds, logits, residuals, attentions, final


def main():
    torch.set_grad_enabled(False)
    torch.set_num_threads(1)
    with open(os.path.join(FIXTURE, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(FIXTURE, "preprocessor_config.json")) as f:
        pre = json.load(f)
    W = {k: v.float() for k, v in read_checkpoint(FIXTURE).items()}

    specials = {"<image>": cfg["image_token_index"], "<pad>": cfg["pad_token_id"]}
    tok = HfSlowLlamaTokenizer(os.path.join(FIXTURE, "tokenizer.model"), specials, legacy=False)
    tok_legacy = HfSlowLlamaTokenizer(os.path.join(FIXTURE, "tokenizer.model"), specials, legacy=True)

    vc = cfg["vision_config"]
    grid = vc["image_size"] // vc["patch_size"]
    n_image = grid * grid if cfg["vision_feature_select_strategy"] == "default" else grid * grid + 1
    # The processor expands <image> to one placeholder per image token before tokenizing.
    expanded = PROMPT.replace("<image>", "<image>" * n_image)
    ids = tok.encode(expanded)
    assert ids == _expand(tok.encode(PROMPT), cfg["image_token_index"], n_image)
    input_ids = torch.tensor([ids], dtype=torch.int64)

    pixel_values = preprocess(os.path.join(FIXTURE, "fixture.png"), pre)
    vstates, selected, feats = image_features(W, cfg, pixel_values)
    embeds, logits, residuals, attentions, final = llava_forward(W, cfg, input_ids, feats)

    # Greedy continuation without a cache: every step re-runs the whole sequence.
    seq = input_ids
    generated, step_logits = [], []
    for _ in range(NEW_TOKENS):
        _, lg, _, _, _ = llava_forward(W, cfg, seq, feats)
        last = lg[0, -1]
        nxt = int(torch.argmax(last))
        step_logits.append(last)
        generated.append(nxt)
        seq = torch.cat([seq, torch.tensor([[nxt]])], dim=1)

    L = input_ids.shape[1]
    image_start = ids.index(cfg["image_token_index"])
    tensors = [
        ("pixel_values", pixel_values),
        ("input_ids", input_ids),
        ("vision_hidden_states", torch.stack([s[0] for s in vstates])),
        ("image_features_unprojected", selected[0]),
        ("image_features", feats[0]),
        ("inputs_embeds", embeds[0]),
        ("residual_stream", torch.stack([r[0] for r in residuals])),
        ("final_hidden", final[0]),
        ("logits", logits[0]),
        ("attentions_last_token", torch.stack([a[0, :, -1, :] for a in attentions])),
        ("attentions_layer0", attentions[0][0]),
        ("generated_ids", torch.tensor(generated, dtype=torch.int64)),
        ("generation_step_logits", torch.stack(step_logits)),
    ]
    os.makedirs(GOLDEN, exist_ok=True)
    write_safetensors(os.path.join(GOLDEN, "reference.safetensors"), tensors,
                      metadata={"producer": "tools/reference/llava_reference.py", "torch": torch.__version__})

    summary = {
        "producer": "tools/reference/llava_reference.py",
        "torch_version": torch.__version__,
        "prompt": PROMPT,
        "question": QUESTION,
        "image": "fixture.png",
        "image_token_index": cfg["image_token_index"],
        "image_tokens": n_image,
        "image_token_start": image_start,
        "sequence_length": L,
        "input_ids": ids,
        "generated_ids": generated,
        "generated_text": tok.sp.decode([i for i in generated if i < tok.sp.get_piece_size()]),
        "greedy_top1_top2_margins": [round(float(v[0] - v[1]), 6) for v in (torch.topk(l, 2).values for l in step_logits)],
        "last_token_top5": torch.topk(logits[0, -1], 5).indices.tolist(),
        "logits_last_token_first8": [round(float(x), 6) for x in logits[0, -1, :8]],
        "shapes": {name: list(t.shape) for name, t in tensors},
        "stats": {name: {"mean": float(t.float().mean()), "std": float(t.float().std()), "absmax": float(t.float().abs().max())}
                  for name, t in tensors if t.is_floating_point() and t.numel() > 1},
    }
    with open(os.path.join(GOLDEN, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2, ensure_ascii=False)
        f.write("\n")

    cases = [{"text": t,
              "ids": tok.encode(t),
              "ids_legacy": tok_legacy.encode(t),
              "ids_no_bos": tok.encode(t, add_bos=False)} for t in TOKENIZER_CASES]
    with open(os.path.join(GOLDEN, "tokenizer_cases.json"), "w", encoding="utf-8") as f:
        json.dump({"rule": "Hugging Face slow LlamaTokenizer; 'ids' with legacy=false (llava-hf), 'ids_legacy' with "
                           "legacy=true; BOS=1 prepended, no EOS. See tools/reference/hf_slow_tokenizer.py.",
                   "special_tokens": specials, "cases": cases}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"L={L} image tokens {n_image} at {image_start}; generated {generated} -> {summary['generated_text']!r}")


def _expand(ids, image_id, n):
    out = []
    for i in ids:
        out.extend([image_id] * n if i == image_id else [i])
    return out


if __name__ == "__main__":
    main()
