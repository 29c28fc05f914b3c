"""Anthropic's Messages API through the official `anthropic` Python SDK (unmodified), against the real server and the
default chat model: `messages.create`, `messages.stream` with the SDK's own event accumulation, tools with
`tool_use` / `tool_result` blocks, `count_tokens`, stop sequences, and errors in Anthropic's envelope."""
import json

import anthropic
import jsonschema
import pytest
import urllib.request

from conftest import CHAT_MODEL

# The SDK (2.x) no longer has sampling arguments; older clients still send them, and the server honours them.
GREEDY = {"temperature": 0}
WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather in a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string", "maxLength": 40},
                       "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city", "unit"],
        "additionalProperties": False,
    },
}


@pytest.fixture(scope="module")
def client(server):
    return anthropic.Anthropic(base_url=server.url, api_key="unused", max_retries=0, timeout=120)


def post(server, path, body):
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_create_gives_a_text_message_with_exact_usage(client, server):
    message = client.messages.create(model=CHAT_MODEL, max_tokens=30, extra_body=GREEDY, system="Be brief.",
                                     messages=[{"role": "user", "content": "Name a color."}])
    assert message.type == "message" and message.role == "assistant" and message.id.startswith("msg_")
    assert message.content[0].type == "text" and message.content[0].text
    assert message.stop_reason in ("end_turn", "max_tokens")
    assert message.usage.output_tokens > 0
    # The input tokens are those of the same conversation on the chat endpoint (same template, same tokenizer).
    status, chat = post(server, "/v1/chat/completions", {
        "model": CHAT_MODEL, "max_tokens": 1,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Name a color."}]})
    assert status == 200
    total = message.usage.input_tokens + message.usage.cache_read_input_tokens
    assert total == chat["usage"]["prompt_tokens"]
    counted = client.messages.count_tokens(model=CHAT_MODEL, system="Be brief.",
                                           messages=[{"role": "user", "content": "Name a color."}])
    assert counted.input_tokens == total


def test_a_repeated_conversation_reads_its_prefix_from_the_cache(client):
    messages = [{"role": "user", "content": "Tell me about the history of the bicycle in three sentences."}]
    client.messages.create(model=CHAT_MODEL, max_tokens=5, extra_body=GREEDY, messages=messages)
    again = client.messages.create(model=CHAT_MODEL, max_tokens=5, extra_body=GREEDY, messages=messages)
    assert again.usage.cache_read_input_tokens > 0


def test_stop_sequences_report_the_one_that_matched(client):
    message = client.messages.create(
        model=CHAT_MODEL, max_tokens=60, extra_body=GREEDY, stop_sequences=["e"],
        messages=[{"role": "user", "content": "Write one sentence about the sea."}])
    assert message.stop_reason == "stop_sequence" and message.stop_sequence == "e"
    assert "e" not in message.content[0].text


def test_stream_events_in_anthropics_order_and_the_sdk_accumulates_them(client):
    with client.messages.stream(model=CHAT_MODEL, max_tokens=25, extra_body=GREEDY,
                                messages=[{"role": "user", "content": "Count to five."}]) as stream:
        events = list(stream)
        final = stream.get_final_message()
    types = [event.type for event in events]
    assert types[0] == "message_start"
    assert types[-1] == "message_stop" and types[-2] == "message_delta"
    assert "content_block_start" in types and "content_block_stop" in types
    deltas = [event.delta.text for event in events if event.type == "content_block_delta"]
    assert "".join(deltas) == final.content[0].text
    assert final.usage.output_tokens > 0
    assert final.stop_reason in ("end_turn", "max_tokens")


def test_tool_use_with_any_gives_a_valid_call_and_a_tool_result_turn_renders(client):
    message = client.messages.create(
        model=CHAT_MODEL, max_tokens=200, extra_body=GREEDY, tools=[WEATHER], tool_choice={"type": "any", "disable_parallel_tool_use": True},
        messages=[{"role": "user", "content": "What's the weather in Oslo?"}])
    assert message.stop_reason == "tool_use"
    uses = [block for block in message.content if block.type == "tool_use"]
    assert uses and uses[0].name == "get_weather" and uses[0].id.startswith("toolu_")
    jsonschema.validate(uses[0].input, WEATHER["input_schema"])
    answer = client.messages.create(
        model=CHAT_MODEL, max_tokens=30, extra_body=GREEDY, tools=[WEATHER], tool_choice={"type": "none"},
        messages=[{"role": "user", "content": "What's the weather in Oslo?"},
                  {"role": "assistant", "content": message.content},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0].id,
                                                "content": "4 degrees, snowing"}]}])
    assert answer.stop_reason in ("end_turn", "max_tokens")
    assert all(block.type == "text" for block in answer.content)


