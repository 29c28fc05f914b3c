#!/usr/bin/env python3
"""Oracle fixtures for the Swift ChatTemplate engine.

Made with:
    /work/main/.runtime/venv/bin/pip install jinja2==3.1.6
    /work/main/.runtime/venv/bin/python tools/chat_template_fixtures.py

Renders every case with jinja2 configured the way Hugging Face transformers
renders chat templates (ImmutableSandboxedEnvironment, trim_blocks,
lstrip_blocks, loopcontrols, a `generation` block, transformers' `tojson`,
`raise_exception` and `strftime_now`) and writes
Tests/ChatTemplateTests/Fixtures/chat_templates.json: a list of
{name, template, context (JSON text), expected} or {..., error: true}.
It never imports the Swift code under test.
"""
import json
import os
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "ChatTemplateTests", "Fixtures")


class GenerationBlock(Extension):
    """transformers' `{% generation %}...{% endgeneration %}`: renders its body."""

    tags = {"generation"}

    def parse(self, parser):
        next(parser.stream)
        return parser.parse_statements(("name:endgeneration",), drop_needle=True)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.now().strftime(format)


ENV = ImmutableSandboxedEnvironment(
    trim_blocks=True, lstrip_blocks=True, extensions=[GenerationBlock, jinja2.ext.loopcontrols]
)
ENV.filters["tojson"] = tojson
ENV.globals["raise_exception"] = raise_exception
ENV.globals["strftime_now"] = strftime_now


def render(template, context):
    try:
        return {"expected": ENV.from_string(template).render(**context)}
    except Exception as error:  # jinja2 errors, TypeErrors, sandbox refusals alike
        return {"error": True, "error_message": f"{type(error).__name__}: {error}"}


# ---------------------------------------------------------------- conversations
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Météo actuelle pour une ville — gibt das Wetter zurück (天气).",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {"type": "string", "description": "City name, e.g. \"Zürich\""},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Unit"},
                    "details": {
                        "type": "object",
                        "description": "Optional extras",
                        "properties": {
                            "hourly": {"type": "boolean", "description": "Hourly forecast"},
                            "days": {"type": "integer", "description": "Days ahead", "minimum": 1, "maximum": 7.5},
                        },
                    },
                },
                "required": ["location"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "search_docs",
            "description": "Search documents.\nReturns a list of matches.",
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "Query text\twith tab"},
                    "tags": {"type": "array", "items": {"type": "string"}, "description": "Tags to filter"},
                    "limit": {"type": ["integer", "null"], "description": "Max results"},
                },
                "required": ["query"],
            },
        },
    },
]

# Only scalar, enum and object parameters: templates such as Hermes-2-Pro's
# recurse forever on array or union types (jinja2 raises RecursionError there).
SIMPLE_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_time",
            "description": "Heure locale — current time in a zone.",
            "parameters": {
                "type": "object",
                "properties": {
                    "zone": {"type": "string", "description": "IANA zone, e.g. Europe/Zürich"},
                    "format": {"type": "string", "enum": ["12h", "24h"], "description": "Clock format"},
                    "options": {"type": "object", "description": "Extra options",
                                "additionalProperties": {"type": "boolean"}},
                },
                "required": ["zone"],
            },
            "return": {"type": "string", "description": "The formatted time"},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "noop",
            "description": "Does nothing.",
            "parameters": {"type": "object", "properties": {}},
        },
    },
]
SIMPLE_CALL = {
    "role": "assistant",
    "tool_calls": [
        {"id": "call54321", "type": "function",
         "function": {"name": "get_time", "arguments": {"zone": "Asia/Tōkyō", "format": "24h"}}},
    ],
}
SIMPLE_RESULT = {"role": "tool", "tool_call_id": "call54321", "name": "get_time", "content": "14:05"}

