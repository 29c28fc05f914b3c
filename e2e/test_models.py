"""Model lifecycle end to end, through the real server and the real default models: lazy load, keep-alive, eviction
under a memory budget, leases, load/unload (HTTP and CLI), per-model ai-gateway.yaml (id, aliases, context cap,
defaults, keep-alive), broken folders beside good ones, one load under concurrent first requests, and a failed load
retried after its back-off."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import BINARY, CHAT_MODEL, EMBEDDING_MODEL, ROOT, Server

MODELS = os.path.join(ROOT, "models")


def call(server, method, path, body=None, timeout=120):
    """(status, headers, JSON body or text) of one request."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status, headers = response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        raw = error.read()
        status, headers = error.code, dict(error.headers)
    try:
        return status, headers, json.loads(raw)
    except ValueError:
        return status, headers, raw.decode("utf-8", "replace")


def models(server):
    status, _, body = call(server, "GET", "/v1/models")
    assert status == 200, body
    return {m["id"]: m for m in body["data"]}


def embed(server, model=EMBEDDING_MODEL, **extra):
    return call(server, "POST", "/v1/embeddings", {"model": model, "input": "hello there", **extra})


def chat(server, model=CHAT_MODEL, max_tokens=4, **extra):
    return call(server, "POST", "/v1/chat/completions", {
        "model": model, "max_tokens": max_tokens, "temperature": 0,
        "messages": [{"role": "user", "content": "Say hello."}], **extra})


def wait_for(predicate, seconds=10, step=0.05):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def linked_copy(source, target):
    """A model folder whose files are symbolic links to `source`'s (no copy of the weights)."""
    os.makedirs(target)
    for name in os.listdir(source):
        if not name.startswith("."):
            os.symlink(os.path.join(source, name), os.path.join(target, name))


def open_stream(port, model, max_tokens):
    """Starts a streaming chat on a raw socket and returns it once the first content byte arrived."""
    body = json.dumps({"model": model, "stream": True, "max_tokens": max_tokens, "temperature": 0,
                       "logit_bias": {"2": -100},  # no end-of-sequence: the stream runs to max_tokens
                       "messages": [{"role": "user", "content": "Write a long story about a lighthouse."}]}).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    received = b""
    while b'"content"' not in received:
        chunk = s.recv(65536)
        assert chunk, received
        received += chunk
    return s, received


def read_all(s, received=b""):
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return received
        received += chunk
        if received.endswith(b"0\r\n\r\n"):
            return received


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    assert s.stop() == 0, s.output()


def test_models_load_on_first_use_and_report_their_state(server):
    listed = models(server)
    assert listed[EMBEDDING_MODEL]["status"] in ("available", "loaded")
    chat_model = listed[CHAT_MODEL]
    assert chat_model["kind"] == "chat"
    assert chat_model["context_length"] == 8192
    assert chat_model["estimated_bytes"] > 100 * 2**20
    assert chat_model["keep_alive"] == 300
    assert chat_model["aliases"] == []
    status, headers, body = embed(server)
    assert status == 200, body
    assert headers["X-Execution-Provider"] == "CPUExecutionProvider"
    loaded = models(server)[EMBEDDING_MODEL]
    assert loaded["status"] == "loaded"
    assert loaded["provider"] == "CPUExecutionProvider"
    assert loaded["resident_bytes"] >= 0
    assert loaded["active_requests"] == 0
    assert loaded["expires_at"] > time.time() + 200
    status, _, health = call(server, "GET", "/health")
    assert health["memory"]["budget_bytes"] > 0
    assert health["memory"]["models_bytes"] >= loaded["estimated_bytes"]


def test_keep_alive_zero_unloads_when_idle_and_minus_one_keeps(server):
    assert embed(server, keep_alive=0)[0] == 200
    assert wait_for(lambda: models(server)[EMBEDDING_MODEL]["status"] == "available", 5)
    assert embed(server, keep_alive=-1)[0] == 200
    model = models(server)[EMBEDDING_MODEL]
    assert model["status"] == "loaded" and model["keep_alive"] == -1 and "expires_at" not in model
    assert embed(server, keep_alive="10m")[0] == 200
    assert models(server)[EMBEDDING_MODEL]["keep_alive"] == 600


