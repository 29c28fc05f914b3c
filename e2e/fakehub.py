"""A fake Hugging Face Hub on loopback, for testing `ai-gateway pull` without the internet.

It speaks the part of the Hub's HTTP protocol that `huggingface_hub` and `ai-gateway pull` use (tools/tests/
test_fakehub.py checks it against huggingface_hub, the reference client):

  GET  /api/models/{repo}/revision/{rev}     {"id", "sha", "siblings": [{"rfilename"}]} (/api/models/{repo}: main)
  GET  /api/models/{repo}/tree/{rev}         the recursive file list (what snapshot_download reads)
  HEAD/GET /{repo}/resolve/{rev}/{path}      small files: 200 with a git-style ETag; "LFS" files (over 1 KiB or
                                             .onnx/.gguf/.data): 302 to the CDN with X-Linked-Etag = "<sha256>"
                                             and X-Linked-Size
  HEAD/GET /cdn/{sha256}                     on a second port (another origin, like the Hub's CDN)

Every answer of the hub carries X-Repo-Commit; errors carry X-Error-Code (RepoNotFound, RevisionNotFound,
EntryNotFound, GatedRepo) like the Hub. GETs honour `Range: bytes=N-` / `bytes=N-M` (206 + Content-Range, 416).

Switches (attributes, changeable while running): `token` (require `Authorization: Bearer <token>` on the hub: 401
without it or with another), `cut` (paths whose first GET stops after half of the file's bytes, the connection
closed), `broken` (paths whose every GET closes the connection before the first body byte), `corrupt` (paths
served with one byte changed), `bytes_per_second` (slow transfers). `requests` records
every request as (server, method, path, headers).

Files come from a dict {repo: {revision: {path: bytes}}} or from folders (`add_folder`). Run as a script to serve
folders or generated files from the command line (see --help).
"""
import argparse
import hashlib
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LFS_SUFFIXES = (".onnx", ".gguf", ".data", ".bin", ".safetensors")
LFS_THRESHOLD = 1024
CHUNK = 64 * 1024


def git_blob_sha1(data):
    """git's blob id: sha1 of "blob <size>\\0" + content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Blob:
    """One file's content: bytes in memory or a file on disk, with its checksums computed once."""

    def __init__(self, data=None, path=None):
        self.data = data
        self.path = path
        self.size = len(data) if data is not None else os.path.getsize(path)
        h = hashlib.sha256()
        if data is not None:
            h.update(data)
        else:
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        self.sha256 = h.hexdigest()

    def read(self, start, end):
        """Bytes [start, end)."""
        if self.data is not None:
            return self.data[start:end]
        with open(self.path, "rb") as f:
            f.seek(start)
            return f.read(end - start)

    def chunks(self, start, end):
        position = start
        if self.data is not None:
            while position < end:
                yield self.data[position:min(position + CHUNK, end)]
                position += CHUNK
            return
        with open(self.path, "rb") as f:
            f.seek(start)
            while position < end:
                chunk = f.read(min(CHUNK, end - position))
                if not chunk:
                    return
                yield chunk
                position += len(chunk)


class Entry:
    """A file of a repository at a revision."""

    def __init__(self, repo_path, blob):
        self.path = repo_path
        self.blob = blob
        self.lfs = blob.size > LFS_THRESHOLD or repo_path.endswith(LFS_SUFFIXES)
        if self.lfs:
            pointer = (f"version https://git-lfs.github.com/spec/v1\noid sha256:{blob.sha256}\n"
                       f"size {blob.size}\n").encode()
            self.git_oid = git_blob_sha1(pointer)
            self.pointer_size = len(pointer)
        else:
            self.git_oid = git_blob_sha1(blob.read(0, blob.size))
            self.pointer_size = None


