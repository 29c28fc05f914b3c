"""Execution providers beyond the default build. A second real execution provider: the OpenVINO build of ONNX
Runtime (PyPI `onnxruntime-openvino`, unpacked by scripts/setup into .runtime/openvino) serving both default models through the same binary, against the default
CPU build as the reference: embeddings within cosine 0.99, greedy chat that is text with exact usage, and the
fallback to the next provider, with its reason, when OpenVINO is asked for a device this machine lacks. Also ONNX
Runtime's device discovery, a plugin library that is not a provider, and ONNX Runtime 1.20.1 (.runtime/ort-old),
too old for discovery, still serving."""
import json
import math
import os
import subprocess
import urllib.error
import urllib.request

import pytest

from conftest import BINARY, CHAT_MODEL, EMBEDDING_MODEL, ROOT, Server

OPENVINO_ORT = os.path.join(ROOT, ".runtime", "openvino", "libonnxruntime.so")
TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "OpenVINO runs ONNX models on Intel CPUs, GPUs and NPUs.",
    "naïve café, 日本語, and an emoji 😀",
    "A much longer sentence that keeps going for a while so that the attention has more than a handful of "
    "positions to work on, with numbers 12345 and punctuation!",
]
CHATS = ["Say hello.", "What is the capital of France?", "Count from one to five."]


def post(server, path, body):
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def listed(server):
    with urllib.request.urlopen(server.url + "/v1/models", timeout=30) as response:
        return {m["id"]: m for m in json.loads(response.read())["data"]}


def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


@pytest.fixture(scope="module")
def openvino():
    if not os.path.exists(OPENVINO_ORT):
        pytest.fail(f"{OPENVINO_ORT} is missing: run scripts/setup (without SETUP_OPENVINO=0)")
    s = Server("--providers", "openvino,cpu", env={"AIGW_ORT_LIBRARY": OPENVINO_ORT}, startup_timeout=240)
    yield s
    assert s.stop() == 0, s.output()


@pytest.fixture(scope="module")
def cpu():
    s = Server("--providers", "cpu")
    yield s
    assert s.stop() == 0, s.output()


def test_the_openvino_build_is_the_runtime_and_offers_the_provider(openvino):
    with urllib.request.urlopen(openvino.url + "/health", timeout=30) as response:
        health = json.loads(response.read())
    assert health["onnxruntime"]["version"] == "1.24.1"
    assert "OpenVINOExecutionProvider" in health["providers"]


def test_embeddings_on_openvino_match_the_cpu_provider(openvino, cpu):
    status, headers, on_openvino = post(openvino, "/v1/embeddings", {"model": EMBEDDING_MODEL, "input": TEXTS})
    assert status == 200, on_openvino
    assert headers["X-Execution-Provider"] == "OpenVINOExecutionProvider"
    status, headers, on_cpu = post(cpu, "/v1/embeddings", {"model": EMBEDDING_MODEL, "input": TEXTS})
    assert status == 200 and headers["X-Execution-Provider"] == "CPUExecutionProvider"
    for a, b in zip(on_openvino["data"], on_cpu["data"]):
        assert cosine(a["embedding"], b["embedding"]) >= 0.99
    assert on_openvino["usage"] == on_cpu["usage"]
    assert listed(openvino)[EMBEDDING_MODEL]["provider"] == "OpenVINOExecutionProvider"


