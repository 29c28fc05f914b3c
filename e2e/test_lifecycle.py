"""SIGTERM/SIGINT on the real `ai-gateway serve` with a stream in flight: the port closes, the stream ends with its
final chunk and [DONE], every model thread is joined and the process exits 0; past the grace period the running
generations are stopped (finish_reason "length") so the drain still ends."""
import json
import signal
import socket
import threading
import time

from conftest import CHAT_MODEL, Server


def open_stream(port, max_tokens, content="Write a very long story about a lighthouse keeper."):
    body = json.dumps({"model": CHAT_MODEL, "stream": True, "max_tokens": max_tokens, "temperature": 0.8,
                       "seed": 7, "logit_bias": {"2": -100},  # no end-of-sequence: runs to max_tokens
                       "messages": [{"role": "user", "content": content}]}).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return s


def read_until(s, marker, received=b""):
    while marker not in received:
        chunk = s.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def read_all(s, received=b""):
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return received
        received += chunk


def ends_with_done(raw):
    """The SSE body (chunked transfer coding: one chunk per event) ends with `data: [DONE]`, then the last chunk."""
    return raw.endswith(b"data: [DONE]\n\n\r\n0\r\n\r\n")


def finish_reasons(raw):
    reasons = []
    for line in raw.decode("utf-8", "replace").split("\n"):
        if line.startswith("data: {"):
            event = json.loads(line[6:])
            for choice in event.get("choices", []):
                if choice.get("finish_reason"):
                    reasons.append(choice["finish_reason"])
    return reasons


def port_closed(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except OSError:
        return True


def test_sigterm_lets_a_stream_finish_then_exits_zero():
    server = Server("--shutdown-grace-seconds", "60")
    s = open_stream(server.port, max_tokens=120)
    head = read_until(s, b'"content":')
    assert b"200 OK" in head
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert port_closed(server.port), "the port should close as soon as the drain starts"
    raw = read_all(s, head)
    s.close()
    assert ends_with_done(raw), raw[-300:]
    assert len(finish_reasons(raw)) == 1
    code = server.process.wait(timeout=60)
    assert code == 0, server.output()
    log = server.output()
    assert "every model released" in log and "stopped" in log


def test_sigint_after_grace_stops_generations_and_exits_zero():
    server = Server("--shutdown-grace-seconds", "1")
    streams = [open_stream(server.port, max_tokens=2000) for _ in range(2)]
    heads = [read_until(s, b'"content":') for s in streams]
    started = time.time()
    server.process.send_signal(signal.SIGINT)
    results = [None, None]

    def drain(i):
        results[i] = read_all(streams[i], heads[i])

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    elapsed = time.time() - started
    for raw in results:
        assert raw is not None and ends_with_done(raw), (raw or b"")[-300:]
        assert finish_reasons(raw) == ["length"]
    assert elapsed < 20, f"6000-token streams should be cut at the 1 s grace, took {elapsed:.1f} s"
    assert server.process.wait(timeout=60) == 0, server.output()
    for s in streams:
        s.close()


def test_idle_server_exits_zero_on_sigterm():
    server = Server()
    assert server.stop() == 0, server.output()
