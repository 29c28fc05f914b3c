"""The fake Hub (e2e/fakehub.py) against the reference client: huggingface_hub, pointed at it with HF_ENDPOINT,
must download the same bytes through the same protocol (revision API, tree API, resolve + 302 to the CDN with the
LFS etag, Range after a cut, the error codes). If these pass, the e2e tests of `ai-gateway pull` talk to something
that behaves like the Hub."""
import hashlib
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "e2e"))

from fakehub import FakeHub, generated_bytes  # noqa: E402

pytest.importorskip("huggingface_hub")

SMALL = b'{"hidden_size": 384}\n'
BIG = generated_bytes(300_000, seed=7)
TOKENIZER = generated_bytes(5_000, seed=8)  # over 1 KiB: stored in "LFS" though not a weights file
FILES = {"config.json": SMALL, "onnx/model.onnx": BIG, "tokenizer.json": TOKENIZER, "README.md": b"# card\n"}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def git_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def hf(hub, tmp_path, code, token=None, check=True):
    """Runs `code` in a fresh Python with HF_ENDPOINT at the fake; its last stdout line is JSON."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=hub.url, HF_HUB_CACHE=str(tmp_path / "cache"), HF_HUB_DISABLE_TELEMETRY="1",
               HF_HUB_DISABLE_PROGRESS_BARS="1", HF_HUB_ETAG_TIMEOUT="10", HF_HUB_DOWNLOAD_TIMEOUT="10")
    if token:
        env["HF_TOKEN"] = token
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"huggingface_hub failed: {r.stderr[-3000:]}")
    return r


def last_json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture()
def hub():
    with FakeHub({"acme/tiny": {"main": FILES}}) as h:
        yield h


def test_hf_hub_download_small_and_lfs_files(hub, tmp_path):
    code = """
import json, os
from huggingface_hub import hf_hub_download
out = {}
for name in ("config.json", "onnx/model.onnx", "tokenizer.json"):
    path = hf_hub_download("acme/tiny", name)
    out[name] = {"path": path, "blob": os.path.basename(os.path.realpath(path))}
print(json.dumps(out))
"""
    out = last_json(hf(hub, tmp_path, code))
    for name in ("config.json", "onnx/model.onnx", "tokenizer.json"):
        with open(out[name]["path"], "rb") as f:
            assert f.read() == FILES[name], name
    # huggingface_hub names cached blobs by the etag it read: git's sha1 for a small file, the LFS sha256 from
    # X-Linked-Etag for a redirected one
    assert out["config.json"]["blob"] == git_sha1(SMALL)
    assert out["onnx/model.onnx"]["blob"] == sha256(BIG)
    assert out["tokenizer.json"]["blob"] == sha256(TOKENIZER)
    # the LFS bytes came from the CDN origin, after the hub's 302, without the hub being asked for them
    cdn_gets = hub.saw(method="GET", path_contains="/cdn/" + sha256(BIG))
    assert cdn_gets and all(r[0] == "cdn" for r in cdn_gets)
    assert hub.saw(method="HEAD", path_contains="/acme/tiny/resolve/main/onnx/model.onnx")
    assert not hub.saw(method="GET", path_contains="/acme/tiny/resolve/main/onnx/model.onnx")


def test_snapshot_download_uses_revision_and_tree_apis(hub, tmp_path):
    code = """
import json, os
from huggingface_hub import HfApi, snapshot_download
info = HfApi().model_info("acme/tiny", revision="main")
assert HfApi().model_info("acme/tiny").sha == info.sha
folder = snapshot_download("acme/tiny", revision="main", allow_patterns=["onnx/model.onnx", "*.json"])
files = sorted(os.path.relpath(os.path.join(b, n), folder) for b, _, ns in os.walk(folder) for n in ns)
print(json.dumps({"sha": info.sha, "siblings": [s.rfilename for s in info.siblings], "folder": folder,
                  "files": files}))
