#!/usr/bin/env python3
# Run: .runtime/venv/bin/python tools/genai_fixtures.py
#
# Writes Tests/ONNXRuntimeTests/Fixtures/genai_reference.json: what onnxruntime-genai's own Python API gives on
# models/smollm2-135m-instruct, for the Swift GenAI tests to match. For each chat: the messages JSON (the exact
# string passed), the rendered chat template, its token ids, and the greedy output (token ids and decoded text) for
# 32 new tokens (max_length = prompt + 32). Plus encode/decode round trips and a batch of two prompts.
import json
import os
import sys

import numpy as np
import onnxruntime_genai as og

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "smollm2-135m-instruct")
OUT = os.path.join(ROOT, "Tests", "ONNXRuntimeTests", "Fixtures", "genai_reference.json")
NEW_TOKENS = 32

CHATS = [
    ("single user turn", [{"role": "user", "content": "What is the capital of France?"}]),
    ("system message", [
        {"role": "system", "content": "You are a pirate. Answer in one short sentence."},
        {"role": "user", "content": "Where is the treasure buried?"},
    ]),
    ("multi-turn", [
        {"role": "user", "content": "Hi! My name is Ada."},
        {"role": "assistant", "content": "Hello Ada! How can I help you today?"},
        {"role": "user", "content": "What is my name?"},
    ]),
    ("non-ASCII", [{"role": "user", "content": "Écris une phrase sur le café ☕ et les crêpes, s'il te plaît. 日本?"}]),
    ("code", [{"role": "user", "content": "Write a Python function that adds two numbers."}]),
]

ROUND_TRIPS = [
    "Hello, world!",
    "  leading spaces,\ttabs and\nnew lines  ",
    "naïve café 😀 日本語 Ελληνικά",
    "<|im_start|>user\nhi<|im_end|>",
    "",
]


def greedy(model, prompt_ids):
    params = og.GeneratorParams(model)
    params.set_search_options(max_length=len(prompt_ids) + NEW_TOKENS, do_sample=False)
    generator = og.Generator(model, params)
    generator.append_tokens(np.array(prompt_ids, dtype=np.int32))
    out = []
    while not generator.is_done():
        generator.generate_next_token()
        out.append(int(generator.get_next_tokens()[0]))
    return out


def main():
    if not os.path.isfile(os.path.join(MODEL, "genai_config.json")):
        sys.exit(f"{MODEL} is missing: run scripts/setup first")
    model = og.Model(MODEL)
    tokenizer = og.Tokenizer(model)
    chats = []
    for name, messages in CHATS:
        messages_json = json.dumps(messages, ensure_ascii=False)
        rendered = tokenizer.apply_chat_template(messages_json, add_generation_prompt=True)
        prompt_ids = [int(t) for t in tokenizer.encode(rendered)]
        output_ids = greedy(model, prompt_ids)
        chats.append({
            "name": name,
            "messages_json": messages_json,
            "rendered": rendered,
            "prompt_ids": prompt_ids,
            "greedy_ids": output_ids,
            "greedy_text": tokenizer.decode(np.array(output_ids, dtype=np.int32)),
        })
    trips = []
    for text in ROUND_TRIPS:
        ids = [int(t) for t in tokenizer.encode(text)]
        trips.append({"text": text, "ids": ids, "decoded": tokenizer.decode(np.array(ids, dtype=np.int32))})
    reference = {
        "model": "models/smollm2-135m-instruct",
        "onnxruntime_genai": og.__version__,
        "new_tokens": NEW_TOKENS,
        "eos_token_ids": [int(t) for t in tokenizer.eos_token_ids],
        "chats": chats,
        "round_trips": trips,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(chats)} chats, {len(trips)} round trips")


if __name__ == "__main__":
    main()