@pytest.mark.parametrize("value", ["forever", "5 parsecs", True, [], {}, 1e300, "nan"])
def test_bad_keep_alive_is_a_400_naming_it(server, value):
    for status, _, body in (embed(server, keep_alive=value), chat(server, keep_alive=value),
                            call(server, "POST", "/v1/completions",
                                 {"model": CHAT_MODEL, "prompt": "x", "keep_alive": value}),
                            call(server, "POST", f"/v1/models/{EMBEDDING_MODEL}/load", {"keep_alive": value})):
        assert status == 400, body
        assert body["error"]["param"] == "keep_alive"


def test_load_and_unload_endpoints(server):
    status, _, body = call(server, "POST", f"/v1/models/{CHAT_MODEL}/load", {"keep_alive": "2m"})
    assert status == 200, body
    assert body["status"] == "loaded" and body["keep_alive"] == 120 and body["provider"] == "CPUExecutionProvider"
    status, _, body = call(server, "POST", f"/v1/models/{CHAT_MODEL}/unload")
    assert status == 200, body
    assert body["status"] == "available"
    # An empty body is fine; unknown fields and unknown models are not.
    assert call(server, "POST", f"/v1/models/{CHAT_MODEL}/unload")[0] == 200
    status, _, body = call(server, "POST", f"/v1/models/{CHAT_MODEL}/unload", {"forse": True})
    assert status == 400 and "forse" in body["error"]["message"]
    status, _, body = call(server, "POST", "/v1/models/no-such-model/load")
    assert status == 404 and body["error"]["code"] == "model_not_found"
    status, _, body = call(server, "POST", f"/v1/models/{CHAT_MODEL}/unload", {"force": "yes"})
    assert status == 400 and body["error"]["param"] == "force"


def test_unload_refuses_while_a_request_uses_the_model_unless_forced(server):
    s, received = open_stream(server.port, CHAT_MODEL, 400)
    try:
        status, _, body = call(server, "POST", f"/v1/models/{CHAT_MODEL}/unload")
        assert status == 409, body
        assert body["error"]["code"] == "model_in_use"
        assert models(server)[CHAT_MODEL]["active_requests"] == 1
        status, _, body = call(server, "POST", f"/v1/models/{CHAT_MODEL}/unload", {"force": True})
        assert status == 200 and body["status"] == "available", body
        raw = read_all(s, received)
        assert b"data: [DONE]" in raw
    finally:
        s.close()
    # It loads again on the next request.
    status, _, body = chat(server)
    assert status == 200, body


