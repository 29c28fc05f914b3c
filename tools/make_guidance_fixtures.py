#!/usr/bin/env python3
# Regenerate the fixture with exactly this command, from the repository root (scripts/setup has placed the model):
#
#   python3 -m venv /tmp/guidance-fixtures-venv && \
#   /tmp/guidance-fixtures-venv/bin/pip install llguidance==1.9.1 tokenizers==0.23.3 && \
#   /tmp/guidance-fixtures-venv/bin/python tools/make_guidance_fixtures.py
#
# (.runtime/venv has the same two packages: `.runtime/venv/bin/python tools/make_guidance_fixtures.py` gives the same
# file.)
#
# Writes Tests/ONNXRuntimeTests/Fixtures/guidance_reference.json: the token masks llguidance's own Python package
# computes for grammars on the vocabulary of models/smollm2-135m-instruct, for the Swift GuidanceConstraint tests to
# match. The oracle does not touch the gateway: its tokenizer is llguidance.LLTokenizer on the tokenizer.json path
# (the Rust Hugging Face tokenizer inside the wheel, canonical tokenization), with the logits' width 49152 and EOS 2
# (<|im_end|>), where the gateway builds its own from the same file through the C API with onnxruntime-extensions
# tokenizing. Each case is a grammar and a prefix: the prefix text's Hugging Face ids (tokenizers.Tokenizer, no
# special tokens) are consumed, then the mask is computed:
#
#   allowed_count         how many ids the mask allows
#   allowed               every allowed id when there are at most 600, else 300 of them (seeded, sorted)
#   disallowed_sample     300 ids the mask refuses (seeded, sorted), with the special tokens 0...16 among them
#   is_accepting, is_stopped  the matcher's state after the prefix
import json
import os
import random

import llguidance
import tokenizers
from llguidance import LLMatcher, LLTokenizer
from tokenizers import Tokenizer

COMMAND = (
    "python3 -m venv /tmp/guidance-fixtures-venv && /tmp/guidance-fixtures-venv/bin/pip install llguidance==1.9.1 "
    "tokenizers==0.23.3 && /tmp/guidance-fixtures-venv/bin/python tools/make_guidance_fixtures.py"
)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "smollm2-135m-instruct")
OUT = os.path.join(ROOT, "Tests", "ONNXRuntimeTests", "Fixtures", "guidance_reference.json")
VOCAB = 49152
EOS = 2

SCHEMA = json.dumps({
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}, separators=(",", ":"))

CASES = [
    ("json schema, start", "json_schema", SCHEMA, ""),
    ("json schema, inside the name string", "json_schema", SCHEMA, '{"name":"'),
    ("json schema, the age integer", "json_schema", SCHEMA, '{"name":"Ann","age":'),
    ("json schema, after digits", "json_schema", SCHEMA, '{"name":"Ann","age":42'),
    ("json schema, complete", "json_schema", SCHEMA, '{"name":"Ann","age":42}'),
    ("json object, start", "json_object", "", ""),
    ("json object, a value", "json_object", "", '{"a":'),
    ("regex, start", "regex", "[0-9]{3}-[0-9]{4}", ""),
    ("regex, after 555-12", "regex", "[0-9]{3}-[0-9]{4}", "555-12"),
    ("regex, complete", "regex", "[0-9]{3}-[0-9]{4}", "555-1234"),
    ("lark, start", "lark", 'start: "yes" | "no"', ""),
    ("lark, after y", "lark", 'start: "yes" | "no"', "y"),
]


def grammar(kind, data):
    if kind == "json_schema":
        return LLMatcher.grammar_from_json_schema(data)
    if kind == "json_object":
        return LLMatcher.grammar_from_json_schema('{"type":"object"}')
    if kind == "regex":
        return LLMatcher.grammar_from_regex(data)
    return LLMatcher.grammar_from_lark(data)


def mask_ids(matcher):
    bits = matcher.compute_bitmask()
    return [i for i in range(VOCAB) if bits[i // 8] >> (i % 8) & 1]


def main():
    tokenizer = LLTokenizer(os.path.join(MODEL, "tokenizer.json"), n_vocab=VOCAB, eos_token=EOS)
    hf = Tokenizer.from_file(os.path.join(MODEL, "tokenizer.json"))
    cases = []
    for name, kind, data, prefix in CASES:
        rng = random.Random(name)
        matcher = LLMatcher(tokenizer, grammar(kind, data))
        assert not matcher.is_error(), matcher.get_error()
        prefix_ids = hf.encode(prefix, add_special_tokens=False).ids if prefix else []
        assert matcher.consume_tokens(prefix_ids), (name, prefix_ids, matcher.get_error())
        allowed = mask_ids(matcher)
        allowed_set = set(allowed)
        disallowed = [i for i in range(VOCAB) if i not in allowed_set]
        sample = sorted(set(i for i in range(17) if i not in allowed_set) | set(rng.sample(disallowed, 283)))
        cases.append({
            "name": name,
            "kind": kind,
            "grammar": data,
            "prefix": prefix,
            "prefix_ids": prefix_ids,
            "allowed_count": len(allowed),
            "allowed": allowed if len(allowed) <= 600 else sorted(rng.sample(allowed, 300)),
            "disallowed_sample": sample,
            "is_accepting": matcher.is_accepting(),
            "is_stopped": matcher.is_stopped(),
        })
    fixture = {
        "command": COMMAND,
        "llguidance": llguidance.__version__,
        "tokenizers": tokenizers.__version__,
        "vocab_size": VOCAB,
        "eos": EOS,
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=1, ensure_ascii=False)
        f.write("\n")
    for case in cases:
        print(f"{case['name']}: {case['allowed_count']} allowed, prefix {case['prefix_ids']}")


if __name__ == "__main__":
    main()
