#!/usr/bin/env python3
# Run: .runtime/venv/bin/python tools/tool_template_fixtures.py
#
# Writes Tests/GatewayServerTests/Fixtures/model_tool_template.json: how Hugging Face transformers would render
# chat requests with tools through a model's own chat template, and how many tokens that prompt is, for the server
# test that serves the default chat model's weights under two published templates that read `tools`:
# Qwen2.5-Instruct's (`<tool_call>` blocks) and Llama 3.3-Instruct's (a bare {"name", "parameters"} object, one call
# per turn). The templates are the publishers' (Tests/ChatTemplateTests/Fixtures/templates/, see its README).
#
# The rendering is jinja2 set up as transformers sets it up (ImmutableSandboxedEnvironment, trim_blocks,
# lstrip_blocks, loop controls, its tojson, raise_exception, strftime_now); the token ids come from Hugging Face
# `tokenizers` on the model's tokenizer.json, with no special tokens added (the chat pipeline adds none). A template
# that raises gives `"error"` (its message) instead. An OpenAI request becomes the template's variables as
# OpenAI-compatible servers hand them to transformers:
#   - messages: role and content (an assistant turn that only calls functions: None), `name` when sent; an
#     assistant's `tool_calls` as
#     {"id", "type": "function", "function": {"name", "arguments": <the arguments JSON parsed to an object>}};
#     a tool message's `tool_call_id`;
#   - tools: [{"type": "function", "function": {"name", "description" (when sent), "parameters"}}] unless
#     tool_choice is "none" (then None, as transformers passes it without tools; `documents` is None too);
#   - add_generation_prompt: true; the special tokens (bos_token, eos_token, unk_token, pad_token, ...,
#     additional_special_tokens) from tokenizer_config.json, else special_tokens_map.json.
import json
import os
from datetime import datetime

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment
from tokenizers import Tokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "smollm2-135m-instruct")
FIXTURES = os.path.join(ROOT, "Tests", "GatewayServerTests", "Fixtures")
TEMPLATES = os.path.join(ROOT, "Tests", "ChatTemplateTests", "Fixtures", "templates")
OUT = os.path.join(FIXTURES, "model_tool_template.json")
# Each template and the name the server test gives its model folder; `body` is each request exactly as the test
# sends it.
SERVED = [
    ("Qwen-Qwen2.5-7B-Instruct.jinja", "smollm2-qwen-tools"),
    ("meta-llama-Llama-3.3-70B-Instruct.jinja", "smollm2-llama-tools"),
]

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city — température in °C",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name", "maxLength": 20},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city"], "additionalProperties": False}}}
TIME = {"type": "function", "function": {
    "name": "get_time",
    "parameters": {"type": "object", "properties": {"zone": {"type": "string", "maxLength": 20}},
                   "required": ["zone"], "additionalProperties": False}}}

CASES = [
    ("tools, no system message", {
        "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        "tools": [WEATHER, TIME], "tool_choice": "required"}),
    ("tools with a system message", {
        "messages": [{"role": "system", "content": "You are terse."},
                     {"role": "user", "content": "Time in Tokyo?"}],
        "tools": [WEATHER, TIME], "tool_choice": "auto"}),
    ("a call and its result, then another question", {
        "messages": [
            {"role": "user", "content": "Weather in Oslo and Rome?"},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"city\": \"Oslo\", \"unit\": \"celsius\"}"}},
                {"id": "call_2", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp\": -3}"},
            {"role": "tool", "tool_call_id": "call_2", "content": "{\"temp\": 18}"},
            {"role": "user", "content": "And the time in Rome?"}],
        "tools": [WEATHER, TIME], "tool_choice": {"type": "function", "function": {"name": "get_time"}}}),
    ("one call and its result", {
        "messages": [
            {"role": "user", "content": "Weather in Oslo?"},
            {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call_5", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"unit\": \"celsius\", \"city\": \"Oslo\"}"}}]},
            {"role": "tool", "tool_call_id": "call_5", "content": "{\"temp\": -3}"},
            {"role": "user", "content": "Is that cold?"}],
        "tools": [WEATHER], "tool_choice": "auto"}),
    ("history with calls under tool_choice none", {
        "messages": [
            {"role": "user", "content": "Weather in Oslo?"},
            {"role": "assistant", "content": "Let me check.", "tool_calls": [
                {"id": "call_9", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"city\": \"Oslo\"}"}}]},
            {"role": "tool", "tool_call_id": "call_9", "content": "cold"},
            {"role": "user", "content": "Thanks. Summarise."}],
        "tools": [WEATHER], "tool_choice": "none"}),
]


