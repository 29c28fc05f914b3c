"""`POST /v1/models/pull` on the real server against the fake Hub (`fakehub.py`): progress as server-sent events,
the pulled model served at once, errors as statuses before the stream and as error events in it, and a client
that goes away cancelling the pull with nothing left behind."""
import json
import os
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from conftest import EMBEDDING_MODEL, ROOT, Server
from fakehub import FakeHub

REPO = "sentence-transformers/all-MiniLM-L6-v2"
SOURCE = os.path.join(ROOT, "models", EMBEDDING_MODEL)


def post(server, path, body, timeout=120):
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def events(text):
    """The JSON payloads of an SSE body, and whether it ended with [DONE]."""
    payloads = [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]
    done = bool(payloads) and payloads[-1] == "[DONE]"
    return [json.loads(p) for p in payloads if p != "[DONE]"], done


def leftovers(folder):
    return sorted(name for name in os.listdir(folder) if name.startswith("."))


@pytest.fixture(scope="module")
def hub():
    fake = FakeHub()
    fake.add_folder(REPO, SOURCE, rename={"model.onnx": "onnx/model.onnx"},
                    extra={"README.md": b"# all-MiniLM-L6-v2\n"})
    fake.add_folder("gated/model", SOURCE)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def models_dir():
    folder = tempfile.mkdtemp(prefix="aigw-pull-models-")
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def server(hub, models_dir):
    s = Server("--models-dir", models_dir, env={"HF_ENDPOINT": hub.url, "HF_TOKEN": ""})
    yield s
    assert s.stop() == 0, s.output()


def test_pull_streams_progress_then_serves_the_model(server, hub, models_dir):
    status, headers, body = post(server, "/v1/models/pull", {
        "model": REPO, "include": ["onnx/model.onnx", "*.json", "vocab.txt"], "name": "minilm"})
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/event-stream")
    payloads, done = events(body)
    assert done, body[-500:]
    statuses = [p["status"] for p in payloads]
    assert statuses[0] == "resolved" and statuses[-1] == "success", statuses
    resolved = payloads[0]
    paths = sorted(f["path"] for f in resolved["files"])
    assert "onnx/model.onnx" in paths and "vocab.txt" in paths and "README.md" not in paths
    assert resolved["revision"] == hub.commit(REPO)
    assert resolved["total"] == sum(f["size"] for f in resolved["files"])
    downloading = [p for p in payloads if p["status"] == "downloading"]
    assert downloading and all(0 <= p["completed"] <= p["total"] == resolved["total"] for p in downloading)
    assert sorted(p["file"] for p in payloads if p["status"] == "verified") == paths
    assert payloads[-1]["model"] == "minilm"
    # The exact bytes arrived, and nothing temporary is left.
    with open(os.path.join(SOURCE, "model.onnx"), "rb") as a, \
            open(os.path.join(models_dir, "minilm", "onnx", "model.onnx"), "rb") as b:
        assert a.read() == b.read()
    assert leftovers(models_dir) == []
    # Served at once.
    status, _, answer = post(server, "/v1/embeddings", {"model": "minilm", "input": "pulled and served"})
    assert status == 200, answer
    assert len(json.loads(answer)["data"][0]["embedding"]) == 384


def test_pull_without_stream_answers_once(server, models_dir):
    status, _, body = post(server, "/v1/models/pull", {
        "model": REPO, "include": "*.json", "name": "json-only", "stream": False})
    assert status == 200, body
    answer = json.loads(body)
    assert answer["status"] == "success" and answer["model"] == "json-only"
    assert os.path.exists(os.path.join(models_dir, "json-only", "config.json"))


@pytest.mark.parametrize("body, status, code", [
    ({"model": "not a repo"}, 400, "invalid_value"),
    ({"model": "../../etc/passwd"}, 400, "invalid_value"),
    ({"model": REPO, "name": "../escape"}, 400, "invalid_value"),
    ({"model": REPO, "revision": "../main"}, 400, "invalid_value"),
    ({"model": REPO, "nmae": "x"}, 400, None),
    ({"model": 7}, 400, "invalid_type"),
    ({}, 400, "missing_required_parameter"),
])
def test_bad_pull_requests_are_400s(server, body, status, code):
    got, _, text = post(server, "/v1/models/pull", body)
    assert got == status, text
    if code:
        assert json.loads(text)["error"]["code"] == code, text


def test_pull_errors_before_the_stream_are_statuses(server, hub):
    status, _, body = post(server, "/v1/models/pull", {"model": REPO, "include": "*.json", "name": "minilm"})
    assert status == 409 and json.loads(body)["error"]["code"] == "model_exists", body
    status, _, body = post(server, "/v1/models/pull", {"model": "nobody/nothing", "stream": False})
    assert status == 404 and json.loads(body)["error"]["code"] == "hub_not_found", body
    hub.token = "hf_secret"
    try:
        status, _, body = post(server, "/v1/models/pull", {"model": "gated/model", "stream": False})
        assert status == 502 and json.loads(body)["error"]["code"] == "hub_unauthorized", body
        assert "HF_TOKEN" in json.loads(body)["error"]["message"]
    finally:
        hub.token = None


def test_pull_errors_in_the_stream_are_error_events(server, models_dir):
    status, _, body = post(server, "/v1/models/pull", {"model": "nobody/nothing"})
    assert status == 200
    payloads, done = events(body)
    assert not done
    assert payloads[-1]["error"]["code"] == "hub_not_found", body
    assert leftovers(models_dir) == []


def test_a_client_that_leaves_cancels_the_pull_and_nothing_is_left(server, hub, models_dir):
    hub.bytes_per_second = 200_000  # the 23 MB model would take about two minutes
    try:
        body = json.dumps({"model": REPO, "include": "onnx/model.onnx", "name": "abandoned"}).encode()
        s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        s.sendall(b"POST /v1/models/pull HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        received = b""
        while b'"downloading"' not in received:
            chunk = s.recv(65536)
            assert chunk, received
            received += chunk
        assert leftovers(models_dir), "the download should be staged in a hidden folder"
        s.close()
        deadline = time.time() + 10
        while leftovers(models_dir) and time.time() < deadline:
            time.sleep(0.1)
        assert leftovers(models_dir) == []
        assert not os.path.exists(os.path.join(models_dir, "abandoned"))
    finally:
        hub.bytes_per_second = None
