"""Reading a GGUF file: the model's hyper-parameters, tokenizer metadata and tensors, with clear errors."""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

SUPPORTED_ARCHITECTURES = ("llama", "qwen2")


class ImportFailure(Exception):
    """A problem with the input the user can act on: printed as one line, no traceback."""


@dataclass
class ModelConfig:
    """The hyper-parameters the graph, the reference and genai_config.json need."""
    arch: str
    name: str
    n_layers: int
    hidden: int
    ffn: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    rope_dim: int
    rope_theta: float
    rope_scale: float          # linear scaling factor (1 = none)
    rms_eps: float
    context_length: int
    vocab_size: int
    tied_embeddings: bool
    has_qkv_bias: bool
    rope_freq_factors: np.ndarray | None = None   # llama3-style rope scaling (tensor rope_freqs.weight)


def _field_value(reader, key):
    f = reader.fields.get(key)
    if f is None:
        return None
    try:
        return f.contents()
    except Exception:  # pragma: no cover - malformed metadata
        return None


class GGUFModel:
    """A GGUF file opened with gguf's reader (memory-mapped); tensors by name, metadata by key."""

    def __init__(self, path: str):
        self.path = path
        if not os.path.isfile(path):
            raise ImportFailure(f"{path}: no such file")
        with open(path, "rb") as f:
            magic = f.read(4)
        if magic != b"GGUF":
            raise ImportFailure(f"{path}: not a GGUF file (bad magic {magic!r})")
        try:
            from gguf import GGUFReader
            self.reader = GGUFReader(path, "r")
        except Exception as e:  # truncated or corrupt files fail inside the reader
            raise ImportFailure(f"{path}: unreadable GGUF file ({type(e).__name__}: {e})") from None
        self.tensors = {t.name: t for t in self.reader.tensors}
        size = os.path.getsize(path)
        for t in self.reader.tensors:
            if int(t.data_offset) + int(t.n_bytes) > size:
                raise ImportFailure(f"{path}: truncated GGUF file (tensor {t.name} runs past the end)")
        self.config = self._read_config()

    def meta(self, key, default=None):
        v = _field_value(self.reader, key)
        return default if v is None else v

    def _read_config(self) -> ModelConfig:
        arch = self.meta("general.architecture")
        if arch is None:
            raise ImportFailure(f"{self.path}: GGUF has no general.architecture")
        if arch not in SUPPORTED_ARCHITECTURES:
            raise ImportFailure(f"unsupported architecture '{arch}' (supported: {', '.join(SUPPORTED_ARCHITECTURES)})")
        a = lambda k, d=None: self.meta(f"{arch}.{k}", d)
        for req in ("block_count", "embedding_length", "feed_forward_length", "attention.head_count"):
            if a(req) is None:
                raise ImportFailure(f"{self.path}: missing metadata {arch}.{req}")
        n_heads = int(a("attention.head_count"))
        hidden = int(a("embedding_length"))
        head_dim = int(a("attention.key_length", hidden // n_heads))
        sliding = a("attention.sliding_window")
        if sliding:
            raise ImportFailure(f"sliding-window attention ({arch}.attention.sliding_window={sliding}) "
                                "is not supported")
        scaling_type = self.meta(f"{arch}.rope.scaling.type", "none")
        rope_scale = 1.0
        if scaling_type == "linear":
            rope_scale = float(a("rope.scaling.factor", 1.0))
        elif scaling_type not in ("none", None):
            raise ImportFailure(f"unsupported rope scaling type '{scaling_type}'")
        if "token_embd.weight" not in self.tensors:
            raise ImportFailure(f"{self.path}: no token_embd.weight tensor")
        vocab = int(self.tensors["token_embd.weight"].shape[1])
        factors = None
        if "rope_freqs.weight" in self.tensors:
            factors = self.float_tensor("rope_freqs.weight").astype(np.float64)
        return ModelConfig(
            arch=arch,
            name=str(self.meta("general.name", os.path.basename(self.path))),
            n_layers=int(a("block_count")),
            hidden=hidden,
            ffn=int(a("feed_forward_length")),
            n_heads=n_heads,
            n_kv_heads=int(a("attention.head_count_kv", n_heads)),
            head_dim=head_dim,
            rope_dim=int(a("rope.dimension_count", head_dim)),
            rope_theta=float(a("rope.freq_base", 10000.0)),
            rope_scale=rope_scale,
            rms_eps=float(a("attention.layer_norm_rms_epsilon", 1e-5)),
            context_length=int(a("context_length", 2048)),
            vocab_size=vocab,
            tied_embeddings="output.weight" not in self.tensors,
            has_qkv_bias="blk.0.attn_q.bias" in self.tensors,
            rope_freq_factors=factors,
        )

    def tensor(self, name):
        t = self.tensors.get(name)
        if t is None:
            raise ImportFailure(f"{self.path}: missing tensor {name}")
        return t

    def float_tensor(self, name) -> np.ndarray:
        """A tensor dequantised by gguf's own code, in GGUF's row-major numpy shape (rows, cols)."""
        from gguf.quants import dequantize
        t = self.tensor(name)
        return np.asarray(dequantize(t.data, t.tensor_type), dtype=np.float32)
