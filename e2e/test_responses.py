"""OpenAI's Responses API (`POST /v1/responses`, `GET` and `DELETE /v1/responses/{id}`) through the official `openai`
Python SDK (unmodified) against the real server and the default chat model: plain and streamed responses with exact
usage, function calls held to their schemas and a second turn with their outputs, `previous_response_id` chains,
structured output, the store (`store: false`, 404s, survival across a restart, a store that cannot open) and a
client that goes away mid-stream."""
import json
import os
import socket
import time

import jsonschema
import openai
import pydantic
import pytest

from conftest import CHAT_MODEL, Server

NO_EOS = {"logit_bias": {"2": -100}}  # bars end-of-sequence: the output runs to max_output_tokens
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather in a city",
    "parameters": {
        "type": "object",
        "properties": {
            "city": {"type": "string", "maxLength": 40},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["city", "unit"],
        "additionalProperties": False,
    },
    "strict": True,
}
TEXT_EVENTS = ["response.output_item.added", "response.content_part.added", "response.output_text.delta",
               "response.output_text.done", "response.content_part.done", "response.output_item.done"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("responses-data"))


@pytest.fixture(scope="module")
def server(data_dir):
    s = Server("--data-dir", data_dir)
    yield s
    code = s.stop()
    assert code == 0, f"server exited with {code}: {s.output()}"


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0, timeout=120)


def chat_prompt_tokens(client, messages):
    return client.chat.completions.create(model=CHAT_MODEL, max_tokens=1, messages=messages).usage.prompt_tokens


def test_a_plain_response_has_text_and_exact_usage(client):
    response = client.responses.create(model=CHAT_MODEL, input="Say hello to Ada.", max_output_tokens=30,
                                       temperature=0, metadata={"case": "plain"})
    assert response.object == "response" and response.id.startswith("resp_")
    assert response.status in ("completed", "incomplete")
    assert response.model == CHAT_MODEL and response.error is None
    assert response.output_text.strip()
    message = response.output[0]
    assert message.type == "message" and message.role == "assistant" and message.id.startswith("msg_")
    assert message.content[0].type == "output_text" and message.content[0].annotations == []
    usage = response.usage
    assert usage.input_tokens == chat_prompt_tokens(client, [{"role": "user", "content": "Say hello to Ada."}])
    assert 0 < usage.output_tokens <= 30
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
    assert usage.output_tokens_details.reasoning_tokens == 0
    assert response.metadata == {"case": "plain"} and response.store is True and response.temperature == 0
    assert response.max_output_tokens == 30 and response.tools == [] and response.tool_choice == "auto"


def test_instructions_are_a_system_message_first(client):
    response = client.responses.create(model=CHAT_MODEL, instructions="Answer in French.", input="Hello!",
                                       max_output_tokens=5, temperature=0)
    assert response.instructions == "Answer in French."
    expected = chat_prompt_tokens(client, [{"role": "system", "content": "Answer in French."},
                                           {"role": "user", "content": "Hello!"}])
    assert response.usage.input_tokens == expected


def test_a_cut_response_is_incomplete(client):
    response = client.responses.create(model=CHAT_MODEL, input="Write a long story about a lighthouse.",
                                       max_output_tokens=8, temperature=0, extra_body=NO_EOS)
    assert response.status == "incomplete"
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.usage.output_tokens == 8
    assert response.output[0].status == "incomplete"


def test_a_streamed_response_has_openais_events_in_order(client):
    stream = client.responses.create(model=CHAT_MODEL, input="Write a long story about a lighthouse.",
                                     max_output_tokens=24, temperature=0, stream=True, extra_body=NO_EOS)
    events = list(stream)
    types = [event.type for event in events]
    assert types[:2] == ["response.created", "response.in_progress"]
    assert types[-1] == "response.incomplete"
    middle = types[2:-1]
    deltas = middle.count("response.output_text.delta")
    assert deltas >= 2
    assert middle == TEXT_EVENTS[:2] + ["response.output_text.delta"] * deltas + TEXT_EVENTS[3:]
    assert [event.sequence_number for event in events] == list(range(len(events)))
    created = events[0].response
    assert created.status == "in_progress" and created.output == [] and created.usage is None
    text = "".join(event.delta for event in events if event.type == "response.output_text.delta")
    done = next(event for event in events if event.type == "response.output_text.done")
    final = events[-1].response
    assert text == done.text == final.output_text and text
    assert final.id == created.id and final.usage.output_tokens == 24
    item_ids = {getattr(event, "item_id", None) for event in events} - {None}
    assert item_ids == {final.output[0].id}


