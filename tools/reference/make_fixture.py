#!/usr/bin/python3
"""Writes tests/fixtures/llava-tiny-hf: a small *random* LLaVA-1.5 checkpoint in exactly the llava-hf layout
(config.json, two safetensors shards + model.safetensors.index.json, SentencePiece tokenizer.model and the tokenizer
side files, preprocessor_config.json) plus a fixture image. Deterministic: fixed seeds, single-threaded training.

Run with Debian's interpreter:  /usr/bin/python3 tools/reference/make_fixture.py
Then:                           /usr/bin/python3 tools/reference/llava_reference.py
"""
import json
import math
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st_io import write_safetensors  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "llava-tiny-hf")

SP_VOCAB = 512            # SentencePiece pieces (ids 0..511); <image> = 512, <pad> = 513
IMAGE_TOKEN = SP_VOCAB
PAD_TOKEN = SP_VOCAB + 1
TEXT_VOCAB = int(math.ceil((SP_VOCAB + 2) / 64) * 64)  # llava-hf pads the embedding to a multiple of 64 -> 576

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

TEXT = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2,
            rms_norm_eps=1e-5, rope_theta=10000.0, max_position_embeddings=512)
VISION = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4, image_size=56,
              patch_size=14, layer_norm_eps=1e-5)

SYSTEM = ("A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, "
          "detailed, and polite answers to the user's questions.")


def corpus_lines():
    """A small English corpus: fixed sentences plus seeded template sentences (colours, shapes, digits)."""
    rng = random.Random(1234)
    fixed = [
        SYSTEM,
        "USER: What is in the image? ASSISTANT: A red square next to a blue circle.",
        "Describe the picture in detail. Answer the question using a single word or phrase.",
        "Answer with the option's letter from the given choices directly.",
        "Is there a snowboard in the image? Please answer yes or no.",
        "The quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat.",
        "Researchers study how multimodal models look at images, count objects and read small text.",
        "There are 12 apples, 7 oranges and 3 bananas on the table; how many fruits are there in total?",
        "Visual tokens are patches of the picture, arranged in a grid of rows and columns.",
    ]
    colours = ["red", "green", "blue", "yellow", "purple", "orange", "black", "white", "gray", "pink"]
    shapes = ["square", "circle", "triangle", "star", "line", "dot", "box", "ring"]
    places = ["left", "right", "top", "bottom", "centre", "corner", "middle", "edge"]
    verbs = ["is", "sits", "appears", "lies", "stands", "moves"]
    questions = ["What colour is the {s}?", "Where is the {c} {s}?", "How many {s}s are there?",
                 "Is the {s} {c}?", "Which shape is on the {p}?", "What is next to the {c} {s}?"]
    lines = list(fixed)
    for _ in range(3000):
        c, s, p, v = rng.choice(colours), rng.choice(shapes), rng.choice(places), rng.choice(verbs)
        n = rng.randint(0, 99)
        kind = rng.randint(0, 3)
        if kind == 0:
            lines.append(f"The {c} {s} {v} near the {p} of the image.")
        elif kind == 1:
            lines.append(rng.choice(questions).format(s=s, c=c, p=p))
        elif kind == 2:
            lines.append(f"There are {n} {c} {s}s, and {n + 3} of them are on the {p}.")
        else:
            lines.append(f"USER: {rng.choice(questions).format(s=s, c=c, p=p)} ASSISTANT: The answer is {c}.")
    return lines


def train_tokenizer(folder):
    import sentencepiece as spm
    corpus = os.path.join(folder, ".corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(corpus_lines()) + "\n")
    prefix = os.path.join(folder, ".tok")
    # LLaMA's settings: BPE, byte fallback, digits split, identity normalisation, whitespace kept as is,
    # <unk>=0 <s>=1 </s>=2 and no pad piece.
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=prefix, model_type="bpe", vocab_size=SP_VOCAB, character_coverage=1.0,
        byte_fallback=True, split_digits=True, normalization_rule_name="identity", remove_extra_whitespaces=False,
        add_dummy_prefix=True, allow_whitespace_only_pieces=True, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        num_threads=1, shuffle_input_sentence=False, minloglevel=2)
    os.replace(prefix + ".model", os.path.join(folder, "tokenizer.model"))
    os.remove(prefix + ".vocab")
    os.remove(corpus)


