"""GGUF file -> onnxruntime-genai model folder (model.onnx + data, genai_config.json, tokenizer files),
written to a temporary folder beside the destination and moved into place only when complete."""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile

import onnx

from .gguf_model import GGUFModel, ImportFailure
from .graph import build_model
from .tokenizer import GGUFVocab, tokenizer_config_json, tokenizer_json


def default_name(gguf_path: str) -> str:
    base = os.path.basename(gguf_path)
    base = re.sub(r"\.gguf$", "", base, flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "model"


def genai_config(model: GGUFModel, vocab: GGUFVocab, max_length: int | None = None) -> dict:
    c = model.config
    eos = vocab.eos if vocab.eos is not None else 0
    # end-of-turn tokens (llama3's <|eot_id|>, ...) also stop generation
    stops = [int(eos)] + [int(t) for t in (model.meta("tokenizer.ggml.eot_token_id"),
                                           model.meta("tokenizer.ggml.eom_token_id"))
                          if t is not None and int(t) != int(eos)]
    return {
        "model": {
            "type": c.arch,
            "bos_token_id": int(vocab.bos if vocab.bos is not None else eos),
            "eos_token_id": stops[0] if len(stops) == 1 else stops,
            "pad_token_id": int(vocab.pad if vocab.pad is not None else eos),
            "context_length": c.context_length,
            "vocab_size": c.vocab_size,
            "decoder": {
                "filename": "model.onnx",
                "session_options": {"log_id": "onnxruntime-genai", "provider_options": []},
                "head_size": c.head_dim,
                "hidden_size": c.hidden,
                "num_attention_heads": c.n_heads,
                "num_key_value_heads": c.n_kv_heads,
                "num_hidden_layers": c.n_layers,
                "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask",
                           "past_key_names": "past_key_values.%d.key",
                           "past_value_names": "past_key_values.%d.value"},
                "outputs": {"logits": "logits", "present_key_names": "present.%d.key",
                            "present_value_names": "present.%d.value"},
            },
        },
        "search": {
            "do_sample": False, "early_stopping": True, "length_penalty": 1.0,
            "max_length": int(max_length or c.context_length), "min_length": 0, "no_repeat_ngram_size": 0,
            "num_beams": 1, "num_return_sequences": 1, "past_present_share_buffer": True,
            "repetition_penalty": 1.0, "temperature": 1.0, "top_k": 1, "top_p": 1.0,
        },
    }


def write_folder(gguf_path: str, out_dir: str, accuracy_level: int = 4, progress=print):
    """Convert into out_dir (which must not exist yet); files appear only after everything succeeded."""
    if accuracy_level not in (0, 1, 2, 3, 4):
        raise ImportFailure(f"accuracy level must be 0-4, got {accuracy_level}")
    out_dir = os.path.abspath(out_dir)
    if os.path.exists(out_dir):
        raise ImportFailure(f"{out_dir} already exists (remove it or choose another --name)")
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    progress(f"reading {gguf_path}")
    model = GGUFModel(gguf_path)
    vocab = GGUFVocab(model)
    c = model.config
    progress(f"{c.arch}: {c.n_layers} layers, hidden {c.hidden}, heads {c.n_heads}/{c.n_kv_heads}, "
             f"vocab {c.vocab_size}, context {c.context_length}")
    tmp = tempfile.mkdtemp(prefix=f".tmp-{os.path.basename(out_dir)}.", dir=parent)
    try:
        tok = tokenizer_json(vocab)
        tok_cfg = tokenizer_config_json(vocab, c.context_length)
        proto = build_model(model, accuracy_level, progress=lambda m: progress(f"building {m}"))
        progress("writing model.onnx")
        onnx.save_model(proto, os.path.join(tmp, "model.onnx"), save_as_external_data=True,
                        all_tensors_to_one_file=True, location="model.onnx.data", size_threshold=1024)
        del proto
        files = {"genai_config.json": genai_config(model, vocab), "tokenizer.json": tok,
                 "tokenizer_config.json": tok_cfg,
                 "special_tokens_map.json": {k: tok_cfg[k] for k in ("bos_token", "eos_token", "pad_token",
                                                                      "unk_token") if k in tok_cfg},
                 "import_info.json": {"source": os.path.basename(gguf_path), "architecture": c.arch,
                                      "accuracy_level": accuracy_level, "importer": "ai-gateway gguf_import 1"}}
        for name, obj in files.items():
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                json.dump(obj, f, ensure_ascii=False, indent=1 if name != "tokenizer.json" else None)
        for name in os.listdir(tmp):
            os.chmod(os.path.join(tmp, name), 0o644)
        os.chmod(tmp, 0o755)
        os.rename(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress(f"done: {out_dir}")
    return out_dir