def test_the_sdk_stream_helper_gives_the_final_response(client):
    with client.responses.stream(model=CHAT_MODEL, input="Say hi.", max_output_tokens=200,
                                 temperature=0) as stream:
        texts = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(texts) == final.output_text
    assert final.status == "completed" and final.completed_at >= final.created_at
    assert final.usage.input_tokens == chat_prompt_tokens(client, [{"role": "user", "content": "Say hi."}])


def test_a_required_tool_gives_a_valid_function_call(client):
    response = client.responses.create(model=CHAT_MODEL, input="What's the weather in Paris?", tools=[WEATHER],
                                       tool_choice="required", parallel_tool_calls=False, max_output_tokens=200,
                                       temperature=0)
    assert response.status == "completed"
    calls = [item for item in response.output if item.type == "function_call"]
    assert len(calls) == 1 and len(response.output) == 1
    call = calls[0]
    assert call.name == "get_weather" and call.status == "completed"
    assert call.call_id.startswith("call_") and call.id.startswith("fc_")
    jsonschema.validate(json.loads(call.arguments), WEATHER["parameters"])
    assert response.output_text == ""
    assert response.tools[0].name == "get_weather" and response.tool_choice == "required"
    assert response.parallel_tool_calls is False


def test_a_named_function_streams_its_arguments(client):
    stream = client.responses.create(model=CHAT_MODEL, input="Is it raining in Tokyo?", tools=[WEATHER],
                                     tool_choice={"type": "function", "name": "get_weather"}, parallel_tool_calls=False,
                                     max_output_tokens=200, temperature=0, stream=True)
    events = list(stream)
    types = [event.type for event in events]
    assert types[-1] == "response.completed"
    added = [event for event in events if event.type == "response.output_item.added"]
    assert added and all(event.item.type == "function_call" for event in added)
    assert added[0].item.arguments == "" and added[0].item.status == "in_progress"
    deltas = "".join(event.delta for event in events
                     if event.type == "response.function_call_arguments.delta" and event.output_index == 0)
    done = next(event for event in events if event.type == "response.function_call_arguments.done")
    assert deltas == done.arguments
    jsonschema.validate(json.loads(done.arguments), WEATHER["parameters"])
    final = events[-1].response
    assert final.output[0].arguments == done.arguments and final.output[0].call_id == added[0].item.call_id
    assert "response.output_text.delta" not in types, "no call markup leaks as text"


def test_a_second_turn_with_the_function_output(client):
    first_input = [{"role": "user", "content": "What's the weather in Madrid?"}]
    first = client.responses.create(model=CHAT_MODEL, input=first_input, tools=[WEATHER], tool_choice="required",
                                    parallel_tool_calls=False, max_output_tokens=200, temperature=0, store=False)
    call = first.output[0]
    assert call.type == "function_call"
    # As OpenAI's guide does it: the output items go back in as input, then the function's result.
    second_input = first_input + first.output + [
        {"type": "function_call_output", "call_id": call.call_id, "output": "31 degrees and sunny"}]
    second = client.responses.create(model=CHAT_MODEL, input=second_input, tools=[WEATHER], tool_choice="none",
                                     max_output_tokens=40, temperature=0, store=False)
    assert second.output[0].type == "message" and second.output_text
    # The same conversation through chat completions counts the same tokens.
    messages = [first_input[0],
                {"role": "assistant", "content": None,
                 "tool_calls": [{"id": call.call_id, "type": "function",
                                 "function": {"name": call.name, "arguments": call.arguments}}]},
                {"role": "tool", "tool_call_id": call.call_id, "content": "31 degrees and sunny"}]
    chat = client.chat.completions.create(model=CHAT_MODEL, max_tokens=1, messages=messages,
                                          tools=[{"type": "function", "function": {
                                              key: WEATHER[key] for key in ("name", "description", "parameters")}}],
                                          tool_choice="none")
    assert second.usage.input_tokens == chat.usage.prompt_tokens
    # The result is part of the prompt: a longer result is a longer prompt.
    second_input[-1]["output"] = "31 degrees and sunny, with a light breeze from the west in the afternoon"
    third = client.responses.create(model=CHAT_MODEL, input=second_input, tools=[WEATHER], tool_choice="none",
                                    max_output_tokens=1, store=False)
    assert third.usage.input_tokens > second.usage.input_tokens


