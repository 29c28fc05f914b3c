"""The committed OpenAPI document: valid OpenAPI 3.0, covering every route, and served unchanged at
`GET /openapi.json`."""
import json
import os
import urllib.request

from openapi_spec_validator import OpenAPIV30SpecValidator, validate

from conftest import ROOT

DOCUMENT = os.path.join(ROOT, "Sources", "GatewayServer", "Resources", "openapi.json")
ROUTES = {
    ("get", "/health"), ("get", "/metrics"), ("get", "/openapi.json"), ("get", "/v1/models"),
    ("get", "/v1/models/{id}"), ("post", "/v1/embeddings"), ("post", "/v1/chat/completions"),
    ("post", "/v1/completions"), ("post", "/v1/models/pull"), ("post", "/v1/models/{id}/load"),
    ("post", "/v1/models/{id}/unload"), ("post", "/tokenize"), ("post", "/detokenize"), ("post", "/v1/messages"),
    ("post", "/v1/messages/count_tokens"), ("post", "/v1/responses"), ("get", "/v1/responses/{id}"),
    ("delete", "/v1/responses/{id}"),
}
ERROR_STATUSES = {"400", "401", "404", "405", "413", "429", "503"}


def load_document():
    with open(DOCUMENT, encoding="utf-8") as f:
        return json.load(f)


def test_document_is_valid_openapi_3_0():
    document = load_document()
    assert document["openapi"].startswith("3.0.")
    validate(document, cls=OpenAPIV30SpecValidator)


def test_document_describes_every_route_and_its_errors():
    document = load_document()
    operations = {(method, path) for path, item in document["paths"].items() for method in item}
    assert operations == ROUTES
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "200" in responses, (method, path)
            assert "500" not in responses, (method, path)
            missing = ERROR_STATUSES - set(responses)
            assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"
            # Anthropic's routes answer errors in Anthropic's envelope.
            prefix = "AnthropicError" if path.startswith("/v1/messages") else "Error"
            for status in ERROR_STATUSES:
                assert responses[status] == {"$ref": f"#/components/responses/{prefix}{status}"}, (method, path, status)


def test_error_envelope_has_all_four_keys():
    error = load_document()["components"]["schemas"]["ErrorEnvelope"]["properties"]["error"]
    assert set(error["required"]) == {"message", "type", "param", "code"}
    assert error["properties"]["param"]["nullable"] is True
    assert error["properties"]["code"]["nullable"] is True


def test_request_bodies_refuse_unknown_fields():
    schemas = load_document()["components"]["schemas"]
    for name in ("EmbeddingRequest", "ChatCompletionRequest", "CompletionRequest", "AnthropicMessageRequest",
                 "AnthropicCountTokensRequest", "ResponseCreateRequest"):
        assert schemas[name]["additionalProperties"] is False, name


def test_served_document_equals_the_committed_file(server):
    with urllib.request.urlopen(server.url + "/openapi.json", timeout=10) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "application/json"
        served = json.loads(response.read())
    assert served == load_document()
