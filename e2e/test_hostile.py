"""The hostile list: hand-written requests that try to break the server (integer edges, NaN, NUL, invalid UTF-8,
deep nesting, huge arrays and strings, wrong types, path and method tricks, broken HTTP framing), each sent as raw
bytes over a socket and checked against what an OpenAI-compatible server should answer:

- the HTTP status (`status`: one code, or a list when more than one answer is right),
- OpenAI's error envelope on every error: `{"error": {...}}` with exactly `message`, `type`, `param`, `code`,
  `type`/`param`/`code` as the entry expects, a message that leaks no Swift internals and an error body of
  bounded size (a hostile 1 MiB field name must not come back as a 1 MiB message),
- `X-Request-Id` on every response, `Allow` on every 405,
- `GET /health` still 200 after every entry (the server is restarted when an entry killed it, so that one run
  lists every failing entry).

The cases live in `hostile_requests.json`. An entry is
`{"name", "method", "path", "headers"?, "body" | "body_raw" | "body_raw_b64" | "body_generator", "status", "type"?,
"param"?, "code"?}` plus these optional fields:

- `body_raw`: a string sent as its UTF-8 bytes (for text that is not JSON: `NaN`, `1e999`, truncated bodies),
- `body_raw_b64`: raw bytes (invalid UTF-8),
- `body_generator` / `path_generator`: the name of a function below that builds a huge body or path,
- `headers`: extra headers; a null value drops a default header (`Content-Type`, `Content-Length`),
- `content_length`: the Content-Length to claim instead of the body's length,
- `chunked`: send the body with `Transfer-Encoding: chunked`,
- `close_after_send`: send and close without reading (the status is then null: only survival is checked),
- `disconnect_after_bytes`: read this many response bytes, then close the socket (mid-stream disconnect),
- `stream`: the response is an SSE stream that must end with `data: [DONE]`; a string instead names the type of the
  event it must end with (`response.completed`), for streams that end with their own event,
- `object`: the `object` a 200 JSON response must carry,
- `max_seconds`: the answer must come within this time,
- `envelope`: false for answers from the HTTP parser itself (malformed request line), where only status counts;
  "anthropic" for `/v1/messages` routes, whose errors are in Anthropic's envelope,
- `dangerous`: an entry that once crashed or could crash the server (every entry is followed by a health check
  anyway; these are also reported by name when they kill it),
- `note`: why the expectation is what it is.
"""
import base64
import json
import os
import re
import socket
import threading
import time
import urllib.request

import pytest

from conftest import CHAT_MODEL, EMBEDDING_MODEL, Server

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_PATH = os.path.join(HERE, "hostile_requests.json")
with open(CASES_PATH, encoding="utf-8") as _f:
    CASES = json.load(_f)

MIB = 1024 * 1024
DEFAULT_TIMEOUT = 60
# An error body above this reflects too much of the request back.
MAX_ERROR_BODY = 64 * 1024
# Text that must never reach a client: Swift type names, decoder internals, source paths.
LEAKS = re.compile(
    r"Swift|DecodingError|EncodingError|Optional\(|CodingKeys|AnyCodingKey|codingPath|debugDescription|"
    r"NSCocoaErrorDomain|Error Domain|GatewayError|APIError|ServingError|HTTPError|\bNIO|Hummingbird|"
    r"Fatal error|/Sources/|\.swift\b|_JSON|UnkeyedDecodingContainer|KeyedDecodingContainer")


# Generators of huge bodies and paths (named by `body_generator` / `path_generator`). Each returns bytes or str.

def _chat(content, **extra):
    body = {"model": CHAT_MODEL, "messages": [{"role": "user", "content": content}], "max_tokens": 2}
    body.update(extra)
    return body


def _dump(value):
    return json.dumps(value).encode()


