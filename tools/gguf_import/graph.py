"""The decoder graph in the shape onnxruntime-genai's own builder makes for CPU: opset 21 + com.microsoft,
MatMulNBits linears, GroupQueryAttention with rotary, (Skip)SimplifiedLayerNormalization, SwiGLU MLP."""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .gguf_model import GGUFModel, ImportFailure, ModelConfig
from .weights import QWeight, concat_rows, from_gguf

FLOAT = TensorProto.FLOAT
MS = "com.microsoft"


def rope_inverse_frequencies(cfg: ModelConfig) -> np.ndarray:
    """float64 [rope_dim/2] inverse frequencies, with linear and llama3-style (rope_freqs) scaling applied."""
    inv = 1.0 / (cfg.rope_theta ** (np.arange(0, cfg.rope_dim, 2, dtype=np.float64) / cfg.rope_dim))
    inv = inv / cfg.rope_scale
    if cfg.rope_freq_factors is not None:
        inv = inv / cfg.rope_freq_factors[: cfg.rope_dim // 2]
    return inv


def qk_permutation(n_rows: int, n_heads: int) -> np.ndarray:
    """Row order that undoes llama.cpp's permutation of q/k (interleaved rotary pairs) into half-split order."""
    hd = n_rows // n_heads
    return np.arange(n_rows).reshape(n_heads, hd // 2, 2).transpose(0, 2, 1).reshape(-1)


def unpermute_qk(w: QWeight, n_heads: int) -> QWeight:
    return w.permute_rows(qk_permutation(w.n, n_heads))


class GraphBuilder:
    """Accumulates nodes and initializers; one method per building block."""

    def __init__(self, accuracy_level: int):
        self.nodes, self.inits, self.acc = [], [], accuracy_level
        self._names: set[str] = set()
        self._blocksums: dict[tuple[str, int, int], str] = {}
        self._consts: dict[tuple, str] = {}

    def init(self, name: str, arr: np.ndarray) -> str:
        assert name not in self._names, name
        self._names.add(name)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def const(self, arr, dtype) -> str:
        a = np.asarray(arr, dtype=dtype)
        key = (a.dtype.str, a.shape, a.tobytes())
        if key not in self._consts:
            self._consts[key] = self.init(f"const_{len(self._consts)}", a)
        return self._consts[key]

    def node(self, op, inputs, name, n_out=1, domain="", **attrs):
        outs = [f"{name}/out{i}" if n_out > 1 else f"{name}/out" for i in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, domain=domain, **attrs))
        return outs if n_out > 1 else outs[0]

    # -- linear layers -------------------------------------------------------------------------------------------
    def blocksum(self, x: str, k: int, block: int) -> str:
        key = (x, k, block)
        if key not in self._blocksums:
            r = self.node("Reshape", [x, self.const([0, 0, k // block, block], np.int64)], f"{x}/bs{block}_reshape")
            self._blocksums[key] = self.node("ReduceSum", [r, self.const([-1], np.int64)], f"{x}/bs{block}_sum",
                                             keepdims=0)
        return self._blocksums[key]

    def linear(self, x: str, w: QWeight, name: str, bias: np.ndarray | None = None, weight_names=None) -> str:
        if w.bits == 0:
            y = self.node("MatMul", [x, self.init(f"{name}.weight_t", w.w.T.astype(np.float32))], name)
        else:
            b_name, s_name = weight_names or (self.init(f"{name}.qweight", w.packed()),
                                              self.init(f"{name}.scales", w.scales.astype(np.float32)))
            y = self.node("MatMulNBits", [x, b_name, s_name], name, domain=MS, K=w.k, N=w.n, bits=w.bits,
                          block_size=w.block, accuracy_level=self.acc)
            if w.offsets is not None:
                corr = self.node("MatMul", [self.blocksum(x, w.k, w.block),
                                            self.init(f"{name}.block_offsets_t", w.offsets.T.astype(np.float32))],
                                 f"{name}/offset")
                y = self.node("Add", [y, corr], f"{name}/add_offset")
        if bias is not None:
            y = self.node("Add", [y, self.init(f"{name}.bias", bias.astype(np.float32))], f"{name}/add_bias")
        return y

    # -- embedding -----------------------------------------------------------------------------------------------
    def embedding(self, ids: str, w: QWeight, b_name: str | None, s_name: str | None) -> str:
        """Gather rows of the (possibly quantised, possibly shared with the LM head) embedding table."""
        if w.bits == 0:
            return self.node("Gather", [self.init("embed.weight", w.w), ids], "embed")
        nb = w.k // w.block
        b_name = b_name or self.init("embed.qweight", w.packed())
        s_name = s_name or self.init("embed.scales", w.scales.astype(np.float32))
        g = self.node("Gather", [b_name, ids], "embed/gather_q")                       # [b, s, nb, block*bits/8]
        if w.bits == 4:
            lo = self.node("BitwiseAnd", [g, self.const(15, np.uint8)], "embed/lo")
            hi = self.node("BitShift", [g, self.const(4, np.uint8)], "embed/hi", direction="RIGHT")
            lo = self.node("Unsqueeze", [lo, self.const([-1], np.int64)], "embed/lo_u")
            hi = self.node("Unsqueeze", [hi, self.const([-1], np.int64)], "embed/hi_u")
            g = self.node("Concat", [lo, hi], "embed/interleave", axis=-1)
            g = self.node("Reshape", [g, self.const([0, 0, nb, w.block], np.int64)], "embed/unpacked")
        f = self.node("Cast", [g], "embed/cast", to=FLOAT)
        f = self.node("Sub", [f, self.const(float(1 << (w.bits - 1)), np.float32)], "embed/sub_zp")
        s = self.node("Gather", [s_name, ids], "embed/gather_scales")
        s = self.node("Unsqueeze", [s, self.const([-1], np.int64)], "embed/scales_u")
        f = self.node("Mul", [f, s], "embed/scale")
        if w.offsets is not None:
            o = self.node("Gather", [self.init("embed.block_offsets", w.offsets.astype(np.float32)), ids],
                          "embed/gather_offsets")
            o = self.node("Unsqueeze", [o, self.const([-1], np.int64)], "embed/offsets_u")
            f = self.node("Add", [f, o], "embed/offset")
        return self.node("Reshape", [f, self.const([0, 0, w.k], np.int64)], "embed")


def build_model(model: GGUFModel, accuracy_level: int = 4, progress=lambda msg: None) -> onnx.ModelProto:
    cfg = model.config
    g = GraphBuilder(accuracy_level)
    H, KV, D = cfg.n_heads, cfg.n_kv_heads, cfg.head_dim
    if cfg.rope_dim != D:
        raise ImportFailure(f"partial rotary (rope dimension {cfg.rope_dim} != head size {D}) is not supported")

    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT64,
                                            ["batch_size", "total_sequence_length"])]
    outputs = [helper.make_tensor_value_info("logits", FLOAT, ["batch_size", "sequence_length", cfg.vocab_size])]

    # attention-mask derived GQA inputs
    msum = g.node("ReduceSum", ["attention_mask", g.const([1], np.int64)], "mask/sum", keepdims=0)
    msub = g.node("Sub", [msum, g.const(1, np.int64)], "mask/sub")
    seqlens_k = g.node("Cast", [msub], "mask/seqlens_k", to=TensorProto.INT32)
    shape = g.node("Shape", ["attention_mask"], "mask/shape")
    total = g.node("Gather", [shape, g.const(1, np.int64)], "mask/total_gather", axis=0)
    total = g.node("Cast", [total], "mask/total_sequence_length", to=TensorProto.INT32)

    pos = np.arange(cfg.context_length, dtype=np.float64)[:, None] * rope_inverse_frequencies(cfg)[None, :]
    cos = g.init("cos_cache", np.cos(pos).astype(np.float32))
    sin = g.init("sin_cache", np.sin(pos).astype(np.float32))

    emb = from_gguf(model.tensor("token_embd.weight"))
    head_names = None
    if cfg.tied_embeddings and emb.bits:
        head_names = (g.init("lm_head.qweight", emb.packed()), g.init("lm_head.scales", emb.scales))
    x = g.embedding("input_ids", emb, *(head_names or (None, None)))

    norm = lambda name: model.float_tensor(name).reshape(-1)
    h = g.node("SimplifiedLayerNormalization", [x, g.init("blk.0.attn_norm", norm("blk.0.attn_norm.weight"))],
               "blk.0/attn_norm", axis=-1, epsilon=cfg.rms_eps, stash_type=1)
    resid = x
    for i in range(cfg.n_layers):
        progress(f"layer {i + 1}/{cfg.n_layers}")
        p = f"blk.{i}"
        wq = unpermute_qk(from_gguf(model.tensor(f"{p}.attn_q.weight")), H) if cfg.arch == "llama" else \
            from_gguf(model.tensor(f"{p}.attn_q.weight"))
        wk = unpermute_qk(from_gguf(model.tensor(f"{p}.attn_k.weight")), KV) if cfg.arch == "llama" else \
            from_gguf(model.tensor(f"{p}.attn_k.weight"))
        wv = from_gguf(model.tensor(f"{p}.attn_v.weight"))
        biases = [model.float_tensor(f"{p}.attn_{t}.bias").reshape(-1) if f"{p}.attn_{t}.bias" in model.tensors
                  else None for t in "qkv"]
        if cfg.arch == "llama" and biases[0] is not None:
            biases[0] = biases[0][qk_permutation(H * D, H)]
            if biases[1] is not None:
                biases[1] = biases[1][qk_permutation(KV * D, KV)]
        if wq.kind == wk.kind == wv.kind:
            bias = None if biases[0] is None else np.concatenate(
                [b if b is not None else np.zeros(n) for b, n in zip(biases, (H * D, KV * D, KV * D))])
            qkv = [g.linear(h, concat_rows([wq, wk, wv]), f"{p}.attn_qkv", bias), "", ""]
        else:
            qkv = [g.linear(h, w, f"{p}.attn_{t}", b) for w, t, b in zip((wq, wk, wv), "qkv", biases)]
        pk, pv = f"past_key_values.{i}.key", f"past_key_values.{i}.value"
        for n in (pk, pv):
            inputs.append(helper.make_tensor_value_info(n, FLOAT, ["batch_size", KV, "past_sequence_length", D]))
        attn, pres_k, pres_v = g.node(
            "GroupQueryAttention", qkv + [pk, pv, seqlens_k, total, cos, sin], f"{p}/attn", n_out=3, domain=MS,
            num_heads=H, kv_num_heads=KV, do_rotary=1, rotary_interleaved=0, local_window_size=-1,
            scale=float(1.0 / np.sqrt(D)))
        for src, n in ((pres_k, f"present.{i}.key"), (pres_v, f"present.{i}.value")):
            g.nodes.append(helper.make_node("Identity", [src], [n], name=f"{p}/{n}"))
            outputs.append(helper.make_tensor_value_info(n, FLOAT, ["batch_size", KV, "total_sequence_length", D]))
        o = g.linear(attn, from_gguf(model.tensor(f"{p}.attn_output.weight")), f"{p}.attn_output")
        h2, _, _, resid = g.node("SkipSimplifiedLayerNormalization",
                                 [o, resid, g.init(f"{p}.ffn_norm", norm(f"{p}.ffn_norm.weight"))],
                                 f"{p}/ffn_norm", n_out=4, domain=MS, epsilon=cfg.rms_eps)
        gate = g.linear(h2, from_gguf(model.tensor(f"{p}.ffn_gate.weight")), f"{p}.ffn_gate")
        up = g.linear(h2, from_gguf(model.tensor(f"{p}.ffn_up.weight")), f"{p}.ffn_up")
        act = g.node("Mul", [gate, g.node("Sigmoid", [gate], f"{p}/sigmoid")], f"{p}/silu")
        act = g.node("Mul", [act, up], f"{p}/swiglu")
        down = g.linear(act, from_gguf(model.tensor(f"{p}.ffn_down.weight")), f"{p}.ffn_down")
        last = i == cfg.n_layers - 1
        nw = "output_norm.weight" if last else f"blk.{i + 1}.attn_norm.weight"
        h, _, _, resid = g.node("SkipSimplifiedLayerNormalization",
                                [down, resid, g.init(nw.replace(".weight", ""), norm(nw))],
                                "output_norm" if last else f"blk.{i + 1}/attn_norm", n_out=4, domain=MS,
                                epsilon=cfg.rms_eps)

    if cfg.tied_embeddings:
        logits = g.linear(h, emb, "lm_head", weight_names=head_names) if emb.bits else \
            g.node("MatMul", [h, g.node("Transpose", ["embed.weight"], "lm_head/transpose")], "lm_head")
    else:
        logits = g.linear(h, from_gguf(model.tensor("output.weight")), "lm_head")
    g.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="logits"))

    graph = helper.make_graph(g.nodes, "decoder", inputs, outputs, g.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid(MS, 1)],
                          producer_name="ai-gateway gguf_import", ir_version=10)
    return m