"""
    out = last_json(hf(hub, tmp_path, code))
    assert out["sha"] == hub.commit("acme/tiny")
    assert sorted(out["siblings"]) == sorted(FILES)
    assert out["files"] == ["config.json", "onnx/model.onnx", "tokenizer.json"]
    for name in out["files"]:
        with open(os.path.join(out["folder"], name), "rb") as f:
            assert f.read() == FILES[name]
    assert hub.saw(path_contains="/api/models/acme/tiny/revision/main")
    assert hub.saw(path_contains="/api/models/acme/tiny/tree/")


def test_cut_transfer_resumes_with_range(hub, tmp_path):
    # huggingface_hub writes 10 MiB at a time, so the cut (at half the file) must come after its first chunk
    large = generated_bytes(24 << 20, seed=9)
    hub.add_repo("acme/large", {"model.onnx.data": large})
    hub.cut.add("model.onnx.data")
    code = """
from huggingface_hub import hf_hub_download
print(hf_hub_download("acme/large", "model.onnx.data"))
"""
    path = hf(hub, tmp_path, code).stdout.strip().splitlines()[-1]
    with open(path, "rb") as f:
        assert f.read() == large
    ranged = hub.saw(method="GET", path_contains="/cdn/", header="Range")
    assert ranged, "huggingface_hub did not resume with a Range request"
    start = int(ranged[0][3]["range"].split("=")[1].split("-")[0])
    assert 0 < start <= len(large) // 2


def test_errors_use_the_hub_error_codes(hub, tmp_path):
    code = """
import json
from huggingface_hub import hf_hub_download, HfApi
from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError, EntryNotFoundError
out = {}
for label, call in [("repo", lambda: hf_hub_download("acme/missing", "config.json")),
                    ("revision", lambda: hf_hub_download("acme/tiny", "config.json", revision="v9")),
                    ("file", lambda: hf_hub_download("acme/tiny", "missing.json")),
                    ("info", lambda: HfApi().model_info("acme/tiny", revision="v9"))]:
    try:
        call()
        out[label] = "ok"
    except Exception as e:
        out[label] = type(e).__name__
print(json.dumps(out))
"""
    out = last_json(hf(hub, tmp_path, code))
    assert out == {"repo": "RepositoryNotFoundError", "revision": "RevisionNotFoundError",
                   "file": "RemoteEntryNotFoundError", "info": "RevisionNotFoundError"}


def test_token_is_required_when_set(hub, tmp_path):
    hub.token = "hf_fake_token"
    code = """
import json
from huggingface_hub import hf_hub_download
try:
    path = hf_hub_download("acme/tiny", "onnx/model.onnx")
    print(json.dumps({"ok": open(path, "rb").read() == open(path, "rb").read(), "path": path}))
except Exception as e:
    print(json.dumps({"error": type(e).__name__, "status": getattr(getattr(e, "response", None), "status_code", None)}))
"""
    assert last_json(hf(hub, tmp_path / "a", code)) == {"error": "GatedRepoError", "status": 401}
    wrong = last_json(hf(hub, tmp_path / "b", code, token="hf_wrong"))
    assert wrong["status"] == 401
    good = last_json(hf(hub, tmp_path / "c", code, token="hf_fake_token"))
    with open(good["path"], "rb") as f:
        assert f.read() == BIG
    # the token went to the hub, not to the CDN
    assert hub.saw(method="HEAD", path_contains="/resolve/", header="Authorization")
    assert not [r for r in hub.saw(path_contains="/cdn/") if "authorization" in r[3]]


def test_corrupt_switch_changes_one_byte(hub):
    import urllib.request
    hub.corrupt.add("onnx/model.onnx")
    with urllib.request.urlopen(f"{hub.cdn_url}/cdn/{sha256(BIG)}") as r:
        data = r.read()
    assert len(data) == len(BIG) and data != BIG
    assert sum(a != b for a, b in zip(data, BIG)) == 1


def test_ranges(hub):
    import urllib.error
    import urllib.request
    url = f"{hub.cdn_url}/cdn/{sha256(BIG)}"
    request = urllib.request.Request(url, headers={"Range": "bytes=100-"})
    with urllib.request.urlopen(request) as r:
        assert r.status == 206
        assert r.headers["Content-Range"] == f"bytes 100-{len(BIG) - 1}/{len(BIG)}"
        assert r.read() == BIG[100:]
    request = urllib.request.Request(url, headers={"Range": f"bytes={len(BIG)}-"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(request)
    assert e.value.code == 416
