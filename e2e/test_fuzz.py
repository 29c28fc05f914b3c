"""Schemathesis against a live server: every operation of the document the server serves at `GET /openapi.json`,
with valid and invalid data, must answer without a 5xx, with a documented status, a documented content type and
a body matching the documented schema; invalid data must be refused. Afterwards the server is still healthy.

The run is bounded (MAX_EXAMPLES per operation, `--max-tokens-limit 8`) and derandomized, so it is repeatable."""
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.config import HealthCheck

from fakehub import FakeHub
from conftest import CHAT_MODEL, EMBEDDING_MODEL, Server

MAX_EXAMPLES = 40
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
]
MAX_TOKENS_LIMIT = 8
# The document types `model` as any string and `max_tokens` up to 2^63-1 (the limit is the server's setting); valid
# cases are aimed at the served models, and in the fuzzing phase at token budgets under the limit, so that they
# reach the engines instead of stopping at a 404 or a 400. The coverage phase keeps its boundary values.
SERVED_MODELS = {
    "/v1/embeddings": EMBEDDING_MODEL,
    "/v1/chat/completions": CHAT_MODEL,
    "/v1/completions": CHAT_MODEL,
    "/tokenize": CHAT_MODEL,
    "/detokenize": CHAT_MODEL,
    "/v1/messages": CHAT_MODEL,
    "/v1/messages/count_tokens": CHAT_MODEL,
    "/v1/responses": CHAT_MODEL,
}
TOKEN_BUDGETS = ("max_tokens", "max_completion_tokens", "max_output_tokens")


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    # Pulls go to an empty fake Hub on loopback: the fuzzer exercises their validation and errors (404 from the
    # Hub), never the network, and never adds a model folder. Stored responses go to a folder of the run's own.
    hub = FakeHub().start()
    server = Server("--max-tokens-limit", str(MAX_TOKENS_LIMIT), "--request-timeout-seconds", "30",
                    "--data-dir", str(tmp_path_factory.mktemp("fuzz-data")),
                    env={"HF_ENDPOINT": hub.url, "HF_TOKEN": ""})
    yield server
    hub.stop()
    code = server.stop()
    assert code == 0, f"server exited with {code}: {server.output()}"


@pytest.fixture(scope="module")
def served_schema(fuzz_server):
    schema = schemathesis.openapi.from_url(fuzz_server.url + "/openapi.json", timeout=10)
    schema.config.update(
        base_url=fuzz_server.url,
        request_timeout=60,
        suppress_health_check=[HealthCheck.all],
    )
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=MAX_EXAMPLES,
        deterministic=True,
        database="none",
    )
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    schema.config.checks.update(included_check_names=CHECKS)
    # Failures print their request as curl; show `max_tokens` and the like as sent, not as "[Filtered]".
    schema.config.output.sanitization.update(enabled=False)
    return schema


schema = schemathesis.pytest.from_fixture("served_schema")


def aim_at_engines(case):
    model = SERVED_MODELS.get(case.operation.path)
    meta = case.meta
    if model is None or meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return
    body = case.body
    if not isinstance(body, dict) or not isinstance(body.get("model"), str):
        return
    body["model"] = model
    if meta.phase.name == "fuzzing":
        for name in TOKEN_BUDGETS:
            value = body.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_TOKENS_LIMIT:
                body[name] = 1 + value % MAX_TOKENS_LIMIT


# The Responses API's operations run as their own test, so that `-k responses` runs them alone.
RESPONSES_PATHS = "^/v1/responses"


@schema.exclude(path_regex=RESPONSES_PATHS).parametrize()
def test_operation_conforms(case):
    aim_at_engines(case)
    case.call_and_validate()


@schema.include(path_regex=RESPONSES_PATHS).parametrize()
def test_responses_operation_conforms(case):
    aim_at_engines(case)
    case.call_and_validate()


def test_server_is_healthy_after_fuzzing(fuzz_server):
    assert fuzz_server.alive(), fuzz_server.output()
    status, body = fuzz_server.health()
    assert status == 200
    assert body["status"] == "ok"
