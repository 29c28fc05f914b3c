"""`ai-gateway pull` (the real binary) against a fake Hugging Face Hub on loopback (e2e/fakehub.py, checked against
huggingface_hub by tools/tests/test_fakehub.py) serving copies of the real default models laid out like Hub repos:
the folder appears with the exact bytes, a cut transfer resumes with Range, a corrupted LFS file, a 401, a 404, a bad
repo id and an existing name each fail in one line leaving nothing behind, a GGUF is pulled and imported, and `serve`
answers with every pulled model."""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest

from conftest import BINARY, CHAT_MODEL, EMBEDDING_MODEL, ROOT, Server
from fakehub import FakeHub, generated_bytes

EMBEDDING_DIR = os.path.join(ROOT, "models", EMBEDDING_MODEL)
CHAT_DIR = os.path.join(ROOT, "models", CHAT_MODEL)
GGUF = os.path.join(ROOT, ".runtime", "gguf", "SmolLM2-135M-Instruct.Q4_1.gguf")
GENAI_PREFIX = "cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4"
BGE_INCLUDES = ["--include", "onnx/model.onnx", "--include", "*.json", "--include", "vocab.txt"]


def folder_files(folder):
    """{relative path: bytes digest} of every file under `folder` (hidden ones too)."""
    out = {}
    for base, _, names in os.walk(folder):
        for name in names:
            full = os.path.join(base, name)
            with open(full, "rb") as f:
                out[os.path.relpath(full, folder)] = hashlib.sha256(f.read()).hexdigest()
    return out


def visible(folder, exclude=(".complete",)):
    return {k: v for k, v in folder_files(folder).items() if os.path.basename(k) not in exclude}


@pytest.fixture(scope="module")
def hub():
    for path in (EMBEDDING_DIR, CHAT_DIR, GGUF):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing: run `bash scripts/setup` first")
    h = FakeHub()
    readme = {"README.md": b"---\nlicense: apache-2.0\n---\n# model card\n"}
    # like BAAI/bge-small-en-v1.5: the ONNX export under onnx/, tokenizer and configs at the top, other weights beside
    h.add_folder("acme/MiniLM-L6-v2", EMBEDDING_DIR, rename={"model.onnx": "onnx/model.onnx"}, extra={
        **readme, "pytorch_model.bin": generated_bytes(4096, seed=2),
        "onnx/model_quantized.onnx": generated_bytes(2048, seed=3)})
    # like microsoft/Phi-3-mini-4k-instruct-onnx: a genai folder per variant under sub-directories
    h.add_folder("acme/SmolLM2-135M-Instruct-onnx", CHAT_DIR, prefix=GENAI_PREFIX, extra={
        **readme, "cuda/cuda-int4/genai_config.json": b"{}"})
    # like a GGUF repo: one file per quantisation
    h.add_repo("acme/SmolLM2-135M-Instruct-GGUF", {**readme,
                                                   "SmolLM2-135M-Instruct.Q8_0.gguf": generated_bytes(3000, seed=4)})
    h.add_file("acme/SmolLM2-135M-Instruct-GGUF", "SmolLM2-135M-Instruct.Q4_1.gguf", GGUF)
    # a repo made for the failure cases (its own paths, so switches do not touch the others)
    h.add_repo("acme/small", {"config.json": b'{"a": 1}\n', "weights.onnx": generated_bytes(300_000, seed=5),
                              "weights2.onnx": generated_bytes(5000, seed=6)})
    h.start()
    yield h
    h.stop()


@pytest.fixture()
def models_dir(tmp_path):
    path = tmp_path / "models"
    path.mkdir()
    return str(path)