def weights():
    """Random weights with llava-hf's on-disk names. Linear weights ~ N(0, 1/fan_in), norms near 1, small biases."""
    g = torch.Generator().manual_seed(20240607)

    def randn(*shape, std):
        return torch.randn(*shape, generator=g) * std

    def linear(out_f, in_f, bias=True):
        w = randn(out_f, in_f, std=1.0 / math.sqrt(in_f))
        return (w, randn(out_f, std=0.02)) if bias else (w, None)

    def norm(n, bias=True):
        return (1.0 + randn(n, std=0.1), randn(n, std=0.02) if bias else None)

    vision, projector, language = [], [], []
    vh, vi = VISION["hidden_size"], VISION["intermediate_size"]
    grid = VISION["image_size"] // VISION["patch_size"]
    vp = "vision_tower.vision_model."
    vision.append((vp + "embeddings.class_embedding", randn(vh, std=0.3)))
    vision.append((vp + "embeddings.patch_embedding.weight", randn(vh, 3, VISION["patch_size"], VISION["patch_size"], std=1.0 / math.sqrt(3 * 14 * 14))))
    vision.append((vp + "embeddings.position_embedding.weight", randn(grid * grid + 1, vh, std=0.1)))
    w, b = norm(vh)
    vision += [(vp + "pre_layrnorm.weight", w), (vp + "pre_layrnorm.bias", b)]
    for i in range(VISION["num_hidden_layers"]):
        lp = f"{vp}encoder.layers.{i}."
        for proj in ("k_proj", "v_proj", "q_proj", "out_proj"):
            w, b = linear(vh, vh)
            vision += [(lp + f"self_attn.{proj}.weight", w), (lp + f"self_attn.{proj}.bias", b)]
        for name in ("layer_norm1", "layer_norm2"):
            w, b = norm(vh)
            vision += [(lp + f"{name}.weight", w), (lp + f"{name}.bias", b)]
        w, b = linear(vi, vh)
        vision += [(lp + "mlp.fc1.weight", w), (lp + "mlp.fc1.bias", b)]
        w, b = linear(vh, vi)
        vision += [(lp + "mlp.fc2.weight", w), (lp + "mlp.fc2.bias", b)]
    w, b = norm(vh)
    vision += [(vp + "post_layernorm.weight", w), (vp + "post_layernorm.bias", b)]

    th, ti = TEXT["hidden_size"], TEXT["intermediate_size"]
    w, b = linear(th, vh)
    projector += [("multi_modal_projector.linear_1.weight", w), ("multi_modal_projector.linear_1.bias", b)]
    w, b = linear(th, th)
    projector += [("multi_modal_projector.linear_2.weight", w), ("multi_modal_projector.linear_2.bias", b)]

    head_dim = th // TEXT["num_attention_heads"]
    kv = TEXT["num_key_value_heads"] * head_dim
    lm = "language_model.model."
    language.append((lm + "embed_tokens.weight", randn(TEXT_VOCAB, th, std=0.3)))
    for i in range(TEXT["num_hidden_layers"]):
        lp = f"{lm}layers.{i}."
        # q and k twice the usual scale: sharper attention makes RoPE, GQA and masking errors show in the outputs.
        language.append((lp + "self_attn.q_proj.weight", 2.0 * linear(th, th, False)[0]))
        language.append((lp + "self_attn.k_proj.weight", 2.0 * linear(kv, th, False)[0]))
        language.append((lp + "self_attn.v_proj.weight", linear(kv, th, False)[0]))
        language.append((lp + "self_attn.o_proj.weight", linear(th, th, False)[0]))
        language.append((lp + "mlp.gate_proj.weight", linear(ti, th, False)[0]))
        language.append((lp + "mlp.up_proj.weight", linear(ti, th, False)[0]))
        language.append((lp + "mlp.down_proj.weight", linear(th, ti, False)[0]))
        language.append((lp + "input_layernorm.weight", norm(th, False)[0]))
        language.append((lp + "post_attention_layernorm.weight", norm(th, False)[0]))
    language.append((lm + "norm.weight", norm(th, False)[0]))
    language.append(("language_model.lm_head.weight", linear(TEXT_VOCAB, th, False)[0]))
    return vision + projector, language


