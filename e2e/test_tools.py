"""Tool calling through the official `openai` Python SDK and LangChain (both unmodified), against the real server
and the default chat model: calls held to their schemas by the grammar, OpenAI's response and stream shapes,
conversations with tool results, and refusals."""
import json

import jsonschema
import openai
import pydantic
import pytest

from conftest import CHAT_MODEL

WEATHER = {
    "type": "function",
    "function": {
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
    },
}
CONVERT = {
    "type": "function",
    "function": {
        "name": "convert_currency",
        "description": "Convert an amount of money",
        "parameters": {
            "type": "object",
            "properties": {
                # Bounded, as every field here: the 135M model can otherwise write digits until max_tokens.
                "amount": {"type": "integer", "minimum": 0, "maximum": 1000000},
                "from": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "to": {"type": "string", "pattern": "^[A-Z]{3}$"},
            },
            "required": ["amount", "from", "to"],
            "additionalProperties": False,
        },
    },
}
SCHEMAS = {tool["function"]["name"]: tool["function"]["parameters"] for tool in (WEATHER, CONVERT)}
PROMPTS = [
    "What's the weather in Paris?", "Is it raining in Tokyo?", "How hot is it in Cairo right now?",
    "Convert 100 dollars to euros.", "How many yen is 50 GBP?", "Weather in Oslo in fahrenheit please.",
    "Should I take an umbrella in London?", "Change 20 EUR into CHF.", "What's it like outside in Lima?",
    "Temperature in Sydney?", "I have 7.5 USD, how much is that in JPY?", "Is it snowing in Montreal?",
    "Tell me a joke.", "Write a haiku about the sea.", "What is 2 + 2?", "Weather for Nairobi.",
    "Convert 3 BTC to USD.", "How warm is Rome today?", "Exchange 1000 INR to USD.", "Hello!",
]


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0, timeout=120)


def validate(call):
    assert call.type == "function"
    assert call.id.startswith("call_") and len(call.id) > 10
    arguments = json.loads(call.function.arguments)
    jsonschema.validate(arguments, SCHEMAS[call.function.name])
    return arguments


def test_required_gives_twenty_valid_calls_for_twenty_prompts(client):
    ids = set()
    for index, prompt in enumerate(PROMPTS):
        response = client.chat.completions.create(
            model=CHAT_MODEL, max_tokens=200, temperature=0.7, seed=index, tools=[WEATHER, CONVERT],
            tool_choice="required", parallel_tool_calls=False, messages=[{"role": "user", "content": prompt}])
        choice = response.choices[0]
        assert choice.finish_reason == "tool_calls", choice
        assert choice.message.content is None
        assert len(choice.message.tool_calls) == 1
        validate(choice.message.tool_calls[0])
        ids.add(choice.message.tool_calls[0].id)
    assert len(ids) == len(PROMPTS)


def test_a_named_function_is_always_the_one_called(client):
    for index, prompt in enumerate(PROMPTS[:5]):
        response = client.chat.completions.create(
            model=CHAT_MODEL, max_tokens=200, temperature=0.7, seed=index, tools=[WEATHER, CONVERT],
            tool_choice={"type": "function", "function": {"name": "convert_currency"}},
            messages=[{"role": "user", "content": prompt}])
        calls = response.choices[0].message.tool_calls
        assert calls, response
        assert all(call.function.name == "convert_currency" for call in calls)
        validate(calls[0])


def test_none_never_calls(client):
    for index, prompt in enumerate(PROMPTS[:6]):
        response = client.chat.completions.create(
            model=CHAT_MODEL, max_tokens=40, temperature=0.7, seed=index, tools=[WEATHER, CONVERT],
            tool_choice="none", messages=[{"role": "user", "content": prompt}])
        choice = response.choices[0]
        assert choice.message.tool_calls is None
        assert choice.finish_reason in ("stop", "length")
        assert isinstance(choice.message.content, str)


def test_auto_gives_text_or_valid_calls_never_markup(client):
    for index, prompt in enumerate(PROMPTS[:8]):
        response = client.chat.completions.create(
            model=CHAT_MODEL, max_tokens=200, temperature=0.7, seed=index, tools=[WEATHER, CONVERT],
            messages=[{"role": "user", "content": prompt}])
        choice = response.choices[0]
        if choice.message.tool_calls:
            assert choice.finish_reason in ("tool_calls", "length")
            if choice.finish_reason == "tool_calls":
                for call in choice.message.tool_calls:
                    validate(call)
        else:
            assert "<tool_call>" not in (choice.message.content or "")


