"""`--log-format json` on the real binary: every log line is one JSON object; each request gets one line with its
request id (the same as the X-Request-Id header), route, model, status, tokens and duration, and no prompt text
unless `--log-bodies true`."""
import json
import urllib.request

from conftest import CHAT_MODEL, Server


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["X-Request-Id"], json.loads(response.read())


def request_lines(server):
    lines = [line for line in server.output().splitlines() if line.strip()]
    objects = [json.loads(line) for line in lines]          # every line is JSON
    return [o for o in objects if o.get("message") == "request"]


def run(*args):
    server = Server("--log-format", "json", *args)
    try:
        request_id, body = post(server.url + "/v1/chat/completions", {
            "model": CHAT_MODEL, "max_tokens": 3, "temperature": 0,
            "messages": [{"role": "user", "content": "SECRET-PROMPT-TEXT"}]})
    finally:
        assert server.stop() == 0
    return request_id, body, request_lines(server), server.output()


def test_json_request_line_without_bodies():
    request_id, body, lines, output = run()
    mine = [line for line in lines if line.get("hb.request.id") == request_id]
    assert len(mine) == 1, output
    line = mine[0]
    assert line["route"] == "/v1/chat/completions" and line["method"] == "POST" and line["status"] == 200
    assert line["model"] == CHAT_MODEL
    assert line["prompt_tokens"] == body["usage"]["prompt_tokens"]
    assert line["completion_tokens"] == body["usage"]["completion_tokens"]
    assert float(line["duration_ms"]) > 0 and line["level"] == "info" and "time" in line
    assert "SECRET-PROMPT-TEXT" not in output


def test_log_bodies_puts_prompt_and_output_in_the_line():
    request_id, body, lines, _ = run("--log-bodies", "true")
    line = next(line for line in lines if line.get("hb.request.id") == request_id)
    assert "SECRET-PROMPT-TEXT" in line["body"]
    assert line["output"] == body["choices"][0]["message"]["content"]