def write_checkpoint(folder):
    shard_a, shard_b = weights()
    names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    weight_map, total = {}, 0
    for name, tensors in zip(names, (shard_a, shard_b)):
        write_safetensors(os.path.join(folder, name), tensors, metadata={"format": "pt"})
        for key, t in tensors:
            weight_map[key] = name
            total += t.numel() * t.element_size()
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    dump_json(os.path.join(folder, "model.safetensors.index.json"), index)


def dump_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def write_configs(folder):
    config = {
        "architectures": ["LlavaForConditionalGeneration"],
        "ignore_index": -100,
        "image_seq_length": (VISION["image_size"] // VISION["patch_size"]) ** 2,
        "image_token_index": IMAGE_TOKEN,
        "model_type": "llava",
        "multimodal_projector_bias": True,
        "pad_token_id": PAD_TOKEN,
        "projector_hidden_act": "gelu",
        "text_config": {
            "_name_or_path": "random-tiny-vicuna",
            "architectures": ["LlamaForCausalLM"],
            "hidden_act": "silu",
            "model_type": "llama",
            "torch_dtype": "float32",
            "vocab_size": TEXT_VOCAB,
            "tie_word_embeddings": False,
            "bos_token_id": 1,
            "eos_token_id": 2,
            **TEXT,
        },
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "transformers_version": "4.46.0",
        "vision_config": {
            "hidden_act": "quick_gelu",
            "model_type": "clip_vision_model",
            "num_channels": 3,
            "projection_dim": 64,
            **VISION,
        },
        "vision_feature_layer": -2,
        "vision_feature_select_strategy": "default",
    }
    dump_json(os.path.join(folder, "config.json"), config)
    dump_json(os.path.join(folder, "preprocessor_config.json"), {
        "crop_size": {"height": VISION["image_size"], "width": VISION["image_size"]},
        "do_center_crop": True, "do_convert_rgb": True, "do_normalize": True, "do_rescale": True, "do_resize": True,
        "image_mean": CLIP_MEAN, "image_processor_type": "CLIPImageProcessor", "image_std": CLIP_STD,
        "processor_class": "LlavaProcessor", "resample": 3, "rescale_factor": 1 / 255,
        "size": {"shortest_edge": VISION["image_size"]},
    })
    dump_json(os.path.join(folder, "added_tokens.json"), {"<image>": IMAGE_TOKEN, "<pad>": PAD_TOKEN})
    dump_json(os.path.join(folder, "special_tokens_map.json"), {
        "bos_token": {"content": "<s>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False},
        "eos_token": {"content": "</s>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False},
        "pad_token": {"content": "<pad>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False},
        "unk_token": {"content": "<unk>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False},
    })

    def added(content, special):
        return {"content": content, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": special}

    dump_json(os.path.join(folder, "tokenizer_config.json"), {
        "add_bos_token": True, "add_eos_token": False,
        "added_tokens_decoder": {"0": added("<unk>", True), "1": added("<s>", True), "2": added("</s>", True),
                                 str(IMAGE_TOKEN): added("<image>", True), str(PAD_TOKEN): added("<pad>", True)},
        "bos_token": "<s>", "clean_up_tokenization_spaces": False, "eos_token": "</s>", "legacy": False,
        "model_max_length": 512, "pad_token": "<pad>", "padding_side": "left", "processor_class": "LlavaProcessor",
        "sp_model_kwargs": {}, "tokenizer_class": "LlamaTokenizer", "unk_token": "<unk>",
        "use_default_system_prompt": False,
    })


def draw_image(folder):
    """A non-square picture (84x56) so expand2square's padding matters: red square, blue disc, green bar."""
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (84, 56), (235, 230, 220))
    d = ImageDraw.Draw(img)
    d.rectangle([6, 8, 30, 32], fill=(220, 30, 30))
    d.ellipse([44, 14, 74, 44], fill=(30, 60, 210))
    d.rectangle([10, 42, 78, 50], fill=(20, 160, 60))
    img.save(os.path.join(folder, "fixture.png"), optimize=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    train_tokenizer(OUT)
    write_checkpoint(OUT)
    write_configs(OUT)
    draw_image(OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