def test_streamed_calls_have_openais_delta_shape_and_reassemble(client):
    stream = client.chat.completions.create(
        model=CHAT_MODEL, max_tokens=200, temperature=0, tools=[WEATHER], tool_choice="required",
        parallel_tool_calls=False, stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "What's the weather in Berlin?"}])
    chunks = list(stream)
    deltas = [chunk.choices[0].delta for chunk in chunks if chunk.choices]
    assert deltas[0].role == "assistant"
    call_deltas = [delta.tool_calls[0] for delta in deltas if delta.tool_calls]
    first, rest = call_deltas[0], call_deltas[1:]
    assert first.index == 0 and first.id.startswith("call_") and first.type == "function"
    assert first.function.name == "get_weather" and first.function.arguments == ""
    assert rest and all(d.id is None and d.type is None and d.function.name is None for d in rest)
    assert all(not delta.content for delta in deltas), "no call markup leaks as content"
    arguments = "".join(d.function.arguments for d in rest)
    jsonschema.validate(json.loads(arguments), SCHEMAS["get_weather"])
    finishes = [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices and chunk.choices[0].finish_reason]
    assert finishes == ["tool_calls"]
    assert chunks[-1].usage.completion_tokens > 0

    # The SDK's own stream helper reassembles the same call.
    with client.chat.completions.stream(
            model=CHAT_MODEL, max_tokens=200, temperature=0, tools=[WEATHER], tool_choice="required",
            parallel_tool_calls=False,
            messages=[{"role": "user", "content": "What's the weather in Berlin?"}]) as helper:
        final = helper.get_final_completion()
    call = final.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == json.loads(arguments)


class Lookup(pydantic.BaseModel):
    """Look up a word in the dictionary."""
    model_config = pydantic.ConfigDict(extra="forbid")
    word: str = pydantic.Field(max_length=30)
    language: str = pydantic.Field(max_length=20)


def test_sdk_parse_with_a_pydantic_function_tool(client):
    completion = client.chat.completions.parse(
        model=CHAT_MODEL, max_tokens=120, temperature=0, tools=[openai.pydantic_function_tool(Lookup)],
        tool_choice="required", parallel_tool_calls=False,
        messages=[{"role": "user", "content": "What does 'Fernweh' mean in German?"}])
    call = completion.choices[0].message.tool_calls[0]
    assert call.function.name == "Lookup"
    assert isinstance(call.function.parsed_arguments, Lookup)


def test_a_conversation_with_a_tool_result_renders_and_counts_its_tokens(client):
    first = client.chat.completions.create(
        model=CHAT_MODEL, max_tokens=200, temperature=0, tools=[WEATHER], tool_choice="required",
        parallel_tool_calls=False, messages=[{"role": "user", "content": "Weather in Madrid?"}])
    call = first.choices[0].message.tool_calls[0]
    messages = [
        {"role": "user", "content": "Weather in Madrid?"},
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "31 degrees and sunny"},
    ]
    second = client.chat.completions.create(model=CHAT_MODEL, max_tokens=40, temperature=0, tools=[WEATHER],
                                            tool_choice="none", messages=messages)
    assert second.choices[0].message.tool_calls is None
    assert second.choices[0].message.content
    # The result is part of the prompt: a different result is a different prompt of a different length.
    messages[2]["content"] = "31 degrees and sunny, with a light breeze from the west in the afternoon"
    third = client.chat.completions.create(model=CHAT_MODEL, max_tokens=1, temperature=0, tools=[WEATHER],
                                           tool_choice="none", messages=messages)
    assert third.usage.prompt_tokens > second.usage.prompt_tokens


def test_two_choices_each_carry_their_own_calls(client):
    response = client.chat.completions.create(
        model=CHAT_MODEL, max_tokens=200, temperature=0.9, seed=3, n=2, tools=[WEATHER], tool_choice="required",
        parallel_tool_calls=False, messages=[{"role": "user", "content": "Weather in Vienna?"}])
    assert len(response.choices) == 2
    ids = [choice.message.tool_calls[0].id for choice in response.choices]
    assert ids[0] != ids[1]
    for choice in response.choices:
        validate(choice.message.tool_calls[0])


@pytest.mark.parametrize("extra, param", [
    ({"tools": [{"type": "function", "function": {"name": "bad name"}}]}, "tools[0].function.name"),
    ({"tools": [WEATHER], "tool_choice": {"type": "function", "function": {"name": "nope"}}}, "tool_choice"),
    ({"tool_choice": "required"}, "tool_choice"),
    ({"tools": [WEATHER, WEATHER]}, "tools[1].function.name"),
    ({"tools": [WEATHER], "response_format": {"type": "json_object"}}, "response_format"),
    ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object",
                                                                             "properties": {"a": {"type": "bogus"}}}}}],
      "tool_choice": "required"}, "tools"),
])
def test_bad_tools_are_400s_naming_the_field(client, extra, param):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=CHAT_MODEL, max_tokens=5,
                                       messages=[{"role": "user", "content": "hi"}], **extra)
    assert caught.value.body["param"] == param, caught.value.body


def test_langchain_bind_tools_and_structured_output(server):
    from langchain_core.tools import tool
    from langchain_openai import ChatOpenAI

    @tool
    def get_population(city: str) -> int:
        """Return the population of a city."""
        return 0

    model = ChatOpenAI(model=CHAT_MODEL, base_url=server.url + "/v1", api_key="unused", temperature=0,
                       max_tokens=150, max_retries=0)
    message = model.bind_tools([get_population], tool_choice="required").invoke("How many people live in Lyon?")
    assert len(message.tool_calls) >= 1
    assert message.tool_calls[0]["name"] == "get_population"
    assert isinstance(message.tool_calls[0]["args"]["city"], str)

    class Capital(pydantic.BaseModel):
        """A country's capital."""
        country: str = pydantic.Field(max_length=30)
        capital: str = pydantic.Field(max_length=30)

    for method in ("json_schema", "function_calling"):
        result = model.with_structured_output(Capital, method=method).invoke("What is the capital of Italy?")
        assert isinstance(result, Capital), method