def test_previous_response_id_continues_the_conversation(client):
    first = client.responses.create(model=CHAT_MODEL, input="My name is Ada.", max_output_tokens=20, temperature=0)
    second = client.responses.create(model=CHAT_MODEL, input="What is my name?", previous_response_id=first.id,
                                     max_output_tokens=20, temperature=0)
    assert second.previous_response_id == first.id
    assert second.usage.input_tokens > first.usage.input_tokens
    expected = chat_prompt_tokens(client, [{"role": "user", "content": "My name is Ada."},
                                           {"role": "assistant", "content": first.output_text},
                                           {"role": "user", "content": "What is my name?"}])
    assert second.usage.input_tokens == expected
    # The chain goes on, and instructions are not carried over.
    third = client.responses.create(model=CHAT_MODEL, input="Thanks.", previous_response_id=second.id,
                                    instructions="Be brief.", max_output_tokens=5, temperature=0)
    fourth = client.responses.create(model=CHAT_MODEL, input="Bye.", previous_response_id=third.id,
                                     max_output_tokens=5, temperature=0)
    assert third.instructions == "Be brief." and fourth.instructions is None
    assert fourth.usage.input_tokens > third.usage.input_tokens - len("Be brief.")


def test_a_json_schema_format_gives_a_parsable_document(client):
    schema = {"type": "object", "properties": {"city": {"type": "string", "maxLength": 30},
                                               "population": {"type": "integer", "minimum": 0, "maximum": 10**8}},
              "required": ["city", "population"], "additionalProperties": False}
    response = client.responses.create(
        model=CHAT_MODEL, input="Give the largest city of France and its population as JSON.", temperature=0,
        max_output_tokens=80, text={"format": {"type": "json_schema", "name": "city", "schema": schema,
                                               "strict": True}})
    document = json.loads(response.output_text)
    jsonschema.validate(document, schema)
    assert response.text.format.type == "json_schema" and response.text.format.name == "city"

    class Capital(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="forbid")
        country: str = pydantic.Field(max_length=30)
        capital: str = pydantic.Field(max_length=30)

    parsed = client.responses.parse(model=CHAT_MODEL, input="What is the capital of Italy?", text_format=Capital,
                                    temperature=0, max_output_tokens=60)
    assert isinstance(parsed.output_parsed, Capital)


def test_get_and_delete_a_stored_response(client):
    created = client.responses.create(model=CHAT_MODEL, input="Say hi.", max_output_tokens=8, temperature=0,
                                      metadata={"k": "v"})
    fetched = client.responses.retrieve(created.id)
    assert fetched.model_dump() == created.model_dump()
    deleted = client.responses.with_raw_response.delete(created.id)
    assert json.loads(deleted.text) == {"id": created.id, "object": "response.deleted", "deleted": True}
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.delete(created.id)
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.create(model=CHAT_MODEL, input="x", previous_response_id=created.id)
    assert caught.value.body["param"] == "previous_response_id"
    assert caught.value.body["code"] == "previous_response_not_found"
    assert created.id in caught.value.body["message"]
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve("resp_" + "0" * 48)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve("not-a-response-id")