def render_context(request):
    messages = []
    for message in request["messages"]:
        content = message.get("content")
        if content is None or (content == "" and message.get("tool_calls")):
            content = None if message.get("tool_calls") else ""
        out = {"role": message["role"], "content": content}
        if "name" in message:
            out["name"] = message["name"]
        if message.get("tool_calls"):
            out["tool_calls"] = [{"id": call["id"], "type": "function", "function": {
                "name": call["function"]["name"], "arguments": json.loads(call["function"]["arguments"])}}
                for call in message["tool_calls"]]
        if message["role"] == "tool":
            out["tool_call_id"] = message["tool_call_id"]
        messages.append(out)
    tools = None
    if request.get("tool_choice") != "none":
        tools = []
        for tool in request["tools"]:
            function = {"name": tool["function"]["name"]}
            if "description" in tool["function"]:
                function["description"] = tool["function"]["description"]
            function["parameters"] = tool["function"]["parameters"]
            tools.append({"type": "function", "function": function})
    return messages, tools


def environment():
    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env


def special_tokens():
    """transformers' special_tokens_map: each token the tokenizer files name (tokenizer_config.json first, then
    special_tokens_map.json), and additional_special_tokens as a list."""
    def read(name):
        path = os.path.join(MODEL, name)
        return json.load(open(path, encoding="utf-8")) if os.path.exists(path) else {}

    def text(value):
        return value.get("content") if isinstance(value, dict) else value

    config, mapping = read("tokenizer_config.json"), read("special_tokens_map.json")
    tokens = {}
    for key in ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]:
        value = text(config.get(key)) or text(mapping.get(key))
        if value is not None:
            tokens[key] = value
    additional = config.get("additional_special_tokens", mapping.get("additional_special_tokens"))
    if additional is not None:
        tokens["additional_special_tokens"] = [text(item) for item in additional]
    return tokens


def main():
    tokens = special_tokens()
    tokenizer = Tokenizer.from_file(os.path.join(MODEL, "tokenizer.json"))
    served = []
    for template_file, model_id in SERVED:
        template = environment().from_string(open(os.path.join(TEMPLATES, template_file), encoding="utf-8").read())
        cases = []
        for name, request in CASES:
            messages, tools = render_context(request)
            # transformers hands `tools` and `documents` to every rendering, None when there are none.
            variables = {"messages": messages, "tools": tools, "documents": None, "add_generation_prompt": True,
                         **tokens}
            body = dict(request, model=model_id, max_tokens=60, temperature=0, parallel_tool_calls=False)
            case = {"name": name, "body": json.dumps(body, ensure_ascii=False)}
            try:
                rendered = template.render(**variables)
                case["rendered"] = rendered
                case["prompt_tokens"] = len(tokenizer.encode(rendered, add_special_tokens=False).ids)
            except jinja2.exceptions.TemplateError as error:
                case["error"] = str(error)
            cases.append(case)
        served.append({"template": template_file, "model": model_id, "cases": cases})
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump({"generated_by": "tools/tool_template_fixtures.py", "served": served}, out, ensure_ascii=False,
                  indent=1)
        out.write("\n")
    print(f"wrote {OUT}: {sum(len(entry['cases']) for entry in served)} cases")


if __name__ == "__main__":
    main()
