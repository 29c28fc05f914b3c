"""The imported tokenizer.json tokenises like llama.cpp does with the GGUF vocabulary (gguf_reference's
ReferenceTokenizer), for byte-level BPE with each pre-tokenizer and for SentencePiece with byte fallback."""
import json
import pytest
from tokenizers import Tokenizer

from corpus import CORPUS, SPECIAL_CORPUS
from gguf_import.gguf_model import GGUFModel
from gguf_import.tokenizer import GGUFVocab, tokenizer_json
from gguf_reference import ReferenceTokenizer
from synthetic import bpe_vocab, spm_vocab, write_gguf
from gguf import GGMLQuantizationType as T

FLOATS = {k: T.F16 for k in ("embd", "q", "k", "v", "o", "gate", "up", "down")}


@pytest.fixture(scope="module", params=["smollm", "llama-bpe", "qwen2", "gpt2", "spm"])
def vocab_gguf(request, default_gguf, tmp_path_factory):
    """(kind, the imported tokenizer, llama.cpp-style reference tokenizer) per vocabulary kind."""
    path = default_gguf
    if request.param != "smollm":
        v = spm_vocab(default_gguf) if request.param == "spm" else bpe_vocab(default_gguf, request.param)
        path = write_gguf(str(tmp_path_factory.mktemp("tok") / f"{request.param}.gguf"), "llama", v, FLOATS)
    vocab = GGUFVocab(GGUFModel(path))
    return request.param, Tokenizer.from_str(json.dumps(tokenizer_json(vocab))), ReferenceTokenizer(vocab)


def test_tokenizer_json_matches_gguf_tokenization(vocab_gguf):
    kind, tok, ref = vocab_gguf
    texts = CORPUS + (SPECIAL_CORPUS if kind != "spm" else [])
    mismatches = [(t, ref.encode(t), tok.encode(t, add_special_tokens=False).ids) for t in texts]
    mismatches = [m for m in mismatches if m[1] != m[2]]
    assert not mismatches, f"{len(mismatches)} texts differ, first: {mismatches[0]}"
    total = sum(len(ref.encode(t)) for t in texts)
    assert total > 500


def test_decode_round_trips(vocab_gguf):
    kind, tok, _ = vocab_gguf
    for t in CORPUS:
        ids = tok.encode(t, add_special_tokens=False).ids
        got = tok.decode(ids, skip_special_tokens=False)
        assert got == t, (kind, t, got)


def test_spm_adds_bos_and_uses_byte_fallback(default_gguf, tmp_path):
    path = write_gguf(str(tmp_path / "spm.gguf"), "llama", spm_vocab(default_gguf), FLOATS)
    tok = Tokenizer.from_str(json.dumps(tokenizer_json(GGUFVocab(GGUFModel(path)))))
    ids = tok.encode("hi \u2603").ids                  # snowman is not a piece: three byte tokens
    assert ids[0] == 1
    assert tok.id_to_token(ids[-1]) == "<0x83>" and tok.id_to_token(ids[-3]) == "<0xE2>"


def test_genai_tokenizer_of_default_model_matches_reference(default_model, default_gguf):
    og = pytest.importorskip("onnxruntime_genai")
    tok = og.Tokenizer(og.Model(default_model))
    ref = ReferenceTokenizer(default_gguf)
    for t in CORPUS + SPECIAL_CORPUS:
        assert list(tok.encode(t)) == ref.encode(t), t
