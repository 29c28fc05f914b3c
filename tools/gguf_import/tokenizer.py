"""GGUF tokenizer metadata -> Hugging Face `tokenizer.json` + `tokenizer_config.json` that tokenise the same way
as llama.cpp does with the GGUF vocabulary (byte-level BPE, or SentencePiece BPE with byte fallback)."""
from __future__ import annotations

from .gguf_model import GGUFModel, ImportFailure

# token types in tokenizer.ggml.token_type
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

# llama.cpp's pre-tokenizer regexes (llama-vocab.cpp), by tokenizer.ggml.pre
GPT2_REGEX = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"
LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
               r"|\s*[\r\n]+|\s+(?!\S)|\s+")
PRE_TOKENIZERS = {
    # name: (list of regexes applied in sequence, BPE ignore_merges)
    "gpt2": ([GPT2_REGEX], False),
    "gpt-2": ([GPT2_REGEX], False),
    "default": ([GPT2_REGEX], False),
    "smollm": ([r"\p{N}", GPT2_REGEX], False),
    "llama3": ([LLAMA3_REGEX], True),
    "llama-bpe": ([LLAMA3_REGEX], True),
    "qwen2": ([QWEN2_REGEX], False),
}


class GGUFVocab:
    """The tokenizer.ggml.* metadata of a GGUF file."""

    def __init__(self, model: GGUFModel):
        m = model.meta
        self.model = m("tokenizer.ggml.model")
        if self.model not in ("gpt2", "llama"):
            raise ImportFailure(f"unsupported tokenizer model '{self.model}' (supported: gpt2 BPE, llama SPM)")
        self.tokens = list(m("tokenizer.ggml.tokens"))
        n = len(self.tokens)
        self.types = list(m("tokenizer.ggml.token_type", [NORMAL] * n))
        self.scores = list(m("tokenizer.ggml.scores", [0.0] * n))
        self.merges = list(m("tokenizer.ggml.merges", []))
        self.pre = m("tokenizer.ggml.pre", "default") if self.model == "gpt2" else None
        if self.model == "gpt2" and self.pre not in PRE_TOKENIZERS:
            raise ImportFailure(f"unsupported pre-tokenizer '{self.pre}' (supported: {', '.join(PRE_TOKENIZERS)})")
        self.bos = m("tokenizer.ggml.bos_token_id")
        self.eos = m("tokenizer.ggml.eos_token_id")
        self.unk = m("tokenizer.ggml.unknown_token_id")
        self.pad = m("tokenizer.ggml.padding_token_id")
        self.add_bos = bool(m("tokenizer.ggml.add_bos_token", self.model == "llama"))
        self.add_eos = bool(m("tokenizer.ggml.add_eos_token", False))
        self.add_space_prefix = bool(m("tokenizer.ggml.add_space_prefix", self.model == "llama"))
        self.chat_template = m("tokenizer.chat_template")

    def token(self, i):
        return None if i is None or not (0 <= int(i) < len(self.tokens)) else self.tokens[int(i)]


def _added_tokens(v: GGUFVocab):
    out = []
    for i, (t, ty) in enumerate(zip(v.tokens, v.types)):
        if ty in (CONTROL, USER_DEFINED, UNKNOWN):
            out.append({"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                        "normalized": False, "special": ty != USER_DEFINED})
    return out


def _spm_merges(v: GGUFVocab):
    """BPE merges equivalent to SentencePiece's score-ordered merging: every split a+b of a vocabulary piece
    into two pieces, ordered by the merged piece's score (best first)."""
    vocab = {t: i for i, t in enumerate(v.tokens) if v.types[i] in (NORMAL, USER_DEFINED, UNUSED)}
    merges = []
    for piece, pid in vocab.items():
        for k in range(1, len(piece)):
            a, b = piece[:k], piece[k:]
            if a in vocab and b in vocab:
                merges.append((-v.scores[pid], pid, vocab[a], vocab[b], a, b))
    merges.sort()
    return [[a, b] for *_, a, b in merges]


def _post_processor(v: GGUFVocab):
    if not (v.add_bos or v.add_eos):
        return None
    single, pair, special = [], [], {}
    for flag, tid in ((v.add_bos, v.bos), (None, None), (v.add_eos, v.eos)):
        if flag is None:
            single.append({"Sequence": {"id": "A", "type_id": 0}})
            continue
        if flag and tid is not None:
            t = v.tokens[tid]
            single.append({"SpecialToken": {"id": t, "type_id": 0}})
            special[t] = {"id": t, "ids": [int(tid)], "tokens": [t]}
    pair = single + [{"Sequence": {"id": "B", "type_id": 1}}]
    return {"type": "TemplateProcessing", "single": single, "pair": pair, "special_tokens": special}


def tokenizer_json(v: GGUFVocab) -> dict:
    vocab = {}
    for i, t in enumerate(v.tokens):
        vocab.setdefault(t, i)
    if v.model == "gpt2":
        regexes, ignore_merges = PRE_TOKENIZERS[v.pre]
        if regexes == [GPT2_REGEX]:
            pre = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
        elif regexes == [r"\p{N}", GPT2_REGEX]:
            pre = {"type": "Sequence", "pretokenizers": [
                {"type": "Digits", "individual_digits": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]}
        else:
            pre = {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": regexes[0]}, "behavior": "Isolated", "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]}
        model = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                 "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                 "ignore_merges": ignore_merges, "vocab": vocab, "merges": v.merges}
        normalizer = None
        decoder = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True}
    else:
        norms = [{"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]
        if v.add_space_prefix:
            norms.insert(0, {"type": "Prepend", "prepend": "\u2581"})
        normalizer = {"type": "Sequence", "normalizers": norms}
        pre = None
        model = {"type": "BPE", "dropout": None, "unk_token": v.token(v.unk), "continuing_subword_prefix": None,
                 "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                 "vocab": vocab, "merges": _spm_merges(v)}
        decoders = [{"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
                    {"type": "ByteFallback"}, {"type": "Fuse"}]
        if v.add_space_prefix:
            decoders.append({"type": "Strip", "content": " ", "start": 1, "stop": 0})
        decoder = {"type": "Sequence", "decoders": decoders}
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": _added_tokens(v),
            "normalizer": normalizer, "pre_tokenizer": pre, "post_processor": _post_processor(v),
            "decoder": decoder, "model": model}


def tokenizer_config_json(v: GGUFVocab, context_length: int) -> dict:
    cfg = {
        "add_bos_token": v.add_bos,
        "add_eos_token": v.add_eos,
        "bos_token": v.token(v.bos),
        "eos_token": v.token(v.eos),
        "pad_token": v.token(v.pad),
        "unk_token": v.token(v.unk),
        "clean_up_tokenization_spaces": False,
        "model_max_length": context_length,
        "tokenizer_class": "GPT2Tokenizer" if v.model == "gpt2" else "LlamaTokenizer",
        "added_tokens_decoder": {str(t["id"]): {k: t[k] for k in t if k != "id"} for t in _added_tokens(v)},
    }
    if v.model == "llama":
        cfg["legacy"] = True
        cfg["add_prefix_space"] = v.add_space_prefix
    if v.chat_template:
        cfg["chat_template"] = v.chat_template
    return {k: val for k, val in cfg.items() if val is not None}