def test_streamed_tool_use_arrives_as_input_json_deltas(client):
    with client.messages.stream(
            model=CHAT_MODEL, max_tokens=200, extra_body=GREEDY, tools=[WEATHER],
            tool_choice={"type": "tool", "name": "get_weather", "disable_parallel_tool_use": True},
            messages=[{"role": "user", "content": "Weather in Lima?"}]) as stream:
        events = list(stream)
        final = stream.get_final_message()
    starts = [event for event in events if event.type == "content_block_start"]
    assert starts[0].content_block.type == "tool_use" and starts[0].content_block.name == "get_weather"
    partial = "".join(event.delta.partial_json for event in events
                      if event.type == "content_block_delta" and event.delta.type == "input_json_delta")
    jsonschema.validate(json.loads(partial), WEATHER["input_schema"])
    assert final.content[0].type == "tool_use" and final.content[0].input == json.loads(partial)
    assert final.stop_reason == "tool_use"


@pytest.mark.parametrize("body, fragment", [
    ({"messages": [{"role": "user", "content": "hi"}]}, "max_tokens"),
    ({"max_tokens": 5, "messages": []}, "messages"),
    ({"max_tokens": 5, "messages": [{"role": "system", "content": "hi"}]}, "messages.0.role"),
    ({"max_tokens": 5, "temperature": 1.5, "messages": [{"role": "user", "content": "hi"}]}, "temperature"),
    ({"max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "image", "source": {}}]}]},
     "messages.0.content.0.type"),
    ({"max_tokens": 5, "tools": [{"name": "f"}], "messages": [{"role": "user", "content": "hi"}]},
     "tools.0.input_schema"),
    ({"max_tokens": 5, "tools": [{"type": "web_search_20250305", "name": "web_search"}],
      "messages": [{"role": "user", "content": "hi"}]}, "tools.0.type"),
    ({"max_tokens": 5, "thinking": {"type": "enabled", "budget_tokens": 1024},
      "messages": [{"role": "user", "content": "hi"}]}, "thinking"),
    ({"max_tokens": 5, "frobnicate": 1, "messages": [{"role": "user", "content": "hi"}]}, "frobnicate"),
    ({"max_tokens": 0, "messages": [{"role": "user", "content": "hi"}]}, "max_tokens"),
    ({"max_tokens": 5, "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "The"}]},
     "prefill"),
    ({"max_tokens": 5, "output_config": {"effort": "high"}, "messages": [{"role": "user", "content": "hi"}]},
     "output_config.effort"),
    ({"max_tokens": 5, "speed": "fast", "messages": [{"role": "user", "content": "hi"}]}, "speed"),
    ({"max_tokens": 5, "stop_sequences": ["\n"], "tools": [{"name": "f", "input_schema": {"type": "object"}}],
      "messages": [{"role": "user", "content": "hi"}]}, "stop_sequences"),
])
def test_bad_requests_are_400s_in_anthropics_envelope(server, body, fragment):
    status, error = post(server, "/v1/messages", {"model": CHAT_MODEL, **body})
    assert status == 400
    assert error["type"] == "error" and error["error"]["type"] == "invalid_request_error"
    assert fragment in error["error"]["message"]


def test_output_config_json_schema_gives_a_valid_document(client):
    schema = {"type": "object", "properties": {"capital": {"type": "string", "maxLength": 30}},
              "required": ["capital"], "additionalProperties": False}
    message = client.messages.create(
        model=CHAT_MODEL, max_tokens=60, extra_body=GREEDY,
        output_config={"format": {"type": "json_schema", "schema": schema}},
        messages=[{"role": "user", "content": "What is the capital of France? Answer in JSON."}])
    jsonschema.validate(json.loads(message.content[0].text), schema)
    assert message.stop_reason == "end_turn"


def test_sdk_raises_its_own_errors(client):
    with pytest.raises(anthropic.NotFoundError) as caught:
        client.messages.create(model="no-such-model", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
    assert caught.value.body["error"]["type"] == "not_found_error"
    with pytest.raises(anthropic.BadRequestError):
        client.messages.count_tokens(model=CHAT_MODEL, messages=[{"role": "robot", "content": "hi"}])