def test_store_false_is_not_retrievable(client):
    response = client.responses.create(model=CHAT_MODEL, input="Say hi.", max_output_tokens=4, store=False)
    assert response.store is False
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(response.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.create(model=CHAT_MODEL, input="x", previous_response_id=response.id)


@pytest.mark.parametrize("extra, param", [
    ({"tools": [{"type": "web_search"}]}, "tools[0].type"),
    ({"tools": [WEATHER], "tool_choice": {"type": "function", "name": "nope"}}, "tool_choice"),
    ({"tools": [WEATHER], "text": {"format": {"type": "json_object"}}}, "text.format"),
    ({"reasoning": {"effort": "high"}}, "reasoning"),
    ({"include": ["message.output_text.logprobs"]}, "include"),
    ({"truncation": "auto"}, "truncation"),
    ({"previous_response_id": "nope"}, "previous_response_id"),
    ({"max_output_tokens": 0}, "max_output_tokens"),
    ({"metadata": {str(i): "v" for i in range(17)}}, "metadata"),
    ({"extra_body": {"frobnicate": True}}, "frobnicate"),
    ({"input": [{"role": "user", "content": [{"type": "input_image", "image_url": "http://x"}]}]},
     "input[0].content[0].type"),
])
def test_refusals_are_400s_naming_the_field(client, extra, param):
    arguments = {"model": CHAT_MODEL, "input": "hi", "max_output_tokens": 4, **extra}
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(**arguments)
    assert caught.value.body["param"] == param, caught.value.body


def test_a_prompt_beyond_the_context_is_a_400_naming_input(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model=CHAT_MODEL, input="word " * 20000)
    assert caught.value.body["param"] == "input" and caught.value.body["code"] == "context_length_exceeded"
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model=CHAT_MODEL, input="hi", max_output_tokens=10**9)
    assert caught.value.body["param"] == "max_output_tokens"


def test_a_client_that_goes_away_stops_the_generation(server):
    body = json.dumps({"model": CHAT_MODEL, "stream": True, "max_output_tokens": 2000, "temperature": 0.8,
                       "input": "Write a very long story about a lighthouse keeper.", **NO_EOS}).encode()
    s = socket.create_connection(("127.0.0.1", server.port), timeout=120)
    s.sendall(b"POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    received = b""
    while received.count(b"response.output_text.delta") < 6:
        chunk = s.recv(65536)
        assert chunk, received
        received += chunk
    assert server.health()[1]["active_generations"] >= 1
    s.close()
    deadline = time.time() + 10
    while server.health()[1]["active_generations"] != 0 and time.time() < deadline:
        time.sleep(0.1)
    assert server.health()[1]["active_generations"] == 0


def test_stored_responses_survive_a_restart(tmp_path):
    data_dir = str(tmp_path / "data")
    first = Server("--data-dir", data_dir)
    try:
        client = openai.OpenAI(base_url=first.url + "/v1", api_key="unused", max_retries=0, timeout=120)
        created = client.responses.create(model=CHAT_MODEL, input="My name is Ada.", max_output_tokens=10,
                                          temperature=0)
    finally:
        assert first.stop() == 0, first.output()
    assert os.path.exists(os.path.join(data_dir, "responses.sqlite"))
    second = Server("--data-dir", data_dir)
    try:
        client = openai.OpenAI(base_url=second.url + "/v1", api_key="unused", max_retries=0, timeout=120)
        assert client.responses.retrieve(created.id).model_dump() == created.model_dump()
        follow = client.responses.create(model=CHAT_MODEL, input="What is my name?", previous_response_id=created.id,
                                         max_output_tokens=5, temperature=0)
        assert follow.usage.input_tokens > created.usage.input_tokens
    finally:
        assert second.stop() == 0, second.output()


def test_a_store_that_cannot_open_refuses_only_what_needs_it(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    server = Server("--data-dir", str(blocker))
    try:
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0, timeout=120)
        with pytest.raises(openai.InternalServerError) as caught:
            client.responses.create(model=CHAT_MODEL, input="hi", max_output_tokens=4)
        assert caught.value.status_code == 503
        assert caught.value.body["code"] == "store_unavailable" and caught.value.body["param"] == "store"
        response = client.responses.create(model=CHAT_MODEL, input="hi", max_output_tokens=4, store=False)
        assert response.output_text is not None and response.store is False
        with pytest.raises(openai.InternalServerError):
            client.responses.retrieve("resp_" + "0" * 48)
        chat = client.chat.completions.create(model=CHAT_MODEL, max_tokens=2,
                                              messages=[{"role": "user", "content": "hi"}])
        assert chat.choices[0].message.content is not None
    finally:
        assert server.stop() == 0, server.output()
    assert "response store unavailable" in server.output()