SYSTEM = {"role": "system", "content": "You are a helpful assistant. Réponds brièvement."}
USER = {"role": "user", "content": "  What's the weather in Zürich?  "}
ASSISTANT = {"role": "assistant", "content": "It is sunny, 22 °C."}
USER2 = {"role": "user", "content": "And tomorrow? 明天呢？"}
CALL = {
    "role": "assistant",
    "content": "",
    "tool_calls": [
        {
            "id": "call12345",
            "type": "function",
            "function": {"name": "get_weather", "arguments": {"location": "Zürich", "unit": "celsius", "details": {"days": 2}}},
        }
    ],
}
CALL_STRING_ARGS = {
    "role": "assistant",
    "content": None,
    "tool_calls": [
        {
            "id": "call12345",
            "type": "function",
            "function": {"name": "get_weather", "arguments": "{\"location\": \"Zürich\"}"},
        }
    ],
}
TOOL_RESULT = {
    "role": "tool",
    "tool_call_id": "call12345",
    "name": "get_weather",
    "content": "{\"temperature\": 22, \"unit\": \"celsius\"}",
}

CONVERSATIONS = {
    "plain": ([SYSTEM, USER], None, True),
    "no_system": ([USER], None, True),
    "multi_turn": ([SYSTEM, USER, ASSISTANT, USER2], None, True),
    "multi_turn_no_prompt": ([SYSTEM, USER, ASSISTANT], None, False),
    "tools": ([SYSTEM, USER], TOOLS, True),
    "tools_no_system": ([USER], TOOLS, True),
    "tool_call": ([USER, CALL, TOOL_RESULT], TOOLS, True),
    "tool_call_then_answer": ([SYSTEM, USER, CALL, TOOL_RESULT, ASSISTANT, USER2], TOOLS, False),
    "tool_call_string_args": ([USER, CALL_STRING_ARGS, TOOL_RESULT], TOOLS, True),
    "tools_simple": ([SYSTEM, USER], SIMPLE_TOOLS, True),
    "tool_call_simple": ([SYSTEM, USER, SIMPLE_CALL, SIMPLE_RESULT], SIMPLE_TOOLS, True),
    "bad_alternation": ([USER, {"role": "user", "content": "again"}], None, True),
}

