#!/usr/bin/env python3
"""Reference sentence embeddings for the embedding-engine tests, from ONNX Runtime's Python API and Hugging Face
`tokenizers` on the default model.

Made with (from the repository root, after scripts/setup):
    .runtime/venv/bin/python tools/embedding_fixtures.py

Reads the corpus of tokenizer test texts (Tests/TokenizersTests/Fixtures/wordpiece_corpus.json), takes every
third text (170 texts: every script, emoji, control characters, texts far over the limit) and embeds each one
alone (no padding) with models/all-minilm-l6-v2: tokens truncated at max_seq_length 256 as sentence-transformers
does, `last_hidden_state` pooled with (a) mean pooling over the attention mask, as the model's 1_Pooling config
says, and (b) CLS pooling (the same model with a CLS pooling config), both L2-normalised as its modules.json
Normalize step says. Writes Tests/GatewayCoreTests/Fixtures/embeddings_reference.json with the vectors as
base64 little-endian float32.
"""
import base64
import json
import pathlib

import numpy as np
import onnxruntime as ort
import tokenizers

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "all-minilm-l6-v2"
CORPUS = ROOT / "Tests" / "TokenizersTests" / "Fixtures" / "wordpiece_corpus.json"
OUT = ROOT / "Tests" / "GatewayCoreTests" / "Fixtures" / "embeddings_reference.json"
MAX_TOKENS = json.loads((MODEL / "sentence_bert_config.json").read_text())["max_seq_length"]


def encode(vector: np.ndarray) -> str:
    return base64.b64encode(vector.astype("<f4").tobytes()).decode()


def main() -> None:
    texts = [case["text"] for case in json.loads(CORPUS.read_text())["texts"]][::3]
    tokenizer = tokenizers.Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    session = ort.InferenceSession(str(MODEL / "model.onnx"), providers=["CPUExecutionProvider"])
    cases = []
    for text in texts:
        encoding = tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.ones_like(ids)
        hidden = session.run(["last_hidden_state"], {
            "input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0][0].astype(np.float64)
        mean = hidden.mean(axis=0)
        cls = hidden[0]
        cases.append({
            "text": text,
            "tokens": len(encoding.ids),
            "mean": encode(mean / np.linalg.norm(mean)),
            "cls": encode(cls / np.linalg.norm(cls)),
        })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "command": ".runtime/venv/bin/python tools/embedding_fixtures.py",
        "onnxruntime": ort.__version__, "tokenizers": tokenizers.__version__,
        "model": "all-minilm-l6-v2", "max_tokens": MAX_TOKENS, "cases": cases,
    }, ensure_ascii=False, indent=0) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