@pytest.mark.parametrize("content", CHATS)
def test_greedy_chat_on_openvino_is_text_with_exact_usage(openvino, cpu, content):
    body = {"model": CHAT_MODEL, "max_tokens": 16, "temperature": 0,
            "messages": [{"role": "user", "content": content}]}
    status, headers, answer = post(openvino, "/v1/chat/completions", body)
    assert status == 200, answer
    assert headers["X-Execution-Provider"] == "OpenVINOExecutionProvider"
    text = answer["choices"][0]["message"]["content"]
    assert text.strip() and "\ufffd" not in text
    status, _, reference = post(cpu, "/v1/chat/completions", body)
    # The same tokenizer and template: the prompt counts agree exactly; the output may differ (other kernels).
    assert answer["usage"]["prompt_tokens"] == reference["usage"]["prompt_tokens"]
    usage = answer["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    finish = answer["choices"][0]["finish_reason"]
    assert (finish == "length" and usage["completion_tokens"] == 16) or (finish == "stop" and usage["completion_tokens"] < 16)
    assert listed(openvino)[CHAT_MODEL]["provider"] == "OpenVINOExecutionProvider"


def test_a_device_openvino_lacks_falls_back_to_the_next_provider_with_the_reason():
    server = Server("--providers", "openvino,cpu", "--provider-option", "openvino.device_type=NPU",
                    env={"AIGW_ORT_LIBRARY": OPENVINO_ORT}, startup_timeout=240)
    try:
        status, headers, _ = post(server, "/v1/embeddings", {"model": EMBEDDING_MODEL, "input": "hello"})
        assert status == 200 and headers["X-Execution-Provider"] == "CPUExecutionProvider"
        status, headers, _ = post(server, "/v1/chat/completions", {
            "model": CHAT_MODEL, "max_tokens": 4, "messages": [{"role": "user", "content": "hi"}]})
        assert status == 200 and headers["X-Execution-Provider"] == "CPUExecutionProvider"
        for model in listed(server).values():
            assert model["provider"] == "CPUExecutionProvider"
            assert [s["provider"] for s in model["provider_skipped"]] == ["openvino"]
            assert model["provider_skipped"][0]["reason"]
            assert model["provider_options"] == {"openvino": {"device_type": "NPU"}}
    finally:
        assert server.stop() == 0


def health(server):
    with urllib.request.urlopen(server.url + "/health", timeout=30) as response:
        return json.loads(response.read())


def test_device_discovery_lists_the_cpu_device_on_both_builds(openvino, cpu):
    for server in (openvino, cpu):
        report = health(server)
        assert "devices_error" not in report, report
        kinds = {(d["provider"], d["type"]) for d in report["devices"]}
        assert ("CPUExecutionProvider", "CPU") in kinds, report["devices"]
        assert report["provider_libraries"] == []


def test_a_plugin_library_that_is_not_a_provider_is_reported_and_the_rest_serve():
    bogus = os.path.join(ROOT, ".runtime", "lib", "libonnxruntime-genai.so")
    server = Server("--execution-provider-library", f"bogus={bogus}")
    try:
        [library] = health(server)["provider_libraries"]
        assert library["name"] == "bogus" and library["path"] == bogus
        assert library["registered"] is False
        assert "CreateEpFactories" in library["error"], library
        status, headers, _ = post(server, "/v1/embeddings", {"model": EMBEDDING_MODEL, "input": "still served"})
        assert status == 200 and headers["X-Execution-Provider"] == "CPUExecutionProvider"
    finally:
        assert server.stop() == 0


def test_an_onnx_runtime_too_old_for_discovery_still_serves_and_says_why():
    old = os.path.join(ROOT, ".runtime", "ort-old", "libonnxruntime.so")
    bogus = os.path.join(ROOT, ".runtime", "lib", "libonnxruntime-genai.so")
    server = Server("--execution-provider-library", f"bogus={bogus}", env={"AIGW_ORT_LIBRARY": old})
    try:
        report = health(server)
        assert report["onnxruntime"]["version"] == "1.20.1"
        assert report["devices"] == []
        assert "1.22" in report["devices_error"] and "1.20.1" in report["devices_error"]
        [library] = report["provider_libraries"]
        assert library["registered"] is False and "1.22" in library["error"]
        status, headers, body = post(server, "/v1/embeddings", {"model": EMBEDDING_MODEL, "input": "old but fine"})
        assert status == 200, body
        assert headers["X-Execution-Provider"] == "CPUExecutionProvider"
    finally:
        assert server.stop() == 0


def test_a_selection_policy_places_the_graph_and_says_where():
    # prefer_npu on a machine without an NPU: ONNX Runtime falls back to the CPU, and /v1/models says so, with the
    # nodes each provider got, for both kinds of model (the decode engine and the embedding session).
    server = Server("--provider-policy", "prefer_npu")
    try:
        status, headers, body = post(server, "/v1/embeddings", {"model": EMBEDDING_MODEL, "input": "placed"})
        assert status == 200, body
        assert headers["X-Execution-Provider"] == "CPUExecutionProvider"
        status, headers, body = post(server, "/v1/chat/completions", {
            "model": CHAT_MODEL, "max_tokens": 4, "temperature": 0,
            "messages": [{"role": "user", "content": "Say hello."}]})
        assert status == 200, body
        models = listed(server)
        for name in (EMBEDDING_MODEL, CHAT_MODEL):
            model = models[name]
            assert model["provider"] == "CPUExecutionProvider"
            assert model["provider_policy"] == "prefer_npu"
            note = model["provider_policy_note"]
            assert "no NPU device" in note and "nodes on CPUExecutionProvider" in note, note
    finally:
        assert server.stop() == 0


def test_a_selection_policy_on_an_onnx_runtime_too_old_falls_back_to_the_list():
    old = os.path.join(ROOT, ".runtime", "ort-old", "libonnxruntime.so")
    server = Server("--provider-policy", "prefer_gpu", "--providers", "cpu", env={"AIGW_ORT_LIBRARY": old})
    try:
        status, headers, body = post(server, "/v1/embeddings", {"model": EMBEDDING_MODEL, "input": "old but fine"})
        assert status == 200, body
        model = listed(server)[EMBEDDING_MODEL]
        assert model["provider"] == "CPUExecutionProvider" and model["provider_policy"] == "prefer_gpu"
        note = model["provider_policy_note"]
        assert "1.24" in note and "1.20.1" in note and "ordered list" in note, note
    finally:
        assert server.stop() == 0


def test_an_unknown_policy_is_refused_at_start():
    result = subprocess.run([BINARY, "serve", "--provider-policy", "fastest", "--port", "1"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "provider_policy" in result.stderr + result.stdout and "prefer_npu" in result.stderr + result.stdout


def test_chat_needs_no_onnxruntime_genai_when_the_decode_engine_serves():
    # onnxruntime-genai is only the decode engine's fallback: without it the default chat model still serves.
    server = Server(env={"AIGW_GENAI_LIBRARY": os.path.join(ROOT, ".runtime", "no-such-genai.so")})
    try:
        status, headers, body = post(server, "/v1/chat/completions", {
            "model": CHAT_MODEL, "max_tokens": 4, "temperature": 0,
            "messages": [{"role": "user", "content": "Say hello."}]})
        assert status == 200, body
        assert listed(server)[CHAT_MODEL]["engine"] == "ai-gateway"
        report = health(server)
        assert report["genai"]["available"] is False and report["genai"]["error"], report["genai"]
    finally:
        assert server.stop() == 0