class FakeHub:
    """The fake Hub: `start()` it (or use it as a context manager), point HF_ENDPOINT at `url`."""

    def __init__(self, repos=None, token=None):
        self.lock = threading.Lock()
        self.repos = {}  # repo -> {"revisions": {name: commit}, "commits": {commit: {path: Entry}}}
        self.token = token
        self.cut = set()
        self.corrupt = set()
        self.broken = set()
        self.bytes_per_second = None
        self.requests = []
        self._cut_done = set()
        self._blobs = {}  # sha256 -> Blob (what the CDN serves)
        self._servers = []
        for repo, revisions in (repos or {}).items():
            for revision, files in revisions.items():
                self.add_repo(repo, files, revision=revision)

    # -- content ---------------------------------------------------------------------------------------------
    def add_repo(self, repo, files, revision="main"):
        """files: {path: bytes}. Returns the commit sha of the revision."""
        return self._add(repo, revision, {path: Blob(data=bytes(data)) for path, data in files.items()})

    def add_folder(self, repo, folder, revision="main", prefix="", extra=None, rename=None):
        """Every file under `folder` (hidden ones skipped), placed under `prefix/` in the repo; `rename` moves some
        ({path in folder: path in repo}); `extra` adds {path: bytes} files (a README, say)."""
        blobs = {}
        for base, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                full = os.path.join(base, name)
                rel = os.path.relpath(full, folder).replace(os.sep, "/")
                rel = (rename or {}).get(rel, rel)
                blobs[(prefix.rstrip("/") + "/" + rel) if prefix else rel] = Blob(path=full)
        for path, data in (extra or {}).items():
            blobs[path] = Blob(data=bytes(data))
        return self._add(repo, revision, blobs)

    def add_file(self, repo, path, source, revision="main"):
        """Adds one file from disk to an existing (or new) revision; returns the new commit."""
        with self.lock:
            current = dict(self._files(repo, revision) or {})
        blobs = {p: e.blob for p, e in current.items()}
        blobs[path] = Blob(path=source)
        return self._add(repo, revision, blobs)

    def _add(self, repo, revision, blobs):
        entries = {path: Entry(path, blob) for path, blob in sorted(blobs.items())}
        h = hashlib.sha1(repo.encode())
        for path, entry in entries.items():
            h.update(path.encode() + b"\0" + entry.blob.sha256.encode())
        commit = h.hexdigest()
        with self.lock:
            state = self.repos.setdefault(repo, {"revisions": {}, "commits": {}})
            state["revisions"][revision] = commit
            state["commits"][commit] = entries
            for entry in entries.values():
                self._blobs[entry.blob.sha256] = entry.blob
        return commit

    def _files(self, repo, revision):
        state = self.repos.get(repo)
        if state is None:
            return None
        commit = state["revisions"].get(revision, revision if revision in state["commits"] else None)
        return state["commits"].get(commit) if commit else None

    def commit(self, repo, revision="main"):
        with self.lock:
            return self.repos[repo]["revisions"][revision]

    # -- switches and records --------------------------------------------------------------------------------
    def saw(self, method=None, path_contains=None, header=None):
        """The recorded requests matching all the given filters."""
        with self.lock:
            found = list(self.requests)
        return [r for r in found
                if (method is None or r[1] == method)
                and (path_contains is None or path_contains in r[2])
                and (header is None or header.lower() in r[3])]

    # -- serving ---------------------------------------------------------------------------------------------
    def start(self, host="127.0.0.1", port=0):
        self.cdn = self._serve(host, 0, "cdn")
        self.hub = self._serve(host, port, "hub")
        self.url = f"http://{host}:{self.hub.server_address[1]}"
        self.cdn_url = f"http://{host}:{self.cdn.server_address[1]}"
        return self

    def stop(self):
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _serve(self, host, port, role):
        hub = self

        class Handler(_Handler):
            pass

        Handler.hub = hub
        Handler.role = role
        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name=f"fakehub-{role}", daemon=True).start()
        self._servers.append(server)
        return server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub: FakeHub = None
    role = "hub"

    def log_message(self, *args):
        pass

    # -- plumbing --------------------------------------------------------------------------------------------
    def _record(self):
        with self.hub.lock:
            self.hub.requests.append((self.role, self.command, self.path,
                                      {k.lower(): v for k, v in self.headers.items()}))

    def _send(self, status, body=b"", headers=None, content_type="application/json"):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _error(self, status, code=None, message="", commit=None):
        headers = {"X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        if commit:
            headers["X-Repo-Commit"] = commit
        self._send(status, json.dumps({"error": message}).encode(), headers)

    def _authorized(self, repo):
        token = self.hub.token
        if token is None:
            return True
        given = self.headers.get("Authorization")
        if given is None:
            self._error(401, "GatedRepo", f"Access to model {repo} is restricted. You must have access to it and be "
                        "authenticated to access it. Please log in.")
            return False
        if given != f"Bearer {token}":
            self._error(401, None, "Invalid credentials in Authorization header")
            return False
        return True

    def do_HEAD(self):
        self._dispatch()

    def do_GET(self):
        self._dispatch()

    def _dispatch(self):
        self._record()
        try:
            url = urllib.parse.urlsplit(self.path)
            parts = [urllib.parse.unquote(p) for p in url.path.split("/")[1:]]
            if self.role == "cdn":
                if len(parts) == 2 and parts[0] == "cdn":
                    return self._cdn(parts[1])
                return self._error(404, None, "not found")
            if len(parts) == 4 and parts[:2] == ["api", "models"]:
                return self._api(parts[2] + "/" + parts[3], "revision", "main", url.query)
            if len(parts) >= 6 and parts[:2] == ["api", "models"] and parts[4] in ("revision", "tree"):
                return self._api(parts[2] + "/" + parts[3], parts[4], "/".join(parts[5:]), url.query)
            if len(parts) >= 5 and parts[2] == "resolve":
                return self._resolve(parts[0] + "/" + parts[1], parts[3], "/".join(parts[4:]))
            self._error(404, None, "Sorry, we can't find the page you are looking for.")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _lookup(self, repo, revision):
        """(commit, files) or None after answering the error."""
        with self.hub.lock:
            state = self.hub.repos.get(repo)
            if state is None:
                self._error(404, "RepoNotFound", f"Repository not found: {repo}")
                return None
            commit = state["revisions"].get(revision, revision if revision in state["commits"] else None)
            if commit is None:
                self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
                return None
            return commit, state["commits"][commit]

    # -- routes ----------------------------------------------------------------------------------------------
    def _api(self, repo, kind, revision, query):
        if not self._authorized(repo):
            return
        found = self._lookup(repo, revision)
        if found is None:
            return
        commit, files = found
        if kind == "revision":
            body = {"_id": hashlib.md5(repo.encode()).hexdigest()[:24], "id": repo, "modelId": repo,
                    "author": repo.split("/")[0], "sha": commit, "private": False,
                    "gated": "auto" if self.hub.token else False, "disabled": False, "tags": [], "downloads": 0,
                    "likes": 0, "library_name": None, "lastModified": "2026-01-01T00:00:00.000Z",
                    "siblings": [{"rfilename": path} for path in files]}
        else:
            body = []
            for path, entry in files.items():
                item = {"type": "file", "oid": entry.git_oid, "size": entry.blob.size, "path": path}
                if entry.lfs:
                    item["lfs"] = {"oid": entry.blob.sha256, "size": entry.blob.size,
                                   "pointerSize": entry.pointer_size}
                body.append(item)
        self._send(200, json.dumps(body).encode(), {"X-Repo-Commit": commit})

    def _resolve(self, repo, revision, path):
        if not self._authorized(repo):
            return
        found = self._lookup(repo, revision)
        if found is None:
            return
        commit, files = found
        entry = files.get(path)
        if entry is None:
            return self._error(404, "EntryNotFound", f"{path} does not exist on \"{revision}\"", commit)
        if entry.lfs:
            location = f"{self.hub.cdn_url}/cdn/{entry.blob.sha256}?filename={urllib.parse.quote(path)}"
            return self._send(302, b"", {"Location": location, "X-Repo-Commit": commit,
                                         "X-Linked-Etag": f"\"{entry.blob.sha256}\"",
                                         "X-Linked-Size": str(entry.blob.size), "ETag": f"\"{entry.git_oid}\""},
                              content_type="text/plain; charset=utf-8")
        self._content(entry.blob, path, {"X-Repo-Commit": commit, "ETag": f"\"{entry.git_oid}\""},
                      key=(repo, path))

    def _cdn(self, sha256):
        with self.hub.lock:
            blob = self.hub._blobs.get(sha256)
            owners = [(repo, path) for repo, state in self.hub.repos.items()
                      for files in state["commits"].values() for path, e in files.items() if e.blob is blob]
        if blob is None:
            return self._error(404, None, "NoSuchKey")
        key = owners[0] if owners else ("", sha256)
        self._content(blob, key[1], {"ETag": f"\"{sha256}\""}, key=key)

    def _content(self, blob, path, headers, key):
        """Serves a file's bytes (or its headers for HEAD), honouring Range, the cut and the corruption."""
        size = blob.size
        start, end = 0, size
        status = 200
        headers = dict(headers)
        headers["Accept-Ranges"] = "bytes"
        headers["Content-Disposition"] = f"inline; filename=\"{path.split('/')[-1]}\""
        wanted = self.headers.get("Range")
        if wanted and self.command == "GET":
            parsed = _parse_range(wanted, size)
            if parsed is None:
                headers["Content-Range"] = f"bytes */{size}"
                return self._send(416, b"", headers)
            start, end = parsed
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start))
        self.end_headers()
        if self.command == "HEAD":
            return
        repo_key = key[1]
        cut_at = None
        with self.hub.lock:
            if repo_key in self.hub.broken:
                cut_at = start
            elif repo_key in self.hub.cut and repo_key not in self.hub._cut_done:
                self.hub._cut_done.add(repo_key)
                cut_at = max(size // 2, start + 1)
            corrupt = repo_key in self.hub.corrupt
        position = start
        for chunk in blob.chunks(start, end):
            if corrupt and position <= size // 2 < position + len(chunk):
                index = size // 2 - position
                chunk = chunk[:index] + bytes([chunk[index] ^ 0xFF]) + chunk[index + 1:]
            if cut_at is not None and position + len(chunk) >= cut_at:
                # the Content-Length promised more: the client sees the connection close mid-body
                self.wfile.write(chunk[:cut_at - position])
                self.wfile.flush()
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            self.wfile.write(chunk)
            position += len(chunk)
            rate = self.hub.bytes_per_second
            if rate:
                time.sleep(len(chunk) / rate)


def _parse_range(header, size):
    """`bytes=N-` or `bytes=N-M` → (start, end exclusive); None when not satisfiable."""
    if not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes="):].partition("-")
    try:
        if first == "":
            length = int(last)
            return (max(size - length, 0), size) if length > 0 and size > 0 else None
        start = int(first)
        end = int(last) + 1 if last else size
    except ValueError:
        return None
    if start >= size or end <= start:
        return None
    return start, min(end, size)


def generated_bytes(size, seed=1):
    """Deterministic pseudo-random bytes (the same in the Swift tests' expectations)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d:%d" % (seed, counter)).digest()
        counter += 1
    return bytes(out[:size])


def main():
    ap = argparse.ArgumentParser(description="Serve a fake Hugging Face Hub on loopback until killed.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--folder", action="append", default=[], metavar="OWNER/NAME=DIR",
                    help="serve the files under DIR as a repository (revision main)")
    ap.add_argument("--generated", action="append", default=[], metavar="OWNER/NAME:PATH=SIZE",
                    help="a file of SIZE generated bytes (see generated_bytes) in a repository")
    ap.add_argument("--token", help="require this bearer token")
    ap.add_argument("--cut", action="append", default=[], metavar="PATH", help="cut the first GET of PATH halfway")
    ap.add_argument("--broken", action="append", default=[], metavar="PATH",
                    help="close every GET of PATH before its body")
    ap.add_argument("--corrupt", action="append", default=[], metavar="PATH", help="serve PATH with one byte changed")
    ap.add_argument("--bytes-per-second", type=float, help="slow every transfer down to this rate")
    args = ap.parse_args()
    hub = FakeHub(token=args.token)
    for spec in args.folder:
        repo, _, folder = spec.partition("=")
        hub.add_folder(repo, folder)
    generated = {}
    for spec in args.generated:
        target, _, size = spec.rpartition("=")
        repo, _, path = target.partition(":")
        generated.setdefault(repo, {})[path] = generated_bytes(int(size))
    for repo, files in generated.items():
        hub.add_repo(repo, files)
    hub.cut.update(args.cut)
    hub.corrupt.update(args.corrupt)
    hub.broken.update(args.broken)
    hub.bytes_per_second = args.bytes_per_second
    hub.start(port=args.port)
    # a parent may have left SIGTERM ignored or blocked (a service handling signals itself, a test runner): stop on
    # it regardless
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    print(hub.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        hub.stop()


if __name__ == "__main__":
    main()
