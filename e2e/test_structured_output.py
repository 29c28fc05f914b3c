"""Structured output through the official `openai` Python SDK (unmodified), against the real server and the default
chat model: `response_format` json_schema and json_object on the decode engine, constrained by llguidance."""
import json

import openai
import pydantic
import pytest

from conftest import CHAT_MODEL


class Pet(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    name: str = pydantic.Field(max_length=20)
    age: int
    indoor: bool


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0, timeout=120)


def test_sdk_parse_with_a_pydantic_model(client):
    completion = client.chat.completions.parse(
        model=CHAT_MODEL, max_tokens=80, temperature=0, response_format=Pet,
        messages=[{"role": "user", "content": "Tom is a 3 year old cat who lives indoors. Describe him."}])
    choice = completion.choices[0]
    assert choice.finish_reason == "stop", choice.message.content
    pet = choice.message.parsed
    assert isinstance(pet, Pet), choice.message.content
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0


def test_ten_json_schema_requests_give_ten_valid_documents(client):
    schema = Pet.model_json_schema()
    topics = ["a dog", "a parrot", "a goldfish", "a hamster", "a horse", "a rabbit", "a turtle", "a snake",
              "a cat", "a ferret"]
    for index, topic in enumerate(topics):
        response = client.chat.completions.create(
            model=CHAT_MODEL, max_tokens=80, temperature=0.8, seed=index,
            messages=[{"role": "user", "content": f"Invent {topic} and describe it."}],
            response_format={"type": "json_schema",
                             "json_schema": {"name": "pet", "strict": True, "schema": schema}})
        text = response.choices[0].message.content
        Pet.model_validate_json(text)


def test_streamed_json_object_reassembles_to_json(client):
    stream = client.chat.completions.create(
        model=CHAT_MODEL, max_tokens=60, temperature=0, stream=True,
        response_format={"type": "json_object"},
        messages=[{"role": "user", "content": "Give the capital of France as a JSON object with the key capital."}])
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert json.loads(text) == {"capital": "Paris"}


def test_a_schema_the_grammar_cannot_compile_is_a_400_naming_the_keywords(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(
            model=CHAT_MODEL, max_tokens=8, messages=[{"role": "user", "content": "hi"}],
            response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {
                "type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}}}})
    error = caught.value.body
    assert error["param"] == "response_format" and error["code"] == "invalid_value"
    assert "if" in error["message"] and "then" in error["message"]