MODELS = {
    "Qwen-Qwen2.5-7B-Instruct.jinja": {"eos_token": "<|im_end|>"},
    "NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja": {"bos_token": "<|begin_of_text|>", "eos_token": "<|im_end|>"},
    "meta-llama-Llama-3.3-70B-Instruct.jinja": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "date_string": "15 Nov 2025"},
    "meta-llama-Llama-3.2-3B-Instruct.jinja": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "date_string": "15 Nov 2025"},
    "mistralai-Mistral-Nemo-Instruct-2407.jinja": {"bos_token": "<s>", "eos_token": "</s>"},
    "microsoft-Phi-3.5-mini-instruct.jinja": {"bos_token": "<s>", "eos_token": "<|endoftext|>"},
    "llama-cpp-microsoft-Phi-4-mini-instruct.jinja": {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>"},
    "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja": {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"},
    "HuggingFaceTB-SmolLM2-135M-Instruct.jinja": {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>"},
}


def model_cases():
    cases = []
    for filename, tokens in MODELS.items():
        with open(os.path.join(FIXTURES, "templates", filename), encoding="utf-8") as f:
            template = f.read()
        for conv_name, (messages, tools, add_generation_prompt) in CONVERSATIONS.items():
            # The keyword arguments transformers passes: tools is None when absent.
            context = {"messages": messages, "tools": tools, "documents": None,
                       "add_generation_prompt": add_generation_prompt, **tokens}
            cases.append({"name": f"{filename[:-6]}/{conv_name}", "template_file": filename, "context": context})
    return cases


# ---------------------------------------------------------------- synthetic
DATA = {
    "items": [3, 1, 2],
    "words": ["banana", "Apple", "cherry", "apple"],
    "users": [{"name": "Ann", "age": 31, "admin": True}, {"name": "bob", "age": 25, "admin": False},
              {"name": "Cy", "age": 40}],
    "d": {"b": 2, "a": 1, "c": {"x": [1, 2.5, None, True, "s"]}},
    "text": "  Hello, World!  ",
    "multiline": "line one\nline two\n\nline four",
    "n": 7,
    "f": 2.5,
    "empty": [],
    "nothing": None,
    "uni": "héllo wörld 你好",
}

SYNTHETIC = [
    # whitespace control, trim_blocks, lstrip_blocks
    ("ws_trim_blocks", "{% if true %}\nyes\n{% endif %}\nafter", {}),
    ("ws_lstrip_blocks", "start\n    {% if true %}\n    indented\n    {% endif %}\nend", {}),
    ("ws_lstrip_not_for_variables", "a\n    {{ 'x' }}\n  b", {}),
    ("ws_plus_disables_lstrip", "a\n    {%+ if true %}x{% endif %}\nb", {}),
    ("ws_plus_disables_trim", "{% if true +%}\nx{% endif %}", {}),
    ("ws_minus_both", "a   \n  {%- if true -%}  \n  b  \n  {%- endif -%}\n  c", {}),
    ("ws_variable_minus", "a  {{- 'b' -}}  c\n{{ 'd' }}\n", {}),
    ("ws_comment_trim", "a\n  {# comment #}\nb{#- x -#}   c", {}),
    ("ws_text_before_tag_not_line_start", "x  {% if true %}y{% endif %}", {}),
    ("ws_crlf_normalized", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n", {}),
    ("ws_trailing_newline_dropped", "abc\n", {}),
    ("ws_raw_block", "{% raw %}{{ not evaluated }} {% if %}{% endraw %}!", {}),
    ("ws_nested_loops_layout", "{% for i in range(2) %}\n  {% for j in range(2) %}\n    {{ i }}{{ j }}\n  {% endfor %}\n{% endfor %}", {}),
    # loops
    ("loop_vars", "{% for x in items %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }};{% endfor %}", DATA),
    ("loop_prev_next", "{% for x in items %}[{{ loop.previtem }}|{{ loop.nextitem }}|{{ loop.previtem is defined }}]{% endfor %}", DATA),
    ("loop_filter_if", "{% for x in items if x > 1 %}{{ x }}:{{ loop.index }} {% endfor %}", DATA),
    ("loop_else", "{% for x in empty %}{{ x }}{% else %}none{% endfor %}", DATA),
    ("loop_break_continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("loop_dict_items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", DATA),
    ("loop_dict_keys_default", "{% for k in d %}{{ k }}{% endfor %}", DATA),
    ("loop_string_chars", "{% for c in 'héllo' %}[{{ c }}]{% endfor %}", {}),
    ("loop_scope_no_leak", "{% set y = 'outer' %}{% for x in [1,2] %}{% set y = x %}{{ y }}{% endfor %}{{ y }}", {}),
    ("loop_undefined_iterates_empty", "{% for x in missing %}{{ x }}{% endfor %}ok", {}),
    ("loop_tuple_unpack_list", "{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }} {% endfor %}", {}),
    # set / namespace
    ("set_tuple_unpack", "{% set a, b = 1, 'two' %}{{ a }}-{{ b }}", {}),
    ("set_block", "{% set body %}Hi {{ 'there' }}!{% endset %}[{{ body }}]", {}),
    ("namespace_counter", "{% set ns = namespace(count=0, seen=false) %}{% for x in items %}{% set ns.count = ns.count + x %}{% endfor %}{{ ns.count }} {{ ns.seen }}", DATA),
    ("namespace_dict_arg", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}", {}),
    ("set_attr_on_non_namespace_errors", "{% set d2 = {} %}{% set d2.x = 1 %}", {}),
    # macros
    ("macro_defaults_kwargs", "{% macro greet(name, greeting='Hello', punct='!') %}{{ greeting }}, {{ name }}{{ punct }}{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', punct='?') }} {{ greet(greeting='Yo', name='Cy') }}", {}),
    ("macro_recursive", "{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1)|int }}{% endif %}{% endmacro %}{{ fact(5) }}", {}),
    ("macro_sees_outer_set", "{% set t = 4 %}{% macro m() %}{{ t }}{% endmacro %}{% set t = 5 %}{{ m() }}", {}),
    ("macro_missing_arg_undefined", "{% macro m(a, b) %}[{{ a }}|{{ b }}|{{ b is defined }}]{% endmacro %}{{ m(1) }}", {}),
    ("call_block", "{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}inner{% endcall %}", {}),
    ("filter_block", "{% filter upper %}shout {{ 'this' }}{% endfilter %}", {}),
    # expressions / operators
    ("arith", "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }}", {}),
    ("arith_mixed", "{{ 1 + 1.5 }} {{ 3 * 1.0 }} {{ true + 1 }} {{ 10 / 4 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 123456789012345678.0 }}", {}),
    ("string_ops", "{{ 'ab' * 3 }} {{ 'a' ~ 1 ~ none ~ true }} {{ 'x' + 'y' }} {{ [1] + [2, 3] }} {{ 'ell' in 'hello' }} {{ 3 not in items }}", DATA),
    ("comparisons", "{{ 1 == 1.0 }} {{ 1 != 2 }} {{ 'a' < 'b' }} {{ 2 >= 2 }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ [1, 2] == [1, 2] }} {{ {'a': 1} == {'a': 1} }}", {}),
    ("logic_values", "{{ 0 or 'x' }} {{ 1 and 'y' }} {{ none or [] }} {{ not 0 }} {{ '' and 'z' }}|", {}),
    ("ternary", "{{ 'yes' if n > 5 else 'no' }} {{ 'a' if false }}|{{ 1 if 0 else 2 if 0 else 3 }}", DATA),
    ("python_printing", "{{ 1.0 }} {{ True }} {{ none }} {{ ['a', 1, 2.0, none, true] }} {{ {'a': 1, 'b': [1, 'x']} }} {{ \"it's\" }} {{ [\"it's\"] }} {{ -0.0 }}", {}),
    ("string_escapes", "{{ 'tab\\there' }}|{{ \"quote\\\"s\" }}|{{ 'nl\\nx' }}|{{ '\\u00e9\\x41' }}|{{ 'back\\\\slash' }}|{{ 'keep\\d' }}", {}),
    ("adjacent_strings", "{{ 'a' 'b' \"c\" }}", {}),
    ("slicing", "{{ items[1:] }} {{ items[:-1] }} {{ items[::-1] }} {{ 'hello'[1:3] }} {{ 'hello'[::-2] }} {{ items[-1] }} {{ items[5] }}|", DATA),
    ("subscript_and_attr", "{{ d['a'] }} {{ d.b }} {{ d.c.x[1] }} {{ users[0].name }} {{ d.missing }}|{{ d['missing'] is defined }}", DATA),
    ("dict_literal_order", "{{ {'z': 1, 'a': 2, 'm': 3} | tojson }}", {}),
    ("integer_literals", "{{ 1_000 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1.5e3 }}", {}),
    # tests
    ("tests_types", "{{ n is number }} {{ f is float }} {{ n is integer }} {{ true is boolean }} {{ 'x' is string }} {{ d is mapping }} {{ items is iterable }} {{ 'x' is sequence }} {{ nothing is none }} {{ missing is undefined }} {{ range is callable }}", DATA),
    ("tests_values", "{{ 4 is divisibleby 2 }} {{ 3 is odd }} {{ 3 is even }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 2 is equalto 2 }} {{ 2 is eq(3) }} {{ 2 is ne 3 }} {{ 1 is lt 2 }} {{ 2 is ge 2 }} {{ 'a' is in 'abc' }} {{ none is sameas none }} {{ true is true }} {{ 0 is false }}", {}),
    ("tests_not", "{{ x is not defined }} {{ not x is defined }} {{ 1 is not string }}", {}),
    # filters
    ("filter_tojson_default", "{{ d | tojson }}", DATA),
    ("filter_tojson_indent", "{{ d | tojson(indent=2) }}\n{{ [] | tojson(indent=2) }}{{ {} | tojson(indent=2) }}", DATA),
    ("filter_tojson_separators_sort", "{{ d | tojson(separators=(',', ':'), sort_keys=true) }}", DATA),
    ("filter_tojson_strings", "{{ ['é\"\\\\\\n\\t\\u0001\\u007f', 1.0, 1e100, -5, none, true] | tojson }}", {}),
    ("filter_tojson_ensure_ascii", "{{ uni | tojson(true) }}", DATA),
    ("filter_trim_case", "[{{ text | trim }}] {{ 'xxhixx' | trim('x') }} {{ 'hello world' | upper }} {{ 'HeLLo' | lower }} {{ 'hello world' | capitalize }} {{ 'hello big-world (ok)' | title }}", DATA),
    ("filter_length_count", "{{ items | length }} {{ 'héllo' | length }} {{ d | count }} {{ missing | length }}", DATA),
    ("filter_default", "{{ missing | default('dflt') }} {{ '' | default('empty') }} {{ '' | default('empty', true) }} {{ nothing | d('x') }}", DATA),
    ("filter_first_last_join", "{{ items | first }} {{ items | last }} {{ items | join(', ') }} {{ users | join('/', attribute='name') }} {{ 'abc' | first }}", DATA),
    ("filter_replace_list_string", "{{ 'aaa' | replace('a', 'b', 2) }} {{ 'abc' | list }} {{ 12 | string }} {{ [1] | string }}", {}),
    ("filter_numbers", "{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int(5) }} {{ 3.9 | int }} {{ '2.5' | float }} {{ -3 | abs }} {{ 2.567 | round(2) }} {{ 2.5 | round }} {{ 3 | round }} {{ 2.1 | round(0, 'ceil') }}", {}),
    ("filter_sort_unique_reverse", "{{ words | sort }} {{ words | sort(reverse=true) }} {{ words | sort(case_sensitive=true) }} {{ words | unique | list }} {{ items | reverse | list }} {{ 'abc' | reverse }} {{ users | sort(attribute='age') | map(attribute='name') | join(',') }}", DATA),
    ("filter_items_dictsort", "{{ d | items | list }} {{ d | dictsort }} {% for k, v in d | dictsort(reverse=true) %}{{ k }}{% endfor %}", DATA),
    ("filter_select_reject", "{{ items | select('odd') | list }} {{ items | reject('odd') | list }} {{ [0, 1, '', 'a'] | select | list }} {{ items | select('gt', 1) | list }}", DATA),
    ("filter_selectattr", "{{ users | selectattr('admin') | map(attribute='name') | list }} {{ users | rejectattr('admin') | map(attribute='name') | list }} {{ users | selectattr('age', 'gt', 30) | map(attribute='name') | join }} {{ users | selectattr('name', 'equalto', 'bob') | list | length }}", DATA),
    ("filter_map", "{{ users | map(attribute='name') | map('upper') | list }} {{ users | map(attribute='admin', default='n/a') | list }} {{ ['1', '2'] | map('int') | sum }}", DATA),
    ("filter_indent", "{{ multiline | indent }}|{{ multiline | indent(2, true) }}|{{ multiline | indent(width='> ', blank=true) }}", DATA),
    ("filter_sum_min_max", "{{ items | sum }} {{ users | sum(attribute='age') }} {{ items | min }} {{ items | max }} {{ words | max }} {{ [] | max }}|", DATA),
    ("filter_escape_safe", "{{ '<a href=\"x\">&\\'</a>' | e }} {{ '<b>' | safe }}", {}),
    ("filter_wordcount_center_batch", "{{ 'a b  c' | wordcount }}|{{ 'ab' | center(6) }}|{{ items | batch(2) | list }}|{{ items | batch(2, 0) | list }}", DATA),
    ("filter_chain_precedence", "{{ text | trim + '!' }} {{ -3 | abs }} {{ items | length + 1 }}", DATA),
    # methods
    ("methods_str", "{{ text.strip() }}|{{ text.lstrip() }}|{{ text.rstrip() }}|{{ 'xxhixx'.strip('x') }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'a,b,c'.rsplit(',', 1) }}", DATA),
    ("methods_str2", "{{ 'hello'.startswith('he') }} {{ 'hello'.endswith(('x', 'lo')) }} {{ 'Hello'.lower() }} {{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }} {{ 'aXbX'.replace('X', '-') }} {{ 'hello'.find('l') }} {{ 'hello'.find('z') }} {{ 'hello'.count('l') }} {{ '-'.join(['a', 'b']) }} {{ 'hello'.upper() }}", {}),
    ("methods_dict_list", "{{ d.keys() | list }} {{ d.values() | list | length }} {{ d.get('a') }} {{ d.get('zz', 'dflt') }} {{ d.get('zz') }} {{ items.index(2) }} {{ items.count(3) }}", DATA),
    ("methods_think_split", "{{ 'reasoning</think>\n\nanswer'.split('</think>')[-1].lstrip('\\n') }}", {}),
    ("sandbox_append_refused", "{% set xs = [] %}{{ xs.append(1) }}", {}),
    ("sandbox_dict_update_refused", "{{ d.update({'a': 2}) }}", DATA),
    # globals and errors
    ("range_variants", "{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ range(5, 0, -2) | list }} {{ range(0) | list }}", {}),
    ("range_too_big", "{{ range(100001) | length }}", {}),
    ("raise_exception_message", "{{ raise_exception('Custom: roles must alternate!') }}", {}),
    ("undefined_attribute_errors", "{{ missing.attr }}", {}),
    ("undefined_prints_empty", "[{{ missing }}]{{ missing is defined }}{% if missing %}x{% endif %}", {}),
    ("none_attribute_is_undefined", "[{{ nothing.attr }}]", DATA),
    ("undefined_plus_errors", "{{ missing + 1 }}", {}),
    ("string_plus_int_errors", "{{ 'a' + 1 }}", {}),
    ("division_by_zero_errors", "{{ 1 / 0 }}", {}),
    ("unknown_filter_errors", "{{ 1 | nosuchfilter }}", {}),
    ("syntax_error_unclosed", "{% if true %}open", {}),
    ("syntax_error_bad_expr", "{{ 1 + }}", {}),
    ("dict_global", "{{ dict(a=1, b='x') | tojson }}", {}),
    ("strftime_now_defined", "{{ strftime_now is defined }}", {}),
    ("generation_block", "a{% generation %}b{{ 1 }}{% endgeneration %}c", {}),
    ("unicode_passthrough", "{{ uni }} {{ uni | upper }} {{ uni[0] }} {{ uni | length }}", DATA),

    # edge cases
    ("edge_ws_indented_first_tag", "   {% if true %}x{% endif %}\n  {% if true %}\ny{% endif %}", {}),
    ("edge_ws_tag_after_text_same_line", "abc  {% if true %}\nx{% endif %}  \n  tail", {}),
    ("edge_ws_tabs_lstrip", "a\n\t \t{% if true %}b{% endif %}\n", {}),
    ("edge_ws_minus_after_variable_line", "{{ 'a' }}\n  {%- if true %}\n  b\n  {%- endif %}\n", {}),
    ("edge_ws_comment_lstrip", "x\n    {# note #}\ny\n    {#- note -#}\n  z", {}),
    ("edge_ws_raw_minus", "a  {%- raw -%}  {{ x }}  {%- endraw -%}  b", {}),
    ("edge_ws_multiple_blank_lines", "{% for x in [1, 2] %}\n\n{{ x }}\n\n{% endfor %}\n\nend", {}),
    ("edge_float_printing", "{{ 1e16 }} {{ 1e15 }} {{ 0.1 }} {{ 100.0 }} {{ 1/3 }} {{ 2**0.5 }} {{ 3.0 * 2 }} {{ -7.5 // 2 }} {{ -7.5 % 2 }} {{ 7 // 2.0 }} {{ 0.0001 }} {{ 0.00001 }} {{ 1e400 }} {{ [1.0, -2.5e-10] }}", {}),
    ("edge_operator_precedence", "{{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ not true == false }} {{ 1 if true else 2 | string }} {{ 5 / 2 * 2 }} {{ true and none }} {{ 10 - 2 - 3 }} {{ 2 * 3 % 4 }}", {}),
    ("edge_repr_strings", "{{ ['é', '\\x01', 'a\"b', \"a'b\", 'a\\'b\"c', '\\\\'] }} {{ {'k': \"it's\"} }} {{ ('x',) }} {{ () }} {{ (1, 'a') }}", {}),
    ("edge_string_filters_none", "{{ none | string }} {{ none | tojson }} {{ 'abc' | tojson }} [{{ x | default }}] {{ -1 | string }} {{ 'ab' ~ 3.0 }}", {}),
    ("edge_slices", "{{ items[5:0:-1] }} {{ items[-10:10] }} {{ 'abcdef'[-3:] }} {{ 'abcdef'[::2] }} {{ items[1:1] }} {{ items[:] }} {{ 'abc'[10:] }}|", DATA),
    ("edge_length_tests", "{{ items | length is even }} {{ d | length > 1 }} {{ 10 is divisibleby(3) }} {{ [] is iterable }} {{ 'x' is mapping }}", DATA),
    ("edge_dict_items_tuples", "{{ d.items() | list }} {% for k, v in d | items %}{{ k }}{% endfor %} {{ d | dictsort | first }}", DATA),
    ("edge_split_variants", "{{ 'a b c'.split(' ', -1) }} {{ '  x '.strip() ~ '|' }} {{ 'x' | replace('', '-') }} {{ 'a--b--c'.split('--') }} {{ ''.split(',') }} {{ ''.split() }} {{ 'a\\nb\\r\\nc'.splitlines() }}", {}),
    ("edge_map_join_roles", "{{ users | map(attribute='name') | join(',') }} {{ users | map(attribute='missing') | list | length }}", DATA),
    ("edge_unicode_compare", "{{ 'é' < 'z' }} {{ 'B' < 'a' }} {{ 'Straße' | upper }} {{ 'ǅ' | lower }} {{ 'éa' | title }}", {}),
    ("edge_nested_loops_loopvar", "{% for a in [1, 2] %}{% set outer = loop %}{% for b in 'xy' %}{{ outer.index }}{{ loop.index }}{{ b }} {% endfor %}{% endfor %}", {}),
    ("edge_loop_revindex_arith", "{% for x in items %}{{ loop.length - loop.index }}{% endfor %}", DATA),
    ("edge_if_elif_chain", "{% for n in [1, 5, 10] %}{% if n < 3 %}s{% elif n < 8 %}m{% else %}l{% endif %}{% endfor %}", {}),
    ("edge_set_in_if_visible", "{% if true %}{% set v = 'set in if' %}{% endif %}{{ v }}", {}),
    ("edge_namespace_in_nested_loop", "{% set ns = namespace(total=0, names=[]) %}{% for u in users %}{% for i in range(2) %}{% set ns.total = ns.total + 1 %}{% endfor %}{% set ns.names = ns.names + [u.name] %}{% endfor %}{{ ns.total }} {{ ns.names }}", DATA),
    ("edge_list_concat_in_loop", "{% set acc = [] %}{% for x in items %}{% set acc = acc + [x * 2] %}{% endfor %}{{ acc }}", DATA),
    ("edge_messages_like", "{% for m in msgs %}{% if m.content is string %}{{ m.role }}:{{ m.content | trim }}{% elif m.content is iterable %}{% for part in m.content %}{{ part.text }}{% endfor %}{% endif %}{% if m.tool_calls is defined and m.tool_calls %}[{{ m.tool_calls | length }}]{% endif %};{% endfor %}", {"msgs": [{"role": "user", "content": " hi "}, {"role": "assistant", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}], "tool_calls": [{"id": 1}]}, {"role": "tool", "content": None}]}),
    ("edge_in_operator_variants", "{{ 'a' in {'a': 1} }} {{ 1 in [1.0] }} {{ 'x' in ('x', 'y') }} {{ 'b' not in 'abc' }} {{ none in [none] }}", {}),
    ("edge_truthiness", "{% for v in [0, 1, '', 'x', [], [0], {}, {'a': 1}, none, 0.0, false] %}{{ 'T' if v else 'F' }}{% endfor %}", {}),
    ("edge_equality_cross_type", "{{ 1 == true }} {{ 0 == false }} {{ '1' == 1 }} {{ none == false }} {{ [1] == [true] }} {{ (1, 2) == [1, 2] }}", {}),
    ("edge_int_float_filters", "{{ '  12  ' | int }} {{ '1_000' | int }} {{ 'abc' | float }} {{ 'inf' | float }} {{ true | int }} {{ 1 | float }} {{ '3.7' | float | int }}", {}),
    ("edge_round_variants", "{{ 2.675 | round(2) }} {{ 0.5 | round }} {{ 1.5 | round }} {{ -2.5 | round }} {{ 1234.5 | round(-2) }} {{ 2.4 | round(0, 'floor') }}", {}),
    ("edge_tojson_nested_indent", "{{ {'a': [1, {'b': []}], 'c': {}} | tojson(indent=4) }}\n{{ [1, [2, [3]]] | tojson(indent='\\t') }}", {}),
    ("edge_tojson_unicode_escapes", "{{ {'emoji': '😀', 'ctrl': '\\x1f\\x7f', 'nul': '\\x00'} | tojson }} {{ '😀' | tojson(true) }}", {}),
    ("edge_macro_kwargs_default_refers", "{% macro m(a, b=a ~ '!') %}{{ a }}{{ b }}{% endmacro %}{{ m('x') }} {{ m('x', 'y') }} {{ m(b='z', a='w') }}", {}),
    ("edge_macro_returns_string", "{% macro m() %}12{% endmacro %}{{ m() ~ '3' }} {{ m() | int + 1 }} {{ m() | length }}", {}),
    ("edge_macro_too_many_args_error", "{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}", {}),
    ("edge_set_shadowing_then_loop", "{% set x = 1 %}{% for i in [1] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}", {}),
    ("edge_filter_on_literal_list", "{{ [3, 1, 2] | sort | first }} {{ ['b', 'a'] | sort | join }} {{ [1, 2, 3] | select('even') | list }}", {}),
    ("edge_trailing_newlines_kept_once", "a\n\n", {}),
    ("edge_only_whitespace_between_tags", "{% set a = 1 %}  \n{% set b = 2 %}\n  {{ a + b }}", {}),
    ("edge_attr_on_list_and_string", "[{{ items.foo }}] [{{ 'abc'.foo }}] [{{ items.0 }}]", DATA),
    ("edge_strip_chars_unicode", "{{ '«hi»'.strip('«»') }} {{ 'éxé'.lstrip('é') }} {{ 'x\\u00a0'.strip() | length }}", {}),
    ("edge_startswith_tuple_literal", "{{ 'hello'.startswith(('x', 'he')) }} {{ 'hello'.endswith('') }}", {}),
    ("edge_count_and_find_unicode", "{{ 'ééé'.count('é') }} {{ 'aéb'.find('b') }} {{ 'aéb'.index('é') }} {{ 'aba'.rfind('a') }}", {}),
]


def main():
    cases = []
    for case in model_cases():
        with open(os.path.join(FIXTURES, "templates", case["template_file"]), encoding="utf-8") as f:
            template = f.read()
        entry = {"name": case["name"], "template_file": case["template_file"],
                 "context": json.dumps(case["context"], ensure_ascii=False)}
        entry.update(render(template, json.loads(entry["context"])))
        cases.append(entry)
    for name, template, context in SYNTHETIC:
        entry = {"name": f"synthetic/{name}", "template": template, "context": json.dumps(context, ensure_ascii=False)}
        entry.update(render(template, json.loads(entry["context"])))
        cases.append(entry)
    out = os.path.join(FIXTURES, "chat_templates.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
        f.write("\n")
    errors = sum(1 for c in cases if c.get("error"))
    print(f"wrote {len(cases)} cases ({errors} expected errors) to {os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    main()
