"""Small random GGUF files written with gguf's GGUFWriter: llama or qwen2, 2 layers, chosen tensor types per
weight, a byte-level BPE or SentencePiece vocabulary. Used as test inputs (no reference output is stored)."""
from __future__ import annotations

import functools

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import GGUFReader, GGUFWriter
from gguf.quants import quantize

from gguf_import.tokenizer import BYTE, CONTROL, NORMAL, UNKNOWN, USER_DEFINED

HIDDEN, FFN, HEADS, KV_HEADS, LAYERS, CONTEXT = 256, 512, 4, 2, 2, 256

# byte layout of K-quant blocks: (block bytes, offsets of the fp16 super-block scales)
_K_LAYOUT = {T.Q4_K: (144, (0, 2)), T.Q5_K: (176, (0, 2)), T.Q6_K: (210, (208,))}


def _k_blocks(rng, n, k, qtype):
    """Random but well-formed K-quant blocks: random quants and sub-scales, small positive fp16 scales."""
    size, scale_offsets = _K_LAYOUT[qtype]
    raw = rng.integers(0, 256, (n, k // 256, size), dtype=np.uint8)
    for j, off in enumerate(scale_offsets):
        # d ~ 2e-4 .. 6e-4: |w| up to ~0.5 at the largest sub-scales; dmin smaller
        d = (rng.random((n, k // 256)) * 4e-4 + 2e-4) * (0.5 if j else 1.0)
        if qtype == T.Q6_K:
            d = d * 0.2
        raw[..., off:off + 2] = d.astype(np.float16).view(np.uint8).reshape(n, k // 256, 2)
    return raw.reshape(n, -1)


def _tensor(rng, shape, qtype, scale=0.08):
    n, k = shape
    if qtype in _K_LAYOUT:
        return _k_blocks(rng, n, k, qtype), qtype
    w = (rng.standard_normal((n, k)) * scale).astype(np.float32)
    if qtype == T.F32:
        return w, None
    return quantize(w, qtype), qtype


@functools.lru_cache(maxsize=4)
def _read_vocab(source_gguf: str):
    r = GGUFReader(source_gguf)
    return tuple(r.fields[k].contents() for k in ("tokenizer.ggml.tokens", "tokenizer.ggml.token_type",
                                                  "tokenizer.ggml.merges"))


def bpe_vocab(source_gguf: str, pre: str):
    """The byte-level BPE vocabulary and merges of an existing GGUF, under another pre-tokenizer name."""
    tokens, types, merges = _read_vocab(source_gguf)
    return {"model": "gpt2", "pre": pre, "tokens": tokens, "types": types, "merges": merges,
            "bos": 1, "eos": 2, "add_bos": False}


def spm_vocab(source_gguf: str, n_pieces: int = 6000):
    """A SentencePiece-style vocabulary (<unk>, <s>, </s>, 256 byte tokens, pieces with '▁' for space, scores)
    derived from a byte-level BPE vocabulary; every character of a piece is itself a piece."""
    toks, types, _ = _read_vocab(source_gguf)
    from gguf_reference import _byte_to_unicode
    u2b = {u: b for b, u in _byte_to_unicode().items()}
    pieces, seen = [], set()
    for t, ty in zip(toks, types):
        if ty != NORMAL:
            continue
        try:
            s = bytes(u2b[c] for c in t).decode("utf-8").replace(" ", "\u2581")
        except (KeyError, UnicodeDecodeError):
            continue
        if s and s not in seen and not s.startswith("<0x"):
            seen.add(s)
            pieces.append(s)
        if len(pieces) >= n_pieces:
            break
    chars = []
    for p in pieces:
        for c in p:
            if c not in seen:
                seen.add(c)
                chars.append(c)
    pieces = chars + pieces
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + pieces + ["<|user|>"]
    ttypes = [UNKNOWN, CONTROL, CONTROL] + [BYTE] * 256 + [NORMAL] * len(pieces) + [USER_DEFINED]
    scores = [0.0] * 259 + [-float(i) for i in range(len(pieces))] + [0.0]
    return {"model": "llama", "tokens": tokens, "types": ttypes, "scores": scores, "bos": 1, "eos": 2,
            "add_bos": True}


def write_gguf(path, arch="llama", vocab=None, types=None, tied=True, seed=0, rope_freqs=False, theta=10000.0):
    """types: GGML type per weight kind: embd, output, q, k, v, o, gate, up, down (default Q8_0)."""
    rng = np.random.default_rng(seed)
    t = {k: T.Q8_0 for k in ("embd", "output", "q", "k", "v", "o", "gate", "up", "down")}
    t.update(types or {})
    V = len(vocab["tokens"])
    w = GGUFWriter(path, arch)
    w.add_name(f"synthetic-{arch}")
    w.add_block_count(LAYERS)
    w.add_context_length(CONTEXT)
    w.add_embedding_length(HIDDEN)
    w.add_feed_forward_length(FFN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV_HEADS)
    w.add_rope_freq_base(theta)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_dimension_count(HIDDEN // HEADS)
    w.add_tokenizer_model(vocab["model"])
    if "pre" in vocab:
        w.add_tokenizer_pre(vocab["pre"])
    w.add_token_list(vocab["tokens"])
    w.add_token_types(vocab["types"])
    if "merges" in vocab:
        w.add_token_merges(vocab["merges"])
    if "scores" in vocab:
        w.add_token_scores(vocab["scores"])
    w.add_bos_token_id(vocab["bos"])
    w.add_eos_token_id(vocab["eos"])
    w.add_add_bos_token(vocab["add_bos"])
    w.add_chat_template("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{% endfor %}")

    def add(name, shape, qtype, scale=0.08):
        arr, raw = _tensor(rng, shape, qtype, scale)
        w.add_tensor(name, arr, raw_dtype=raw) if raw is not None else w.add_tensor(name, arr)

    D = HIDDEN // HEADS
    add("token_embd.weight", (V, HIDDEN), t["embd"], 0.5)
    if rope_freqs:
        w.add_tensor("rope_freqs.weight", np.linspace(1.0, 8.0, D // 2).astype(np.float32))
    for i in range(LAYERS):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", (1 + 0.1 * rng.standard_normal(HIDDEN)).astype(np.float32))
        w.add_tensor(p + "ffn_norm.weight", (1 + 0.1 * rng.standard_normal(HIDDEN)).astype(np.float32))
        add(p + "attn_q.weight", (HEADS * D, HIDDEN), t["q"])
        add(p + "attn_k.weight", (KV_HEADS * D, HIDDEN), t["k"])
        add(p + "attn_v.weight", (KV_HEADS * D, HIDDEN), t["v"])
        if arch == "qwen2":
            for n, rows in (("q", HEADS * D), ("k", KV_HEADS * D), ("v", KV_HEADS * D)):
                w.add_tensor(p + f"attn_{n}.bias", (0.2 * rng.standard_normal(rows)).astype(np.float32))
        add(p + "attn_output.weight", (HIDDEN, HEADS * D), t["o"])
        add(p + "ffn_gate.weight", (FFN, HIDDEN), t["gate"])
        add(p + "ffn_up.weight", (FFN, HIDDEN), t["up"])
        add(p + "ffn_down.weight", (HIDDEN, FFN), t["down"], 0.05)
    w.add_tensor("output_norm.weight", (1 + 0.1 * rng.standard_normal(HIDDEN)).astype(np.float32))
    if not tied:
        add("output.weight", (V, HIDDEN), t["output"])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
