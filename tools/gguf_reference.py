"""Float64 numpy reference forward pass of a GGUF decoder (llama, qwen2), written from llama.cpp's semantics
(GGUF tensor order, interleaved rotary for llama, NeoX rotary for qwen2), independent of the importer's graph.
Also runs an imported model folder with ONNX Runtime (teacher forced: prefill, then KV-cache decode steps) and
compares the two.

    .runtime/venv/bin/python tools/gguf_reference.py FILE.gguf MODEL_DIR [--prefill 40]
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SAMPLE_TEXT = ("The old lighthouse keeper climbed the spiral stairs every evening at dusk. He trimmed the wick, "
               "polished the great lens, and watched the ships pass safely through the narrow channel. "
               "In fifty years, not a single vessel had been lost on the rocks below.")


class Reference:
    """Float64 forward pass over the dequantised GGUF weights."""

    def __init__(self, path: str):
        self.r = GGUFReader(path, "r")
        self.t = {t.name: t for t in self.r.tensors}
        self._cache = {}
        f = lambda k, d=None: (self.r.fields[k].contents() if k in self.r.fields else d)
        self.arch = f("general.architecture")
        a = lambda k, d=None: f(f"{self.arch}.{k}", d)
        self.n_layers = int(a("block_count"))
        self.hidden = int(a("embedding_length"))
        self.n_heads = int(a("attention.head_count"))
        self.n_kv = int(a("attention.head_count_kv", self.n_heads))
        self.head_dim = int(a("attention.key_length", self.hidden // self.n_heads))
        self.eps = float(a("attention.layer_norm_rms_epsilon", 1e-5))
        theta = float(a("rope.freq_base", 10000.0))
        rope_dim = int(a("rope.dimension_count", self.head_dim))
        inv = theta ** (-np.arange(0, rope_dim, 2, dtype=np.float64) / rope_dim)
        if f(f"{self.arch}.rope.scaling.type") == "linear":
            inv = inv / float(a("rope.scaling.factor", 1.0))
        if "rope_freqs.weight" in self.t:
            inv = inv / self.w("rope_freqs.weight")
        self.inv_freq = inv

    def w(self, name):
        if name not in self._cache:
            t = self.t[name]
            self._cache[name] = np.asarray(dequantize(t.data, t.tensor_type), dtype=np.float64)
        return self._cache[name]

    def has(self, name):
        return name in self.t

    def _rms(self, x, name):
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps) * self.w(name)

    def _rope(self, x, pos):
        """x [S, heads, D]: llama.cpp NORM mode (pairs 2i, 2i+1) for llama, NEOX (pairs i, i+D/2) for qwen2."""
        ang = pos[:, None] * self.inv_freq[None, :]                       # [S, D/2]
        cos, sin = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
        y = x.copy()
        if self.arch == "llama":
            a, b = x[..., 0::2], x[..., 1::2]
            y[..., 0::2], y[..., 1::2] = a * cos - b * sin, a * sin + b * cos
        else:
            h = x.shape[-1] // 2
            a, b = x[..., :h], x[..., h:]
            y[..., :h], y[..., h:] = a * cos - b * sin, a * sin + b * cos
        return y

    def logits(self, tokens) -> np.ndarray:
        """[S, vocab] float64 logits of a causal forward pass over `tokens`."""
        tokens = np.asarray(tokens)
        S, H, KV, D = len(tokens), self.n_heads, self.n_kv, self.head_dim
        pos = np.arange(S, dtype=np.float64)
        x = self.w("token_embd.weight")[tokens]
        mask = np.triu(np.full((S, S), -np.inf), 1)
        for i in range(self.n_layers):
            p = f"blk.{i}."
            h = self._rms(x, p + "attn_norm.weight")
            proj = lambda n: h @ self.w(p + f"attn_{n}.weight").T + (self.w(p + f"attn_{n}.bias")
                                                                    if self.has(p + f"attn_{n}.bias") else 0.0)
            q = self._rope(proj("q").reshape(S, H, D), pos)
            k = self._rope(proj("k").reshape(S, KV, D), pos)
            v = proj("v").reshape(S, KV, D)
            rep = H // KV
            k, v = np.repeat(k, rep, axis=1), np.repeat(v, rep, axis=1)
            att = np.einsum("shd,thd->hst", q, k) / np.sqrt(D) + mask
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            o = np.einsum("hst,thd->shd", att, v).reshape(S, H * D)
            x = x + o @ self.w(p + "attn_output.weight").T
            h = self._rms(x, p + "ffn_norm.weight")
            gate = h @ self.w(p + "ffn_gate.weight").T
            up = h @ self.w(p + "ffn_up.weight").T
            x = x + (gate / (1 + np.exp(-gate)) * up) @ self.w(p + "ffn_down.weight").T
        x = self._rms(x, "output_norm.weight")
        head = "output.weight" if self.has("output.weight") else "token_embd.weight"
        return x @ self.w(head).T


# -- tokenizers, as llama.cpp runs them on the GGUF vocabulary -------------------------------------------------

def _byte_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + \
        list(range(ord("\xae"), ord("\xff") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


class ReferenceTokenizer:
    """llama.cpp's tokenisation with a GGUF vocabulary: byte-level BPE (gpt2 model, regex pre-tokenizer by
    tokenizer.ggml.pre, merges by rank) or SentencePiece BPE (llama model: score-ordered merges, byte fallback).
    Control and user-defined tokens in the text are matched first (parse_special)."""

    def __init__(self, path_or_vocab):
        from gguf_import.gguf_model import GGUFModel
        from gguf_import.tokenizer import CONTROL, USER_DEFINED, GGUFVocab, PRE_TOKENIZERS
        v = path_or_vocab if isinstance(path_or_vocab, GGUFVocab) else GGUFVocab(GGUFModel(path_or_vocab))
        self.v = v
        self.ids = {}
        for i, t in enumerate(v.tokens):
            self.ids.setdefault(t, i)
        self.special = sorted((t for t, ty in zip(v.tokens, v.types) if ty in (CONTROL, USER_DEFINED) and t),
                              key=len, reverse=True)
        if v.model == "gpt2":
            import regex
            pats, self.ignore_merges = PRE_TOKENIZERS[v.pre]
            self.regexes = [regex.compile(p) for p in pats]
            self.ranks = {tuple(m.split(" ", 1)): r for r, m in enumerate(v.merges)}
            self.b2u = _byte_to_unicode()

    def encode(self, text: str) -> list[int]:
        out = []
        for frag, special in self._partition(text):
            out += [self.ids[frag]] if special else (self._bpe_text(frag) if self.v.model == "gpt2"
                                                     else self._spm_text(frag))
        return out

    def _partition(self, text):
        frags = [(text, False)]
        for sp in self.special:
            nxt = []
            for f, is_sp in frags:
                if is_sp or sp not in f:
                    nxt.append((f, is_sp))
                    continue
                parts = f.split(sp)
                for j, part in enumerate(parts):
                    if part:
                        nxt.append((part, False))
                    if j < len(parts) - 1:
                        nxt.append((sp, True))
            frags = nxt
        return frags

    def _split(self, text):
        pieces = [text]
        for rx in self.regexes:
            nxt = []
            for p in pieces:
                pos = 0
                for m in rx.finditer(p):
                    if m.start() > pos:
                        nxt.append(p[pos:m.start()])
                    if m.end() > m.start():
                        nxt.append(m.group())
                    pos = m.end()
                if pos < len(p):
                    nxt.append(p[pos:])
            pieces = nxt
        return pieces

    def _bpe_text(self, text):
        out = []
        for word in self._split(text):
            w = "".join(self.b2u[b] for b in word.encode("utf-8"))
            if self.ignore_merges and w in self.ids:
                out.append(self.ids[w])
                continue
            syms = list(w)
            while len(syms) > 1:
                best = min(range(len(syms) - 1), key=lambda j: (self.ranks.get((syms[j], syms[j + 1]), 1 << 60), j))
                if (syms[best], syms[best + 1]) not in self.ranks:
                    break
                syms[best:best + 2] = [syms[best] + syms[best + 1]]
            for s in syms:
                out += [self.ids[s]] if s in self.ids else [self.ids[self.b2u[b]] for b in s.encode("utf-8")]
        return out

    def _spm_text(self, text):
        v = self.v
        if v.add_space_prefix:
            text = " " + text
        text = text.replace(" ", "\u2581")
        syms = list(text)
        scores = v.scores
        while True:
            best, best_j = None, -1
            for j in range(len(syms) - 1):
                t = self.ids.get(syms[j] + syms[j + 1])
                if t is not None and (best is None or scores[t] > best):
                    best, best_j = scores[t], j
            if best_j < 0:
                break
            syms[best_j:best_j + 2] = [syms[best_j] + syms[best_j + 1]]
        out = []
        for s in syms:
            if s in self.ids:
                out.append(self.ids[s])
            else:
                out += [self.ids[f"<0x{b:02X}>"] for b in s.encode("utf-8")]
        return out


def onnx_teacher_forced(model_dir: str, tokens, prefill: int, threads: int = 2) -> np.ndarray:
    """Run model.onnx with ONNX Runtime: prefill the first `prefill` tokens, then one KV-cache step per token.
    Returns [S, vocab] float64 logits."""
    import json
    import onnxruntime as ort
    cfg = json.load(open(os.path.join(model_dir, "genai_config.json")))["model"]["decoder"]
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    sess = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), so, providers=["CPUExecutionProvider"])
    L, KV, D = cfg["num_hidden_layers"], cfg["num_key_value_heads"], cfg["head_size"]
    past = {f"past_key_values.{i}.{kv}": np.zeros((1, KV, 0, D), np.float32) for i in range(L) for kv in
            ("key", "value")}
    out_names = ["logits"] + [f"present.{i}.{kv}" for i in range(L) for kv in ("key", "value")]
    tokens = np.asarray(tokens, np.int64)
    chunks = [tokens[:prefill]] + [tokens[j:j + 1] for j in range(prefill, len(tokens))]
    logits, done = [], 0
    for c in chunks:
        done += len(c)
        feeds = {"input_ids": c[None, :], "attention_mask": np.ones((1, done), np.int64), **past}
        res = sess.run(out_names, feeds)
        logits.append(res[0][0].astype(np.float64))
        past = {n.replace("present", "past_key_values"): r for n, r in zip(out_names[1:], res[1:])}
    return np.concatenate(logits)


def nll(logits: np.ndarray, tokens) -> float:
    """Mean negative log-likelihood of tokens[1:] under logits[:-1]."""
    lg = logits[:-1]
    m = lg.max(-1, keepdims=True)
    logp = lg - m - np.log(np.exp(lg - m).sum(-1, keepdims=True))
    return float(-np.mean(logp[np.arange(len(lg)), np.asarray(tokens[1:])]))


def compare(ref_logits, test_logits, tokens) -> dict:
    return {"top1": float(np.mean(ref_logits.argmax(-1) == test_logits.argmax(-1))),
            "nll_ref": nll(ref_logits, tokens), "nll": nll(test_logits, tokens)}


def sample_tokens(model_dir: str, text: str = SAMPLE_TEXT, limit: int = 56):
    """Token ids of `text` from the imported tokenizer.json."""
    from tokenizers import Tokenizer
    return Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json")).encode(text).ids[:limit]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gguf")
    ap.add_argument("model_dir")
    ap.add_argument("--prefill", type=int, default=40)
    args = ap.parse_args()
    toks = sample_tokens(args.model_dir)
    ref = Reference(args.gguf).logits(toks)
    got = onnx_teacher_forced(args.model_dir, toks, args.prefill)
    r = compare(ref, got, toks)
    print(f"tokens {len(toks)}  top-1 agreement {r['top1'] * 100:.1f}%  NLL ref {r['nll_ref']:.4f}  "
          f"onnx {r['nll']:.4f}  diff {r['nll'] - r['nll_ref']:+.4f}")


if __name__ == "__main__":
    main()