def test_cli_load_and_unload_talk_to_the_server(server):
    run = subprocess.run([BINARY, "load", EMBEDDING_MODEL, "--url", server.url, "--keep-alive=-1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert EMBEDDING_MODEL in run.stdout and "loaded" in run.stdout
    run = subprocess.run([BINARY, "unload", EMBEDDING_MODEL, "--url", server.url],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "available" in run.stdout
    run = subprocess.run([BINARY, "unload", "no-such-model", "--url", server.url],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "404" in run.stderr and "no-such-model" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_chat_model_asked_for_embeddings_is_a_400_and_the_reverse_too(server):
    status, _, body = embed(server, model=CHAT_MODEL)
    assert status == 400 and body["error"]["code"] == "model_not_supported", body
    status, _, body = chat(server, model=EMBEDDING_MODEL)
    assert status == 400 and body["error"]["code"] == "model_not_supported", body


def test_ten_concurrent_first_requests_share_one_load():
    server = Server()
    try:
        results = []

        def ask():
            results.append(embed(server)[0])

        threads = [threading.Thread(target=ask) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [200] * 10
        loads = [line for line in server.output().splitlines() if f"loaded {EMBEDDING_MODEL} on" in line]
        assert len(loads) == 1, loads
    finally:
        assert server.stop() == 0


def estimates():
    s = Server()
    try:
        listed = models(s)
        return listed[CHAT_MODEL]["estimated_bytes"], listed[EMBEDDING_MODEL]["estimated_bytes"]
    finally:
        s.stop()


def test_a_budget_that_fits_one_model_evicts_the_idle_one_but_never_a_leased_one():
    chat_bytes, embed_bytes = estimates()
    # Room for either model alone, not for both.
    budget = max(chat_bytes, embed_bytes) + min(chat_bytes, embed_bytes) // 2
    server = Server("--memory-budget", str(budget))
    try:
        assert chat(server)[0] == 200
        assert models(server)[CHAT_MODEL]["status"] == "loaded"
        status, _, body = embed(server)
        assert status == 200, body
        listed = models(server)
        assert listed[EMBEDDING_MODEL]["status"] == "loaded"
        assert listed[CHAT_MODEL]["status"] == "available", "the idle chat model should have been evicted"
        assert f"unloaded {CHAT_MODEL}" in server.output()

        # While a stream holds the chat model, the embedding model cannot evict it: 503 naming who holds memory.
        s, received = open_stream(server.port, CHAT_MODEL, 200)
        try:
            status, headers, body = embed(server)
            assert status == 503, body
            assert body["error"]["code"] == "insufficient_memory"
            assert CHAT_MODEL in body["error"]["message"] and "in use" in body["error"]["message"]
            assert int(headers["Retry-After"]) >= 1
            raw = read_all(s, received)
            assert b"data: [DONE]" in raw and b'"finish_reason":"length"' in raw
        finally:
            s.close()
        assert models(server)[CHAT_MODEL]["status"] == "loaded"
        # Once the stream is over the chat model is idle and gives way.
        status, _, body = embed(server)
        assert status == 200, body
    finally:
        assert server.stop() == 0


def test_a_model_larger_than_the_budget_is_refused_with_the_reason():
    server = Server("--memory-budget", "2MiB")
    try:
        status, _, body = chat(server)
        assert status == 503
        assert body["error"]["code"] == "insufficient_memory"
        assert "memory budget" in body["error"]["message"]
    finally:
        assert server.stop() == 0


@pytest.fixture(scope="module")
def custom_models():
    """A models folder with: the chat model under an ai-gateway.yaml (id, aliases, context cap, defaults,
    keep-alive), the embedding model as is, a folder with broken YAML, an incomplete folder, a chat folder whose
    weights are missing, and an alias clash."""
    folder = tempfile.mkdtemp(prefix="aigw-models-")
    linked_copy(os.path.join(MODELS, CHAT_MODEL), os.path.join(folder, "tiny-chat-folder"))
    with open(os.path.join(folder, "tiny-chat-folder", "ai-gateway.yaml"), "w") as f:
        f.write("id: tiny-chat\naliases: [gpt-4o-mini, tiny]\ncontext_length: 64\nkeep_alive: 90s\n"
                "providers: [cuda, cpu]\ndefaults:\n  max_tokens: 3\n  temperature: 0\n")
    linked_copy(os.path.join(MODELS, EMBEDDING_MODEL), os.path.join(folder, EMBEDDING_MODEL))
    linked_copy(os.path.join(MODELS, EMBEDDING_MODEL), os.path.join(folder, "bad-yaml"))
    with open(os.path.join(folder, "bad-yaml", "ai-gateway.yaml"), "w") as f:
        f.write("id: [unclosed\n")
    linked_copy(os.path.join(MODELS, EMBEDDING_MODEL), os.path.join(folder, "clash"))
    with open(os.path.join(folder, "clash", "ai-gateway.yaml"), "w") as f:
        f.write("aliases: [tiny]\n")
    os.makedirs(os.path.join(folder, "half-downloaded"))
    with open(os.path.join(folder, "half-downloaded", "config.json"), "w") as f:
        f.write("{}")
    os.makedirs(os.path.join(folder, "no-weights"))
    shutil.copy(os.path.join(MODELS, CHAT_MODEL, "genai_config.json"), os.path.join(folder, "no-weights"))
    os.makedirs(os.path.join(folder, ".pull-in-progress"))
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def custom_server(custom_models):
    s = Server("--models-dir", custom_models)
    yield s
    assert s.stop() == 0, s.output()


def test_broken_folders_are_listed_with_their_error_and_the_rest_serve(custom_server):
    listed = models(custom_server)
    assert ".pull-in-progress" not in listed
    assert listed["bad-yaml"]["status"] == "failed" and "YAML" in listed["bad-yaml"]["error"]
    assert listed["half-downloaded"]["status"] == "failed"
    assert "not a model folder" in listed["half-downloaded"]["error"]
    # The alias clash: the first folder in name order ('clash' < 'tiny-chat-folder') keeps the name; the other fails.
    assert listed["tiny-chat"]["status"] == "failed" and "'tiny'" in listed["tiny-chat"]["error"]
    assert embed(custom_server)[0] == 200
    status, _, body = embed(custom_server, model="bad-yaml")
    assert status == 503 and body["error"]["code"] == "model_load_failed" and "YAML" in body["error"]["message"]


def test_settings_file_sets_id_aliases_context_defaults_and_keep_alive(custom_models):
    os.remove(os.path.join(custom_models, "clash", "ai-gateway.yaml"))
    server = Server("--models-dir", custom_models)
    try:
        listed = models(server)
        model = listed["tiny-chat"]
        assert model["status"] == "available", model
        assert model["aliases"] == ["gpt-4o-mini", "tiny"]
        assert model["context_length"] == 64
        assert model["keep_alive"] == 90
        assert "tiny-chat-folder" not in listed
        # By alias: the response names the model's id; defaults apply (max_tokens 3, greedy).
        status, _, body = call(server, "POST", "/v1/chat/completions", {
            "model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello."}]})
        assert status == 200, body
        assert body["model"] == "tiny-chat"
        assert body["usage"]["completion_tokens"] <= 3
        status, _, again = call(server, "POST", "/v1/chat/completions", {
            "model": "tiny", "messages": [{"role": "user", "content": "Say hello."}]})
        assert again["choices"][0]["message"] == body["choices"][0]["message"]
        # The per-model provider list is honoured and its skip reason shown.
        model = models(server)["tiny-chat"]
        assert model["provider"] == "CPUExecutionProvider"
        assert [s["provider"] for s in model["provider_skipped"]] == ["cuda"]
        # The context cap: a prompt over 64 tokens is refused.
        status, _, body = call(server, "POST", "/v1/chat/completions", {
            "model": "tiny", "messages": [{"role": "user", "content": "word " * 80}]})
        assert status == 400 and body["error"]["code"] == "context_length_exceeded", body
        assert "64" in body["error"]["message"]
        # GET by alias answers the model.
        status, _, body = call(server, "GET", "/v1/models/tiny")
        assert status == 200 and body["id"] == "tiny-chat"
    finally:
        assert server.stop() == 0


def test_a_failed_load_is_reported_and_retried_after_its_back_off(custom_server):
    status, headers, body = chat(custom_server, model="no-weights")
    assert status == 503, body
    assert body["error"]["code"] == "model_load_failed"
    assert headers["Retry-After"] == "1"
    listed = models(custom_server)["no-weights"]
    assert listed["status"] == "failed" and listed["error"]
    # Within the back-off: the same error, no new attempt.
    attempts = custom_server.output().count("cannot load no-weights")
    assert chat(custom_server, model="no-weights")[0] == 503
    assert custom_server.output().count("cannot load no-weights") == attempts
    time.sleep(1.2)
    status, headers, body = chat(custom_server, model="no-weights")
    assert status == 503
    assert headers["Retry-After"] == "2", "the second failure doubles the back-off"
    assert wait_for(lambda: custom_server.output().count("cannot load no-weights") == attempts + 1, 2)
    # Other models kept serving.
    assert embed(custom_server)[0] == 200


def test_a_folder_added_while_running_is_found(custom_models, custom_server):
    linked_copy(os.path.join(MODELS, EMBEDDING_MODEL), os.path.join(custom_models, "late-arrival"))
    status, _, body = embed(custom_server, model="late-arrival")
    assert status == 200, body
    assert body["model"] == "late-arrival"
    assert "late-arrival" in models(custom_server)


def test_provider_options_reach_every_model_and_show_in_the_list():
    server = Server("--provider-option", "cuda.device_id=1", "--provider-option", "openvino.device_type=NPU")
    try:
        listed = models(server)
        for model in (CHAT_MODEL, EMBEDDING_MODEL):
            assert listed[model]["provider_options"] == {"cuda": {"device_id": "1"}, "openvino": {"device_type": "NPU"}}
        assert embed(server)[0] == 200
    finally:
        assert server.stop() == 0
    run = subprocess.run([BINARY, "serve", "--port", "0", "--provider-option", "cpu.threads=2"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "cpu provider takes no options" in run.stderr


def test_preload_loads_before_the_port_opens():
    server = Server("--preload", EMBEDDING_MODEL)
    try:
        listed = models(server)
        assert listed[EMBEDDING_MODEL]["status"] == "loaded"
        assert listed[CHAT_MODEL]["status"] == "available"
    finally:
        assert server.stop() == 0
