#!/usr/bin/python3
"""The PyTorch peer of `blink bench`: the prefill of the LLaVA-7B-shaped decoder slice (the same shapes and math as
src/Blink.Workbench/Performance/SliceModel.cs) with the LLaMA code of llava_reference.py, timed in PyTorch with the
same thread count, so the C# forward can be compared with PyTorch running the same model.

Slice: hidden 4096, 32 heads, 32 KV heads, SwiGLU 11008, vocab 32064, RMSNorm eps 1e-5, RoPE theta 10000, fp32;
prompt = 35 prefix tokens + 576 image tokens + 24 text tokens = 635. Weights are random (not the C# ones: only shapes
and math matter for speed). A prefill = token embeddings with the image features spliced in, every layer, the final
norm, and the LM head on the last token, under torch.inference_mode().

Needs Debian's python3-torch with OpenBLAS as the system BLAS (bash eng/ensure-peer.sh): with the reference BLAS,
Debian's torch is ~45x slower and no fair peer, so this script refuses to time it (exit code 3) unless
--allow-reference-blas is given.

Standalone:  /usr/bin/python3 tools/reference/bench_peer.py --layers 4 --threads 2 --warmup 1 --repeats 5
             prints one JSON object (per-repeat prefill and one-layer times in ms, torch version, BLAS, threads).
Serve mode:  --serve: builds the slice, prints one JSON line {"ready": true, ...}, then answers commands read from
             stdin, one per line: "prefill" or "layer" -> {"ms": ...}; "quit" exits. `blink bench` drives it so its
             repeats interleave with the C# runs.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIG = {
    "image_token_index": 32000,
    "text_config": {
        "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 32, "intermediate_size": 11008,
        "vocab_size": 32064, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
    },
}
PREFIX, IMAGE, TEXT = 35, 576, 24


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--layers", type=int, default=4, help="decoder layers of the slice")
    p.add_argument("--threads", type=int, required=True, help="torch.set_num_threads (and the BLAS thread pool)")
    p.add_argument("--warmup", type=int, default=1, help="untimed prefills (standalone mode)")
    p.add_argument("--repeats", type=int, default=3, help="timed prefills (standalone mode)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--serve", action="store_true", help="answer prefill/layer/quit commands on stdin (for blink bench)")
    p.add_argument("--allow-reference-blas", action="store_true", help="time even with the reference BLAS (not a fair peer)")
    a = p.parse_args()
    for name in ("layers", "threads", "repeats"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be >= 1, got {getattr(a, name)}")
    if a.warmup < 0:
        p.error(f"--warmup must be >= 0, got {a.warmup}")
    return a


def fail(message, code=3):
    print(json.dumps({"ready": False, "error": message}), flush=True)
    sys.exit(code)


def blas_in_use():
    """The BLAS library this process mapped (after a matmul), classified: (kind, path or None)."""
    import torch
    torch.ones(64, 64) @ torch.ones(64, 64)
    if torch.backends.mkl.is_available():
        return "MKL", None
    libs = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = os.path.basename(path)
            if ("blas" in name or "blis" in name) and path not in libs:
                libs.append(path)
    for path in libs:
        if "openblas" in path:
            return "OpenBLAS", path
    for path in libs:
        if "blis" in path:
            return "BLIS", path
    for path in libs:
        if "libblas" in path:
            return "reference BLAS", path
    return "unknown", None


def build(layers, seed):
    """Random fp32 weights under llava-hf's names (what llava_reference's functions read)."""
    import torch
    tc = dict(CONFIG["text_config"], num_hidden_layers=layers)
    d, inter, vocab = tc["hidden_size"], tc["intermediate_size"], tc["vocab_size"]
    kv = tc["num_key_value_heads"] * (d // tc["num_attention_heads"])
    g = torch.Generator().manual_seed(seed)

    def normal(*shape, std):
        return torch.empty(*shape).normal_(0.0, std, generator=g)

    W = {"language_model.model.embed_tokens.weight": normal(vocab, d, std=1.0),
         "language_model.model.norm.weight": torch.ones(d),
         "language_model.lm_head.weight": normal(vocab, d, std=d ** -0.5)}
    for i in range(layers):
        lp = f"language_model.model.layers.{i}."
        W[lp + "input_layernorm.weight"] = torch.ones(d)
        W[lp + "post_attention_layernorm.weight"] = torch.ones(d)
        W[lp + "self_attn.q_proj.weight"] = normal(d, d, std=d ** -0.5)
        W[lp + "self_attn.k_proj.weight"] = normal(kv, d, std=d ** -0.5)
        W[lp + "self_attn.v_proj.weight"] = normal(kv, d, std=d ** -0.5)
        W[lp + "self_attn.o_proj.weight"] = normal(d, d, std=d ** -0.5)
        W[lp + "mlp.gate_proj.weight"] = normal(inter, d, std=d ** -0.5)
        W[lp + "mlp.up_proj.weight"] = normal(inter, d, std=d ** -0.5)
        W[lp + "mlp.down_proj.weight"] = normal(d, inter, std=inter ** -0.5)
    ids = [1] + torch.randint(2, 31999, (PREFIX - 1,), generator=g).tolist() + [CONFIG["image_token_index"]] * IMAGE \
        + torch.randint(2, 31999, (TEXT,), generator=g).tolist()
    input_ids = torch.tensor([ids], dtype=torch.int64)
    feats = normal(1, IMAGE, d, std=0.5)
    return W, tc, input_ids, feats


def main():
    a = parse_args()
    # Both thread pools get the same count before torch (and with it libblas) is loaded.
    os.environ["OMP_NUM_THREADS"] = str(a.threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
    try:
        import torch
    except ImportError as e:
        fail(f"{sys.executable} cannot import torch ({e}); run: bash eng/ensure-peer.sh")
    sys.path.insert(0, HERE)
    import llava_reference as ref  # noqa: E402  (the LLaMA code this peer times)

    torch.set_num_threads(a.threads)
    blas, blas_path = blas_in_use()
    if blas == "reference BLAS" and not a.allow_reference_blas:
        fail(f"torch uses the reference BLAS ({blas_path}), ~45x slower than OpenBLAS: no fair peer; run: bash eng/ensure-peer.sh")

    W, tc, input_ids, feats = build(a.layers, a.seed)
    L = input_ids.shape[1]
    hd = tc["hidden_size"] // tc["num_attention_heads"]

    def prefill():
        embeds = ref.splice_image(W, CONFIG, input_ids, feats)
        cos, sin = ref.rope(torch.arange(L), hd, tc["rope_theta"])
        mask = ref.causal_mask(L)
        h = embeds
        for i in range(a.layers):
            h, _ = ref.llama_layer(W, i, tc, h, cos, sin, mask)
        final = ref.rms_norm(h, W["language_model.model.norm.weight"], tc["rms_norm_eps"])
        return ref.linear(final[:, -1:], W["language_model.lm_head.weight"])

    layer_input = ref.splice_image(W, CONFIG, input_ids, feats)
    layer_cos, layer_sin = ref.rope(torch.arange(L), hd, tc["rope_theta"])
    layer_mask = ref.causal_mask(L)

    def one_layer():
        return ref.llama_layer(W, 0, tc, layer_input, layer_cos, layer_sin, layer_mask)[0]

    def timed(fn):
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000.0

    info = {
        "torch": torch.__version__, "blas": blas, "blas_library": blas_path, "threads": torch.get_num_threads(),
        "layers": a.layers, "tokens": L, "hidden": tc["hidden_size"], "intermediate": tc["intermediate_size"],
        "dtype": "float32", "python": sys.executable, "script": "tools/reference/bench_peer.py",
    }
    with torch.inference_mode():
        if a.serve:
            print(json.dumps(dict(info, ready=True)), flush=True)
            for line in sys.stdin:
                command = line.strip()
                if command == "prefill":
                    print(json.dumps({"ms": timed(prefill)}), flush=True)
                elif command == "layer":
                    print(json.dumps({"ms": timed(one_layer)}), flush=True)
                elif command == "quit":
                    break
                elif command:
                    print(json.dumps({"error": f"unknown command {command!r} (prefill, layer, quit)"}), flush=True)
            return
        for _ in range(a.warmup):
            prefill()
        prefill_ms = [timed(prefill) for _ in range(a.repeats)]
        layer_ms = [timed(one_layer) for _ in range(a.repeats)]
    print(json.dumps(dict(info, warmup=a.warmup, prefill_ms=prefill_ms, layer_ms=layer_ms,
                          prefill_median_ms=statistics.median(prefill_ms), layer_median_ms=statistics.median(layer_ms)), indent=2))


if __name__ == "__main__":
    main()