def pull(hub, models_dir, *args, token=None, timeout=300):
    env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "HF_ENDPOINT")}
    env["HF_ENDPOINT"] = hub.url
    if token is not None:
        env["HF_TOKEN"] = token
    return subprocess.run([BINARY, "pull", *args, "--models-dir", models_dir], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def assert_one_line_failure(result, *fragments):
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    error = [line for line in lines if line.startswith("Error: ")]
    assert len(error) == 1 and error[0] == lines[-1], result.stderr
    for fragment in fragments:
        assert fragment in error[0], error[0]
    assert "Fatal error" not in result.stderr and "Stack" not in result.stderr
    return error[0]


def test_pull_embedding_model_with_bge_layout(hub, models_dir):
    r = pull(hub, models_dir, "acme/MiniLM-L6-v2", *BGE_INCLUDES)
    assert r.returncode == 0, r.stderr
    target = os.path.join(models_dir, "minilm-l6-v2")
    assert r.stdout.strip().splitlines()[-1] == f"model ready: minilm-l6-v2 ({target})"
    expected = {("onnx/model.onnx" if k == "model.onnx" else k): v for k, v in visible(EMBEDDING_DIR).items()}
    assert visible(target, exclude=()) == expected
    assert os.listdir(models_dir) == ["minilm-l6-v2"]
    # plain progress lines (stderr is not a terminal here)
    assert "downloading onnx/model.onnx (22.9 MB)" in r.stderr
    assert "done onnx/model.onnx (22.9 MB)" in r.stderr
    assert r.stderr.startswith("revision ")
    # the LFS file came through the hub's 302 and the CDN origin
    assert hub.saw(method="HEAD", path_contains="/acme/MiniLM-L6-v2/resolve/")
    assert hub.saw(method="GET", path_contains="/cdn/")


def test_pull_genai_subfolder_becomes_the_model_folder(hub, models_dir):
    r = pull(hub, models_dir, "acme/SmolLM2-135M-Instruct-onnx", "--include", GENAI_PREFIX + "/*", "--parallel", "2")
    assert r.returncode == 0, r.stderr
    target = os.path.join(models_dir, "smollm2-135m-instruct-onnx")
    assert visible(target, exclude=()) == visible(CHAT_DIR)
    assert "model ready: smollm2-135m-instruct-onnx" in r.stdout


def test_cut_transfer_resumes_with_range(hub, models_dir):
    commit = hub.commit("acme/small")
    hub.cut.add("weights.onnx")
    try:
        r = pull(hub, models_dir, "acme/small", "--name", "resumed")
    finally:
        hub.cut.discard("weights.onnx")
    assert r.returncode == 0, r.stderr
    with open(os.path.join(models_dir, "resumed", "weights.onnx"), "rb") as f:
        assert f.read() == generated_bytes(300_000, seed=5)
    ranged = hub.saw(method="GET", path_contains="/cdn/", header="Range")
    assert ranged, "no Range request after the cut"
    # resumed from the bytes on disk: some of the 150000 sent before the cut may still have been in flight
    start = int(ranged[-1][3]["range"].removeprefix("bytes=").removesuffix("-"))
    assert 0 < start <= 150_000
    # the files were resolved at the listed commit, not at the moving branch
    assert hub.saw(method="HEAD", path_contains=f"/acme/small/resolve/{commit}/weights.onnx")


def test_checksum_mismatch_leaves_nothing(hub, models_dir):
    hub.corrupt.add("weights.onnx")
    try:
        r = pull(hub, models_dir, "acme/small", "--name", "corrupt")
    finally:
        hub.corrupt.discard("weights.onnx")
    assert_one_line_failure(r, "checksum mismatch for weights.onnx")
    assert os.listdir(models_dir) == []


def test_network_failure_after_retries_leaves_nothing(hub, models_dir):
    hub.broken.add("weights2.onnx")
    start = time.time()
    try:
        r = pull(hub, models_dir, "acme/small", "--name", "broken")
    finally:
        hub.broken.discard("weights2.onnx")
    assert_one_line_failure(r, "download of weights2.onnx failed after 5 tries")
    assert time.time() - start >= 2.5  # backed off 0.2 + 0.4 + 0.8 + 1.6 s
    assert len(hub.saw(method="GET", path_contains="filename=weights2.onnx")) >= 5
    assert os.listdir(models_dir) == []


def test_token_gated_repository(hub, models_dir):
    hub.token = "hf_e2e_token"
    try:
        anonymous = pull(hub, models_dir, "acme/small", "--name", "gated")
        wrong = pull(hub, models_dir, "acme/small", "--name", "gated", token="hf_wrong")
        before = len(hub.requests)
        good = pull(hub, models_dir, "acme/small", "--name", "gated", token="hf_e2e_token")
        after = hub.requests[before:]
    finally:
        hub.token = None
    assert_one_line_failure(anonymous, "acme/small is gated or private: set HF_TOKEN with access to it")
    assert_one_line_failure(wrong, "refused HF_TOKEN")
    assert good.returncode == 0, good.stderr
    assert os.listdir(models_dir) == ["gated"]
    hub_requests = [r for r in after if r[0] == "hub"]
    assert hub_requests and all(r[3].get("authorization") == "Bearer hf_e2e_token" for r in hub_requests)
    assert all("authorization" not in r[3] for r in after if r[0] == "cdn")  # the token never leaves the Hub


def test_not_found(hub, models_dir):
    assert_one_line_failure(pull(hub, models_dir, "acme/missing"), "not found on the Hub: acme/missing")
    assert_one_line_failure(pull(hub, models_dir, "acme/small", "--revision", "v9"),
                            "not found on the Hub: revision 'v9' of acme/small")
    assert_one_line_failure(pull(hub, models_dir, "acme/small", "--include", "*.safetensors"),
                            "no file of acme/small", "config.json")
    assert os.listdir(models_dir) == []


@pytest.mark.parametrize("repo", ["not-a-repo", "a/b/c", "../../etc", "acme/sm all", "_x/y", "acme/.."])
def test_bad_repository_id(hub, models_dir, repo):
    before = len(hub.requests)
    assert_one_line_failure(pull(hub, models_dir, repo), "invalid repository id")
    assert len(hub.requests) == before  # refused before any request


def test_bad_name_and_revision(hub, models_dir):
    assert_one_line_failure(pull(hub, models_dir, "acme/small", "--name", "../x"), "invalid model name")
    assert_one_line_failure(pull(hub, models_dir, "acme/small", "--name", ".hidden"), "invalid model name")
    assert_one_line_failure(pull(hub, models_dir, "acme/small", "--revision", "../main"), "invalid revision")
    assert os.listdir(models_dir) == []


def test_existing_name(hub, models_dir):
    os.mkdir(os.path.join(models_dir, "small"))
    before = len(hub.requests)
    assert_one_line_failure(pull(hub, models_dir, "acme/small"), "already exists; remove it or pass --name")
    assert len(hub.requests) == before
    assert os.listdir(models_dir) == ["small"]


def test_interrupt_removes_the_temporary_folder(hub, models_dir):
    hub.bytes_per_second = 2_000_000
    env = dict(os.environ, HF_ENDPOINT=hub.url)
    try:
        p = subprocess.Popen([BINARY, "pull", "acme/MiniLM-L6-v2", *BGE_INCLUDES, "--models-dir", models_dir],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        while time.time() < deadline and not any(n.startswith(".pull-") for n in os.listdir(models_dir)):
            time.sleep(0.05)
        time.sleep(1)
        assert any(n.startswith(".pull-") for n in os.listdir(models_dir)), "the pull did not start"
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
    finally:
        hub.bytes_per_second = None
    assert p.returncode == 1, err
    assert "interrupted" in err
    assert os.listdir(models_dir) == []


def test_disk_full_leaves_nothing(hub, tmp_path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        models_dir = str(mount / "models")
        r = pull(hub, models_dir, "acme/MiniLM-L6-v2", *BGE_INCLUDES)
        assert_one_line_failure(r, "disk full while writing")
        assert os.listdir(models_dir) == []
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_gguf_is_pulled_and_imported(hub, models_dir):
    r = pull(hub, models_dir, "acme/SmolLM2-135M-Instruct-GGUF", "--include", "*Q4_1.gguf", "--name", "smol-gguf")
    assert r.returncode == 0, r.stderr
    target = os.path.join(models_dir, "smol-gguf")
    assert "importing SmolLM2-135M-Instruct.Q4_1.gguf" in r.stderr
    assert r.stdout.strip().splitlines()[-1] == f"model ready: smol-gguf ({target})"
    assert os.listdir(models_dir) == ["smol-gguf"]  # the .gguf and the temporary folder are gone
    files = set(os.listdir(target))
    assert {"genai_config.json", "model.onnx", "model.onnx.data", "tokenizer.json"} <= files
    assert not [f for f in files if f.endswith(".gguf")]
    with open(os.path.join(target, "import_info.json")) as f:
        assert json.load(f)["source"] == "SmolLM2-135M-Instruct.Q4_1.gguf"
    # the same importer on the same file: the same weights as the default chat model
    with open(os.path.join(target, "model.onnx.data"), "rb") as a, \
            open(os.path.join(CHAT_DIR, "model.onnx.data"), "rb") as b:
        assert hashlib.sha256(a.read()).digest() == hashlib.sha256(b.read()).digest()


def test_two_gguf_files_need_a_choice(hub, models_dir):
    assert_one_line_failure(pull(hub, models_dir, "acme/SmolLM2-135M-Instruct-GGUF"), "2 GGUF files match")
    assert os.listdir(models_dir) == []


def post(url, body, timeout=120):
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as r:
        return r.status, json.loads(r.read())


def test_serve_answers_with_the_pulled_models(hub, tmp_path_factory):
    models_dir = str(tmp_path_factory.mktemp("served") / "models")
    for args in (["acme/MiniLM-L6-v2", *BGE_INCLUDES, "--name", "pulled-embed"],
                 ["acme/SmolLM2-135M-Instruct-onnx", "--include", GENAI_PREFIX + "/*", "--name", "pulled-chat"],
                 ["acme/SmolLM2-135M-Instruct-GGUF", "--include", "*Q4_1.gguf", "--name", "pulled-gguf"]):
        r = pull(hub, models_dir, *args)
        assert r.returncode == 0, r.stderr
    listed = subprocess.run([BINARY, "models", "--models-dir", models_dir], cwd=ROOT, capture_output=True, text=True)
    assert "pulled-embed\tembedding" in listed.stdout, listed.stdout
    assert "pulled-chat\tchat" in listed.stdout, listed.stdout
    server = Server("--models-dir", models_dir)
    try:
        status, body = post(server.url + "/v1/embeddings", {"model": "pulled-embed", "input": ["hello", "world"]})
        assert status == 200
        vectors = [d["embedding"] for d in body["data"]]
        assert len(vectors) == 2 and all(len(v) == 384 for v in vectors)
        for model in ("pulled-chat", "pulled-gguf"):
            status, body = post(server.url + "/v1/chat/completions", {
                "model": model, "max_tokens": 5, "messages": [{"role": "user", "content": "Say hello."}]})
            assert status == 200
            assert body["model"] == model
            assert body["choices"][0]["message"]["content"].strip()
            assert body["usage"]["completion_tokens"] <= 5
    finally:
        code = server.stop()
    assert code == 0, server.output()
