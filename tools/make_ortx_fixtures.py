#!/usr/bin/env python3
# Regenerate the fixture with exactly this command, from the repository root (scripts/setup has placed the model):
#
#   python3 -m venv /tmp/ortx-fixtures-venv && \
#   /tmp/ortx-fixtures-venv/bin/pip install tokenizers==0.23.3 jinja2==3.1.6 && \
#   /tmp/ortx-fixtures-venv/bin/python tools/make_ortx_fixtures.py
#
# Writes Tests/ONNXRuntimeTests/Fixtures/ortx_reference.json: what Hugging Face gives on the tokenizer files of
# models/smollm2-135m-instruct, for the Swift OrtxTokenizer tests (onnxruntime-extensions) to match. The oracle is
# independent of the gateway and of onnxruntime-extensions:
#
#   encode    Hugging Face `tokenizers` (tokenizer.json): ids of each text with add_special_tokens=False (what
#             onnxruntime-genai's tokenizer does; this model has no post-processor, so True gives the same ids), and
#             decode(ids, skip_special_tokens=True) (onnxruntime-genai's default too).
#   chats     the model's chat_template rendered the way transformers' apply_chat_template renders it, without
#             transformers: jinja2's ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True) with the
#             loopcontrols extension, a `tojson` filter that keeps non-ASCII, `raise_exception` and `strftime_now`,
#             and the special tokens (bos_token, eos_token, ...) as variables. messages_json is the exact string the
#             Swift test passes.
#   special   the ids of the special tokens (and of the eos_token of tokenizer_config.json).
import json
import os
import sys
from datetime import datetime

import jinja2
import jinja2.ext
import tokenizers
from jinja2.sandbox import ImmutableSandboxedEnvironment
from tokenizers import Tokenizer

COMMAND = (
    "python3 -m venv /tmp/ortx-fixtures-venv && /tmp/ortx-fixtures-venv/bin/pip install tokenizers==0.23.3 "
    "jinja2==3.1.6 && /tmp/ortx-fixtures-venv/bin/python tools/make_ortx_fixtures.py"
)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "smollm2-135m-instruct")
OUT = os.path.join(ROOT, "Tests", "ONNXRuntimeTests", "Fixtures", "ortx_reference.json")

PROSE = (
    "The gateway serves small language models on a laptop. It tokenizes the prompt, runs the model one step at a "
    "time and streams each new piece of text back to the client as soon as it is complete. "
    "Numbers like 3.14159, 2024-06-11 and 1,234,567 are split into single digits; naïve cafés, 日本語 and emoji "
    "such as 🦜 are split into bytes when the vocabulary lacks them.\n\n"
)

ENCODE = [
    ("ascii", "Hello, world! The quick brown fox jumps over the lazy dog."),
    ("accents", "naïve café, crème brûlée, Ångström, São Paulo, Dvořák, Łódź, İstanbul"),
    ("combining accents", "cafe\u0301 A\u030angstro\u0308m"),
    ("cjk", "我爱自然语言处理。日本語のテキストです。한국어 텍스트입니다."),
    ("emoji", "😀 🦜🧬 👩‍👩‍👧‍👦 🇫🇷 👍🏽"),
    ("digits", "3.14159 2024-06-11 1,234,567 0x1F 42nd 007"),
    ("whitespace runs", "  leading,\ttabs\t\tand\n\nnew lines   trailing   "),
    ("only whitespace", " \n\t \n"),
    ("special tokens", "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"),
    ("special token alone", "<|im_end|>"),
    ("special tokens glued", "a<|im_end|>b<|endoftext|>c"),
    ("code", "def add(a, b):\n    return a + b  # sum\n"),
    ("other scripts", "Привет мир, مرحبا بالعالم, שלום, नमस्ते, Γειά σου"),
    ("empty", ""),
]

CHATS = [
    ("system, user, assistant", True, [
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4."},
    ], None),
    ("user only: the template's default system prompt", True, [
        {"role": "user", "content": "What is the capital of France?"},
    ], None),
    ("non-ASCII content and a name, no generation prompt", False, [
        {"role": "system", "content": "Réponds en français. ☕"},
        {"role": "user", "name": "ada", "content": "Écris « bonjour » en 日本語 🦜\nmerci"},
        {"role": "assistant", "content": "こんにちは"},
    ], None),
    ("multi-turn with markup-like text", True, [
        {"role": "user", "content": "Quote this: {{ not a template }} {% raw %} <b>bold</b> \"quotes\" \\ back"},
        {"role": "assistant", "content": "{{ not a template }}"},
        {"role": "user", "content": "  spaces  \n\n  and lines  "},
    ], None),
    ("tools the template ignores", True, [
        {"role": "user", "content": "What's the weather in Paris?"},
    ], [{"type": "function", "function": {
        "name": "get_weather", "description": "Current weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }}]),
]


def render(template, messages, add_generation_prompt, tools, special_tokens):
    """transformers' apply_chat_template(tokenize=False), without transformers."""

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env.from_string(template).render(messages=messages, tools=tools, documents=None,
                                            add_generation_prompt=add_generation_prompt, **special_tokens)


def long_text(tokenizer, tokens):
    """PROSE repeated until it has at least `tokens` tokens."""
    text = PROSE
    while len(tokenizer.encode(text, add_special_tokens=False).ids) < tokens:
        text += PROSE
    return text


def main():
    if not os.path.isfile(os.path.join(MODEL, "tokenizer.json")):
        sys.exit(f"{MODEL} is missing: run scripts/setup first")
    tokenizer = Tokenizer.from_file(os.path.join(MODEL, "tokenizer.json"))
    with open(os.path.join(MODEL, "tokenizer_config.json"), encoding="utf-8") as f:
        config = json.load(f)
    with open(os.path.join(MODEL, "special_tokens_map.json"), encoding="utf-8") as f:
        special_tokens = json.load(f)

    encode = []
    for name, text in ENCODE + [("long prose", long_text(tokenizer, 1000))]:
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        assert ids == tokenizer.encode(text, add_special_tokens=True).ids, name
        encode.append({"name": name, "text": text, "ids": ids,
                       "decoded": tokenizer.decode(ids, skip_special_tokens=True)})

    chats = []
    for name, add_generation_prompt, messages, tools in CHATS:
        chats.append({
            "name": name,
            "messages_json": json.dumps(messages, ensure_ascii=False),
            "tools_json": json.dumps(tools, ensure_ascii=False) if tools is not None else None,
            "add_generation_prompt": add_generation_prompt,
            "rendered": render(config["chat_template"], messages, add_generation_prompt, tools, special_tokens),
        })

    reference = {
        "command": COMMAND,
        "model": "models/smollm2-135m-instruct",
        "tokenizers": tokenizers.__version__,
        "jinja2": jinja2.__version__,
        "eos_token": config["eos_token"],
        "eos_token_id": tokenizer.token_to_id(config["eos_token"]),
        "special_token_ids": {token: tokenizer.token_to_id(token)
                              for token in ("<|endoftext|>", "<|im_start|>", "<|im_end|>")},
        "encode": encode,
        "chats": chats,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(encode)} texts, {len(chats)} chats")


if __name__ == "__main__":
    main()