def chat_prompt_15mib():
    return _dump(_chat("hello world " * (15 * MIB // 12)))


def completion_prompt_15mib():
    return _dump({"model": CHAT_MODEL, "prompt": "hello world " * (15 * MIB // 12), "max_tokens": 2})


def embedding_input_15mib():
    return _dump({"model": EMBEDDING_MODEL, "input": "hello world " * (15 * MIB // 12)})


def embedding_input_15mib_one_word():
    return _dump({"model": EMBEDDING_MODEL, "input": "a" * (15 * MIB)})


def chat_body_17mib():
    return _dump(_chat("x" * (17 * MIB)))


def embedding_body_17mib():
    return _dump({"model": EMBEDDING_MODEL, "input": ["hello"] * (17 * MIB // 9)})


def stops_100000():
    return _dump(_chat("hi", stop=[f"s{i}" for i in range(100_000)]))


def completion_prompts_100000():
    return _dump({"model": CHAT_MODEL, "prompt": ["hi"] * 100_000, "max_tokens": 1})


def embedding_inputs_3000():
    return _dump({"model": EMBEDDING_MODEL, "input": [f"text {i}" for i in range(3000)]})


def embedding_inputs_2049():
    return _dump({"model": EMBEDDING_MODEL, "input": ["x"] * 2049})


def embedding_inputs_2048():
    return _dump({"model": EMBEDDING_MODEL, "input": ["x"] * 2048})


def embedding_token_arrays_3000():
    return _dump({"model": EMBEDDING_MODEL, "input": [[101, 7592, 102]] * 3000})


def embedding_one_million_token_ids():
    return _dump({"model": EMBEDDING_MODEL, "input": [101] + [7592] * 1_000_000 + [102]})


def messages_5000():
    return _dump({"model": CHAT_MODEL, "max_tokens": 2,
                  "messages": [{"role": "user" if i % 2 == 0 else "assistant", "content": "hi"}
                               for i in range(5000)]})


def many_messages():
    return _dump({"model": CHAT_MODEL, "messages": [{"role": "user", "content": "hi"}] * 5000})


def deep_schema():
    schema = {"type": "string"}
    for _ in range(400):
        schema = {"type": "object", "properties": {"a": schema}}
    return _dump({"model": CHAT_MODEL, "max_tokens": 2, "messages": [{"role": "user", "content": "hi"}],
                  "response_format": {"type": "json_schema", "json_schema": {"name": "deep", "schema": schema}}})


def tools_129():
    tools = [{"type": "function", "function": {"name": f"f{i}"}} for i in range(129)]
    return _dump({"model": CHAT_MODEL, "messages": [{"role": "user", "content": "hi"}], "tools": tools})


def deep_tool_schema():
    schema = {"type": "string"}
    for _ in range(400):
        schema = {"type": "object", "properties": {"a": schema}}
    return _dump({"model": CHAT_MODEL, "max_tokens": 2, "messages": [{"role": "user", "content": "hi"}],
                  "tool_choice": "required", "tools": [{"type": "function",
                                                        "function": {"name": "f", "parameters": schema}}]})


def tool_calls_5000():
    calls = [{"id": f"c{i}", "type": "function", "function": {"name": "f", "arguments": "{\"a\": 1}"}}
             for i in range(5000)]
    return _dump({"model": CHAT_MODEL, "messages": [{"role": "user", "content": "hi"},
                                                    {"role": "assistant", "content": None, "tool_calls": calls}]})


def anthropic_blocks_100000():
    blocks = [{"type": "text", "text": ""}] * 100_000
    return _dump({"model": CHAT_MODEL, "max_tokens": 2, "messages": [{"role": "user", "content": blocks}]})


def anthropic_stops_100000():
    return _dump({"model": CHAT_MODEL, "max_tokens": 2, "stop_sequences": ["x"] * 100_000,
                  "messages": [{"role": "user", "content": "hi"}]})


def anthropic_nested_10000():
    return _dump({"model": CHAT_MODEL, "max_tokens": 2, "messages": [{"role": "user", "content": _nested(10_000)}]})


def responses_items_5000():
    return _dump({"model": CHAT_MODEL, "max_output_tokens": 2, "store": False,
                  "input": [{"role": "user" if i % 2 == 0 else "assistant", "content": "hi"} for i in range(5000)]})


def responses_nested_input_10000():
    return ('{"model":"%s","input":%s}' % (CHAT_MODEL, _nested(10_000))).encode()


def content_parts_100000():
    parts = [{"type": "text", "text": "a"}] * 100_000
    return _dump({"model": CHAT_MODEL, "max_tokens": 2, "messages": [{"role": "user", "content": parts}]})


def _nested(depth):
    return "[" * depth + "]" * depth


def nested_messages_10000():
    return ('{"model":"%s","max_tokens":2,"messages":%s}' % (CHAT_MODEL, _nested(10_000))).encode()


def nested_content_10000():
    return ('{"model":"%s","max_tokens":2,"messages":[{"role":"user","content":%s}]}'
            % (CHAT_MODEL, _nested(10_000))).encode()


def nested_stop_10000():
    return ('{"model":"%s","max_tokens":2,"messages":[{"role":"user","content":"hi"}],"stop":%s}'
            % (CHAT_MODEL, _nested(10_000))).encode()


def nested_metadata_objects_10000():
    inner = '{"a":' * 10_000 + "1" + "}" * 10_000
    return ('{"model":"%s","max_tokens":2,"messages":[{"role":"user","content":"hi"}],"metadata":%s}'
            % (CHAT_MODEL, inner)).encode()


def nested_prompt_10000():
    return ('{"model":"%s","max_tokens":2,"prompt":%s}' % (CHAT_MODEL, _nested(10_000))).encode()


def nested_input_10000():
    return ('{"model":"%s","input":%s}' % (EMBEDDING_MODEL, _nested(10_000))).encode()


def nested_input_100000():
    return ('{"model":"%s","input":%s}' % (EMBEDDING_MODEL, _nested(100_000))).encode()


def nested_body_10000():
    return _nested(10_000).encode()


def unknown_key_1mib():
    return ('{"model":"%s","input":"hi","%s":1}' % (EMBEDDING_MODEL, "k" * MIB)).encode()


def model_name_1mib():
    return _dump({"model": "m" * MIB, "input": "hi"})


def chat_model_name_1mib():
    return _dump(_chat("hi", model="m" * MIB))


def path_model_5000():
    return "/v1/models/" + "a" * 5000


def path_100k():
    return "/v1/models/" + "b" * 100_000


def path_many_segments():
    return "/v1" + "/x" * 20_000


# The raw HTTP client.

class Answer:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers  # lower-case name -> list of values
        self.body = body
        self.elapsed = elapsed

    def header(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def describe(self):
        text = self.body[:600].decode("utf-8", "replace")
        return f"{self.status} {text}"


def case_body(case):
    if "body_generator" in case:
        return globals()[case["body_generator"]]()
    if "body_raw_b64" in case:
        return base64.b64decode(case["body_raw_b64"])
    if "body_raw" in case:
        return case["body_raw"].encode("utf-8")
    if "body" in case:
        return json.dumps(case["body"]).encode("utf-8")
    return None


def case_path(case):
    if "path_generator" in case:
        return globals()[case["path_generator"]]()
    return case["path"]


def build_request(case, port):
    """The request's head and body bytes (the body already chunk-framed when `chunked`)."""
    body = case_body(case)
    headers = {"Host": f"127.0.0.1:{port}", "Connection": "close"}
    if body is not None:
        headers["Content-Type"] = "application/json"
        if case.get("chunked"):
            headers["Transfer-Encoding"] = "chunked"
        else:
            headers["Content-Length"] = str(case.get("content_length", len(body)))
    for name, value in (case.get("headers") or {}).items():
        for existing in [k for k in headers if k.lower() == name.lower()]:
            del headers[existing]
        if value is not None:
            headers[name] = value
    head = f"{case['method']} {case_path(case)} HTTP/1.1\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    if body is not None and case.get("chunked"):
        piece = 64 * 1024
        framed = bytearray()
        for start in range(0, len(body), piece):
            chunk = body[start:start + piece]
            framed += b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        framed += b"0\r\n\r\n"
        body = bytes(framed)
    return head.encode("latin-1"), body or b""


def _read_until_close(sock, buffer, limit=None):
    while limit is None or len(buffer) < limit:
        try:
            data = sock.recv(256 * 1024)
        except (ConnectionResetError, socket.timeout):
            break
        if not data:
            break
        buffer += data
    return buffer


def parse_answer(raw, elapsed):
    head_end = raw.find(b"\r\n\r\n")
    if head_end < 0:
        raise AssertionError(f"no complete HTTP response (got {len(raw)} bytes: {raw[:200]!r})")
    lines = raw[:head_end].decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    body = raw[head_end + 4:]
    if "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
        body = dechunk(body)
    elif "content-length" in headers:
        body = body[:int(headers["content-length"][0])]
    return Answer(status, headers, body, elapsed)


def dechunk(data):
    out = bytearray()
    position = 0
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            break
        size = int(data[position:line_end].split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += data[line_end + 2:line_end + 2 + size]
        position = line_end + 2 + size + 2
    return bytes(out)


def exchange(port, case):
    """Sends the case and reads the whole answer (the server closes: `Connection: close`). The body is sent from a
    thread while the answer is read, so that a server answering early (413) does not deadlock the client."""
    head, body = build_request(case, port)
    timeout = case.get("max_seconds", DEFAULT_TIMEOUT)
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * MIB)

    def send():
        try:
            sock.sendall(head + body)
        except OSError:
            pass  # the server answered and closed before reading everything: fine, the answer is what counts

    started = time.monotonic()
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        if case.get("close_after_send"):
            sender.join(timeout)
            time.sleep(0.2)
            return None
        if "disconnect_after_bytes" in case:
            raw = _read_until_close(sock, b"", limit=case["disconnect_after_bytes"])
            return parse_answer(raw + b"\r\n\r\n" if b"\r\n\r\n" not in raw else raw, time.monotonic() - started)
        raw = _read_until_close(sock, b"")
        if time.monotonic() - started >= timeout and b"\r\n\r\n" not in raw:
            raise AssertionError(f"no answer within {timeout} s")
        return parse_answer(raw, time.monotonic() - started)
    finally:
        sock.close()
        sender.join(5)


def health_status(url):
    try:
        with urllib.request.urlopen(url + "/health", timeout=10) as r:
            return r.status, json.loads(r.read())
    except Exception as error:  # noqa: BLE001 - any failure means the server is not healthy
        return None, repr(error)


# Checks.

def error_document(answer):
    """The error body as JSON, checked to be there and of bounded size."""
    assert answer.body, "an error without a body"
    assert len(answer.body) <= MAX_ERROR_BODY, f"error body of {len(answer.body)} bytes reflects too much"
    try:
        return json.loads(answer.body)
    except ValueError:
        raise AssertionError(f"error body is not JSON: {answer.body[:300]!r}") from None


def check_envelope(case, answer):
    document = error_document(answer)
    assert isinstance(document, dict) and list(document) == ["error"], f"not OpenAI's envelope: {document}"
    error = document["error"]
    assert isinstance(error, dict) and sorted(error) == ["code", "message", "param", "type"], \
        f"inner keys are {sorted(error) if isinstance(error, dict) else error}"
    assert isinstance(error["message"], str) and error["message"], "empty message"
    assert isinstance(error["type"], str) and error["type"], "empty type"
    assert error["param"] is None or isinstance(error["param"], str)
    assert error["code"] is None or isinstance(error["code"], str)
    leak = LEAKS.search(error["message"])
    assert not leak, f"message leaks internals ({leak.group(0)!r}): {error['message'][:300]}"
    expected_type = case.get("type", "invalid_request_error" if answer.status in (400, 404, 405, 413) else None)
    if expected_type is not None:
        assert error["type"] == expected_type, f"type {error['type']!r}, expected {expected_type!r}"
    if "param" in case:
        assert error["param"] == case["param"], f"param {error['param']!r}, expected {case['param']!r}"
    if "code" in case:
        assert error["code"] == case["code"], f"code {error['code']!r}, expected {case['code']!r}"


def check_anthropic_envelope(case, answer):
    document = error_document(answer)
    assert isinstance(document, dict) and sorted(document) == ["error", "type"] and document["type"] == "error", \
        f"not Anthropic's envelope: {document}"
    error = document["error"]
    assert isinstance(error, dict) and sorted(error) == ["message", "type"], f"inner keys of {error}"
    assert isinstance(error["message"], str) and error["message"], "empty message"
    leak = LEAKS.search(error["message"])
    assert not leak, f"message leaks internals ({leak.group(0)!r}): {error['message'][:300]}"
    expected_type = case.get("type", "invalid_request_error" if answer.status in (400, 405, 413) else None)
    if expected_type is not None:
        assert error["type"] == expected_type, f"type {error['type']!r}, expected {expected_type!r}"


def check_success(case, answer):
    if case.get("stream"):
        assert "text/event-stream" in (answer.header("content-type") or ""), answer.headers
        if isinstance(case["stream"], str):
            events = re.findall(rb"^event: (\S+)$", answer.body, re.M)
            assert events and events[-1].decode() == case["stream"], \
                f"stream did not end with {case['stream']}: {answer.body[-200:]!r}"
            return
        assert answer.body.rstrip().endswith(b"data: [DONE]"), f"stream did not end with [DONE]: {answer.body[-200:]!r}"
        return
    if case["method"] == "HEAD" or not answer.body:
        return
    document = json.loads(answer.body)
    if "object" in case:
        assert document.get("object") == case["object"], f"object {document.get('object')!r}"


def check_case(case, answer):
    expected = case["status"]
    allowed = expected if isinstance(expected, list) else [expected]
    assert answer.status in allowed, f"status {answer.status}, expected {expected}: {answer.describe()}"
    if "max_seconds" in case:
        assert answer.elapsed <= case["max_seconds"], f"answered after {answer.elapsed:.1f} s"
    if "disconnect_after_bytes" in case:
        return
    if case.get("envelope", True):
        assert answer.header("x-request-id"), f"no X-Request-Id: {answer.headers}"
    if answer.status == 405:
        assert answer.header("allow"), "405 without Allow"
    if answer.status >= 400 and case.get("envelope", True) == "anthropic":
        check_anthropic_envelope(case, answer)
    elif answer.status >= 400 and case.get("envelope", True):
        check_envelope(case, answer)
    elif answer.status < 300:
        check_success(case, answer)


# The server: restarted when an entry killed it, so that the remaining entries still run.

class Holder:
    def __init__(self):
        self.server = Server()
        self.crashes = []

    def ensure_alive(self):
        if not self.server.alive():
            self.server.stop()
            self.server = Server()


@pytest.fixture(scope="module")
def holder():
    h = Holder()
    yield h
    code = h.server.stop()
    assert code == 0, f"server exited with {code}: {h.server.output()}"


def test_the_list_is_well_formed():
    names = [case["name"] for case in CASES]
    assert len(CASES) >= 70
    assert len(names) == len(set(names)), "duplicate names"
    for case in CASES:
        bodies = [key for key in ("body", "body_raw", "body_raw_b64", "body_generator") if key in case]
        assert len(bodies) <= 1, case["name"]
        assert "status" in case and case["method"] and ("path" in case or "path_generator" in case), case["name"]
        for key in ("body_generator", "path_generator"):
            if key in case:
                assert callable(globals().get(case[key])), f"{case['name']}: no generator {case[key]}"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_hostile(holder, case):
    holder.ensure_alive()
    server = holder.server
    failure = None
    try:
        answer = exchange(server.port, case)
        if answer is not None:
            check_case(case, answer)
    except AssertionError as error:
        failure = str(error)
    except OSError as error:
        failure = f"connection error: {error!r}"
    # Survival: the process lives and /health answers 200.
    time.sleep(0.05)
    if not server.alive():
        holder.crashes.append(case["name"])
        pytest.fail(f"the server died (exit {server.process.poll()}) on {case['name']}"
                    f"{' [dangerous]' if case.get('dangerous') else ''}: {failure or ''}\n{server.output()[-1500:]}")
    status, report = health_status(server.url)
    assert status == 200, f"/health after {case['name']}: {status} {report}; {failure or ''}"
    if failure:
        pytest.fail(failure)


def test_server_survived_the_whole_list(holder):
    assert holder.crashes == [], f"entries that killed the server: {holder.crashes}"
    holder.ensure_alive()
    deadline = time.time() + 15
    while True:
        status, report = health_status(holder.server.url)
        assert status == 200, report
        if report.get("active_generations") == 0 or time.time() > deadline:
            break
        time.sleep(0.2)
    assert report.get("active_generations") == 0, f"generations still running: {report.get('active_generations')}"


# API keys: `--api-key` (repeatable) and `AIGW_API_KEYS` (comma-separated). Keys are checked on every route but
# /health, from `Authorization: Bearer KEY` or `x-api-key: KEY`.

def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _post(url, body, headers=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _check_401(status, headers, body, what):
    assert status == 401, f"{what}: {status} {body[:300]!r}"
    error = json.loads(body)["error"]
    assert sorted(error) == ["code", "message", "param", "type"], error
    assert "sk-test" not in error["message"], f"{what}: the message shows a key: {error['message']}"
    assert any(k.lower() == "x-request-id" for k in headers), f"{what}: no X-Request-Id"


def _check_keys(server, good_key, other_good_key=None):
    url = server.url
    embedding = {"model": EMBEDDING_MODEL, "input": "hi"}
    _check_401(*_get(url + "/v1/models"), "GET /v1/models without a key")
    _check_401(*_get(url + "/metrics"), "GET /metrics without a key")
    _check_401(*_get(url + "/v1/models/" + CHAT_MODEL), "GET /v1/models/{id} without a key")
    _check_401(*_post(url + "/v1/embeddings", embedding), "POST /v1/embeddings without a key")
    _check_401(*_get(url + "/v1/models", {"Authorization": "Bearer wrong"}), "Bearer wrong")
    _check_401(*_get(url + "/v1/models", {"Authorization": "Bearer " + good_key + "x"}), "key + suffix")
    _check_401(*_get(url + "/v1/models", {"Authorization": "Bearer " + good_key[:-1]}), "key prefix")
    _check_401(*_get(url + "/v1/models", {"Authorization": "Bearer "}), "empty Bearer")
    _check_401(*_get(url + "/v1/models", {"Authorization": good_key}), "key without Bearer")
    _check_401(*_get(url + "/v1/models", {"x-api-key": "wrong"}), "x-api-key wrong")
    status, _, body = _get(url + "/v1/models", {"Authorization": "Bearer " + good_key})
    assert status == 200, body[:300]
    status, _, body = _get(url + "/v1/models", {"x-api-key": good_key})
    assert status == 200, body[:300]
    status, _, body = _post(url + "/v1/embeddings", embedding, {"Authorization": "Bearer " + good_key})
    assert status == 200, body[:300]
    if other_good_key:
        status, _, body = _get(url + "/v1/models", {"Authorization": "Bearer " + other_good_key})
        assert status == 200, body[:300]
    status, _, body = _get(url + "/health")
    assert status == 200, f"/health must not need a key: {status} {body[:300]!r}"


def test_api_key_flag():
    server = Server("--api-key", "sk-test-1")
    try:
        _check_keys(server, "sk-test-1")
    finally:
        code = server.stop()
    assert code == 0, server.output()


def test_api_keys_environment():
    server = Server(env={"AIGW_API_KEYS": "sk-test-2,sk-test-3"})
    try:
        _check_keys(server, "sk-test-2", other_good_key="sk-test-3")
    finally:
        code = server.stop()
    assert code == 0, server.output()
