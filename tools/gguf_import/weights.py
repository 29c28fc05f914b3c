"""GGUF weight blocks -> the form MatMulNBits takes, exactly where the format allows.

Every quantised linear weight becomes `w = s * (q - zp) + c` per block of `block` values along K, where q holds
unsigned `bits`-bit integers, zp is MatMulNBits' default zero point (2^(bits-1)), s the float block scale and c an
optional float block offset. The graph computes the offset part as `blocksum(x) @ c^T`, so the result is exact:
  Q4_0  4 bit, block 32, c = 0          Q4_1  4 bit, block 32, c = m + 8d
  Q8_0  8 bit, block 32, c = 0          Q4_K  4 bit, block 32, c = -dmin*m + 8*d*sc
  Q5_K  8 bit, block 32, c = -dmin*m + 16*d*sc (q5 + 112 stored)
  Q6_K  8 bit, block 16, c = 0 (q6 + 96 stored)
F32, F16 and BF16 weights stay float.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from gguf import GGMLQuantizationType as T

from .gguf_model import ImportFailure

SUPPORTED_TYPES = ("F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q4_K", "Q5_K", "Q6_K")


@dataclass
class QWeight:
    """A weight [N, K] in MatMulNBits form (q, scales, optional offsets) or as a float matrix."""
    n: int
    k: int
    bits: int = 0              # 0: float weight in `w`
    block: int = 0
    q: np.ndarray | None = None        # uint8 [N, K] unpacked values
    scales: np.ndarray | None = None   # float32 [N, K/block]
    offsets: np.ndarray | None = None  # float32 [N, K/block] or None
    w: np.ndarray | None = None        # float32 [N, K] for float weights

    @property
    def kind(self):
        return (self.bits, self.block)

    def dequantize(self) -> np.ndarray:
        if self.bits == 0:
            return self.w.astype(np.float64)
        nb = self.k // self.block
        q = self.q.astype(np.float64).reshape(self.n, nb, self.block) - (1 << (self.bits - 1))
        w = q * self.scales.astype(np.float64)[..., None]
        if self.offsets is not None:
            w = w + self.offsets.astype(np.float64)[..., None]
        return w.reshape(self.n, self.k)

    def packed(self) -> np.ndarray:
        """MatMulNBits' B input: uint8 [N, K/block, block*bits/8]; 4-bit: even index in the low nibble."""
        nb = self.k // self.block
        if self.bits == 8:
            return np.ascontiguousarray(self.q.reshape(self.n, nb, self.block))
        q = self.q.reshape(self.n, nb, self.block // 2, 2)
        return np.ascontiguousarray(q[..., 0] | (q[..., 1] << 4)).astype(np.uint8)

    def permute_rows(self, perm: np.ndarray) -> "QWeight":
        pick = lambda a: None if a is None else np.ascontiguousarray(a[perm])
        return QWeight(self.n, self.k, self.bits, self.block, pick(self.q), pick(self.scales), pick(self.offsets),
                       pick(self.w))


def concat_rows(parts: list[QWeight]) -> QWeight:
    """Stack weights of the same kind along N (packed QKV)."""
    k, kind = parts[0].k, parts[0].kind
    assert all(p.k == k and p.kind == kind for p in parts)
    n = sum(p.n for p in parts)
    if kind[0] == 0:
        return QWeight(n, k, w=np.concatenate([p.w for p in parts]))
    offsets = None
    if any(p.offsets is not None for p in parts):
        offsets = np.concatenate([p.offsets if p.offsets is not None else np.zeros_like(p.scales) for p in parts])
    return QWeight(n, k, kind[0], kind[1], np.concatenate([p.q for p in parts]),
                   np.concatenate([p.scales for p in parts]), offsets)


def _f16(b: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(b).view(np.float16).astype(np.float32)


def _k_scales_mins(sc: np.ndarray):
    """The 8 six-bit scales and mins of a Q4_K/Q5_K super-block from its 12 packed bytes ([..., 12] uint8)."""
    s = sc.astype(np.uint8)
    scales = np.empty(s.shape[:-1] + (8,), np.uint8)
    mins = np.empty_like(scales)
    scales[..., :4] = s[..., 0:4] & 63
    mins[..., :4] = s[..., 4:8] & 63
    scales[..., 4:] = (s[..., 8:12] & 0xF) | ((s[..., 0:4] >> 6) << 4)
    mins[..., 4:] = (s[..., 8:12] >> 4) | ((s[..., 4:8] >> 6) << 4)
    return scales.astype(np.float32), mins.astype(np.float32)


def from_gguf(tensor) -> QWeight:
    """Decode a 2-D GGUF tensor (GGUF shape [K, N], numpy rows N) into a QWeight."""
    tt = tensor.tensor_type
    if tt.name not in SUPPORTED_TYPES:
        raise ImportFailure(f"tensor {tensor.name}: unsupported tensor type {tt.name} "
                            f"(supported: {', '.join(SUPPORTED_TYPES)})")
    k, n = int(tensor.shape[0]), int(tensor.shape[1])
    raw = np.asarray(tensor.data)
    if tt in (T.F32, T.F16):
        return QWeight(n, k, w=raw.reshape(n, k).astype(np.float32))
    if tt == T.BF16:
        b = raw.reshape(n, -1).view(np.uint16).astype(np.uint32) << 16
        return QWeight(n, k, w=b.view(np.float32).reshape(n, k))
    blocks = raw.reshape(n, -1)
    if tt == T.Q8_0:
        b = blocks.reshape(n, k // 32, 34)
        d = _f16(b[..., 0:2]).reshape(n, k // 32)
        q = (b[..., 2:].view(np.int8).astype(np.int16) + 128).astype(np.uint8)
        return QWeight(n, k, 8, 32, q.reshape(n, k), d, None)
    if tt in (T.Q4_0, T.Q4_1):
        size = 18 if tt == T.Q4_0 else 20
        b = blocks.reshape(n, k // 32, size)
        d = _f16(b[..., 0:2]).reshape(n, k // 32)
        qs = b[..., size - 16:]
        q = np.concatenate([qs & 0xF, qs >> 4], axis=-1)          # element j: low nibble, j+16: high nibble
        off = None
        if tt == T.Q4_1:
            m = _f16(b[..., 2:4]).reshape(n, k // 32)
            off = (m.astype(np.float64) + 8.0 * d).astype(np.float32)
        return QWeight(n, k, 4, 32, q.reshape(n, k), d, off)
    if tt == T.Q4_K:
        b = blocks.reshape(n, k // 256, 144)
        d, dmin = _f16(b[..., 0:2]), _f16(b[..., 2:4])       # [n, nsb, 1]
        sc, mn = _k_scales_mins(b[..., 4:16])                 # [n, nsb, 8]
        qs = b[..., 16:].reshape(n, k // 256, 4, 32)
        q = np.stack([qs & 0xF, qs >> 4], axis=3)             # [n, nsb, 4 chunks, 2 halves, 32]
        s = (d * sc).reshape(n, k // 32)
        off = (-(dmin.astype(np.float64) * mn) + 8.0 * (d * sc)).reshape(n, k // 32).astype(np.float32)
        return QWeight(n, k, 4, 32, q.reshape(n, k).astype(np.uint8), s.astype(np.float32), off)
    if tt == T.Q5_K:
        b = blocks.reshape(n, k // 256, 176)
        d, dmin = _f16(b[..., 0:2]), _f16(b[..., 2:4])
        sc, mn = _k_scales_mins(b[..., 4:16])
        qh = b[..., 16:48]                                    # [n, nsb, 32]
        qs = b[..., 48:].reshape(n, k // 256, 4, 32)
        parts = []
        for j in range(4):
            lo = (qs[:, :, j] & 0xF) | (((qh >> (2 * j)) & 1) << 4)
            hi = (qs[:, :, j] >> 4) | (((qh >> (2 * j + 1)) & 1) << 4)
            parts += [lo, hi]
        q5 = np.stack(parts, axis=2)                          # [n, nsb, 8, 32]
        s = (d * sc).reshape(n, k // 32)
        off = (-(dmin.astype(np.float64) * mn) + 16.0 * (d * sc)).reshape(n, k // 32).astype(np.float32)
        return QWeight(n, k, 8, 32, (q5 + 112).reshape(n, k).astype(np.uint8), s.astype(np.float32), off)
    if tt == T.Q6_K:
        b = blocks.reshape(n, k // 256, 210)
        ql = b[..., 0:128].reshape(n, k // 256, 2, 64)
        qh = b[..., 128:192].reshape(n, k // 256, 2, 32)
        sc = b[..., 192:208].view(np.int8).astype(np.float32)   # [n, nsb, 16]
        d = _f16(b[..., 208:210])                              # [n, nsb, 1]
        q1 = (ql[..., :32] & 0xF) | (((qh >> 0) & 3) << 4)
        q2 = (ql[..., 32:] & 0xF) | (((qh >> 2) & 3) << 4)
        q3 = (ql[..., :32] >> 4) | (((qh >> 4) & 3) << 4)
        q4 = (ql[..., 32:] >> 4) | (((qh >> 6) & 3) << 4)
        q6 = np.concatenate([q1, q2, q3, q4], axis=-1)        # [n, nsb, 2, 128]
        s = (d * sc).reshape(n, k // 16)
        return QWeight(n, k, 8, 16, (q6 + 96).reshape(n, k).astype(np.uint8), s.astype(np.float32), None)
    raise ImportFailure(f"tensor {tensor.name}: unsupported tensor type {tt.name}")  # pragma: no cover
