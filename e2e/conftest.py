"""Shared fixtures of the end-to-end tests: the real `ai-gateway serve` binary (built by `swift build`) on a free
port with the real default models from `scripts/setup`. Each test module gets its own server."""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("AIGW_BINARY", os.path.join(ROOT, ".build", "debug", "ai-gateway"))
CHAT_MODEL = "smollm2-135m-instruct"
EMBEDDING_MODEL = "all-minilm-l6-v2"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running `ai-gateway serve` process."""

    def __init__(self, *args, env=None, startup_timeout=180):
        if not os.path.exists(BINARY):
            raise RuntimeError(f"{BINARY} is missing: run `swift build` first")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join("/tmp", f"aigw-e2e-{self.port}.log")
        self.log = open(self.log_path, "wb")
        environment = dict(os.environ)
        environment.update(env or {})
        self.process = subprocess.Popen(
            [BINARY, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--models-dir", os.path.join(ROOT, "models"), *args],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env=environment)
        deadline = time.time() + startup_timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except Exception:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not answer /health in time: " + self.output())

    def output(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")[-4000:]

    def alive(self):
        return self.process.poll() is None

    def health(self):
        with urllib.request.urlopen(self.url + "/health", timeout=10) as r:
            return r.status, json.loads(r.read())

    def stop(self, timeout=60):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    code = s.stop()
    assert code == 0, f"server exited with {code}: {s.output()}"
