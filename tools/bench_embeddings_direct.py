#!/usr/bin/env python3
"""Baseline for `ai-gateway bench embeddings`: the same texts, embedded in-process with ONNX Runtime's Python API
and Hugging Face `tokenizers`, no HTTP.

Exact command (what scripts/bench-embeddings runs, from the repository root):

    .build/release/ai-gateway bench embeddings --scenario none --dump-texts /tmp/texts.json
    .runtime/venv/bin/python tools/bench_embeddings_direct.py --texts /tmp/texts.json \
        --model-dir models/all-minilm-l6-v2 --batch-size 32 --json-out /tmp/python.json \
        --check-url http://127.0.0.1:8077

What it measures, each timed end to end (tokenize, run, mean-pool, L2-normalise):
  as_given   the texts in their order, in batches of --batch-size, each padded to its longest text
             (the very batches the server's batch scenario sends);
  sorted     the texts sorted by length first (longest first, by characters, as sentence-transformers does),
             then the same batching; the embeddings are put back in the original order;
  single     one short text at a time, sequential: latency percentiles.
With --check-url it also sends the first batch to a running server (untimed) and reports the cosine similarity of
the server's embeddings to these, so a throughput comparison is known to compare the same computation.
Threads: ONNX Runtime's defaults (SessionOptions() untouched: intra-op threads = number of physical cores,
sequential execution); `tokenizers` keeps its own default parallelism.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shlex
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", required=True, help="JSON array of strings (ai-gateway bench --dump-texts)")
    parser.add_argument("--model-dir", default="models/all-minilm-l6-v2",
                        help="folder with model.onnx, tokenizer.json, sentence_bert_config.json")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--single-text", default="The quick brown fox jumps over the lazy dog.",
                        help="the text of the single-text latency run (the same default as ai-gateway bench)")
    parser.add_argument("--single-requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5, help="untimed batches and single runs first")
    parser.add_argument("--json-out", help="also write the numbers as JSON to this file")
    parser.add_argument("--check-url", help="also send the first batch to this server's /v1/embeddings (untimed) "
                        "and report the cosine similarity of its embeddings to these")
    return parser.parse_args()


def physical_cores() -> int | None:
    """Distinct (physical id, core id) pairs of /proc/cpuinfo: what ORT's default intra-op pool is sized to."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    cores, physical, core = set(), "0", None
    for line in text.splitlines() + [""]:
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "physical id":
            physical = value
        elif key == "core id":
            core = value
        elif not key:
            if core is not None:
                cores.add((physical, core))
            physical, core = "0", None
    return len(cores) or None


def cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


class Embedder:
    """Tokenizer + session + pooling, exactly as sentence-transformers' all-MiniLM-L6-v2 pipeline."""

    def __init__(self, model_dir: Path) -> None:
        config = json.loads((model_dir / "sentence_bert_config.json").read_text())
        self.max_length = int(config["max_seq_length"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json ships with fixed padding to 128 and truncation at 128: replace both explicitly.
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.tokenizer.enable_truncation(max_length=self.max_length, strategy="longest_first", direction="right")
        self.tokenizer.enable_padding(direction="right", pad_id=0, pad_type_id=0, pad_token="[PAD]", length=None)
        self.options = ort.SessionOptions()  # ORT defaults, on purpose
        self.session = ort.InferenceSession(str(model_dir / "model.onnx"), self.options,
                                            providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}

    def embed(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)  # padded to the longest of this batch
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        (hidden,) = self.session.run(["last_hidden_state"], feeds)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def batches(texts: list[str], order: list[int], size: int) -> list[list[int]]:
    return [order[i:i + size] for i in range(0, len(order), size)]


def cpu_ticks() -> tuple[int | None, float]:
    """(busy clock ticks of the whole machine from /proc/stat, this process's CPU seconds)."""
    busy = None
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
        busy = sum(v for i, v in enumerate(fields) if i not in (3, 4))  # all but idle and iowait
    except (OSError, ValueError, IndexError):
        pass
    times = os.times()
    return busy, times.user + times.system


def cpu_usage(start: tuple[int | None, float]) -> dict:
    """Where the CPU time since `start` went; other_seconds is what other processes took (noise)."""
    end = cpu_ticks()
    own = end[1] - start[1]
    if start[0] is None or end[0] is None:
        return {"machine_busy_seconds": None, "own_seconds": own, "other_seconds": None}
    busy = (end[0] - start[0]) / os.sysconf("SC_CLK_TCK")
    return {"machine_busy_seconds": busy, "own_seconds": own, "other_seconds": max(0.0, busy - own)}


def run_batched(embedder: Embedder, texts: list[str], size: int, sort: bool) -> tuple[dict, np.ndarray]:
    """Embeds every text once in batches of `size`; the clock includes the sort."""
    cpu = cpu_ticks()
    start = time.perf_counter()
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i])) if sort else list(range(len(texts)))
    out = np.empty((len(texts), 0), dtype=np.float32)
    latencies = []
    for batch in batches(texts, order, size):
        t0 = time.perf_counter()
        vectors = embedder.embed([texts[i] for i in batch])
        latencies.append(time.perf_counter() - t0)
        if out.shape[1] == 0:
            out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
        out[batch] = vectors
    seconds = time.perf_counter() - start
    return {
        "batches": len(latencies),
        "texts": len(texts),
        "seconds": seconds,
        "texts_per_second": len(texts) / seconds,
        "batch_latency_ms": summary(latencies),
        "cpu": cpu_usage(cpu),
    }, out


def run_single(embedder: Embedder, text: str, requests: int) -> dict:
    latencies = []
    cpu = cpu_ticks()
    for _ in range(requests):
        t0 = time.perf_counter()
        embedder.embed([text])
        latencies.append(time.perf_counter() - t0)
    return {"requests": requests, "latency_ms": summary(latencies), "cpu": cpu_usage(cpu)}


def summary(seconds: list[float]) -> dict:
    ms = np.array(seconds) * 1000.0
    return {
        "min": float(ms.min()), "mean": float(ms.mean()), "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)), "p99": float(np.percentile(ms, 99)), "max": float(ms.max()),
    }


def server_agreement(url: str, model: str, texts: list[str], reference: np.ndarray) -> dict:
    """Cosine similarity of the server's embeddings of `texts` to `reference` (same order)."""
    body = json.dumps({"model": model, "input": texts, "truncate": True}).encode()
    request = urllib.request.Request(url.rstrip("/") + "/v1/embeddings", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        data = json.load(response)["data"]
    server = np.array([item["embedding"] for item in sorted(data, key=lambda item: item["index"])], dtype=np.float64)
    server /= np.linalg.norm(server, axis=1, keepdims=True)
    cosines = (server * reference.astype(np.float64)).sum(axis=1)
    return {"url": url, "texts": len(texts), "min_cosine": float(cosines.min()), "mean_cosine": float(cosines.mean())}


def main() -> int:
    args = parse_args()
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    print(f"command: {command}")
    texts = json.loads(Path(args.texts).read_text())
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        print(f"{args.texts}: not a non-empty JSON array of strings", file=sys.stderr)
        return 2
    embedder = Embedder(Path(args.model_dir))
    cores = physical_cores()
    threads = (f"ONNX Runtime defaults (SessionOptions untouched: intra_op_num_threads="
               f"{embedder.options.intra_op_num_threads} = one per physical core, {cores or '?'} here; "
               f"inter_op_num_threads={embedder.options.inter_op_num_threads}, sequential execution)")
    print(f"machine: nproc {os.cpu_count()}, {cpu_model()}; onnxruntime {ort.__version__}, "
          f"providers {embedder.session.get_providers()}")
    print(f"threads: {threads}")
    words = [len(t.split()) for t in texts]
    print(f"texts: {len(texts)} from {args.texts}, {min(words)}-{max(words)} words (mean {np.mean(words):.1f}), "
          f"batches of {args.batch_size}, truncation at {embedder.max_length} tokens")

    for batch in batches(texts, list(range(len(texts))), args.batch_size)[:max(1, args.warmup // 2)]:
        embedder.embed([texts[i] for i in batch])
    for _ in range(args.warmup):
        embedder.embed([args.single_text])

    as_given, given_vectors = run_batched(embedder, texts, args.batch_size, sort=False)
    sorted_run, sorted_vectors = run_batched(embedder, texts, args.batch_size, sort=True)
    single = run_single(embedder, args.single_text, args.single_requests)
    difference = float(np.abs(given_vectors - sorted_vectors).max())

    def other(run: dict) -> str:
        value = run["cpu"]["other_seconds"]
        return "-" if value is None else f"{value:.1f} s"

    print()
    print(f"{'run':<10} {'texts':>6} {'seconds':>8} {'texts/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'other CPU':>9}")
    for name, run in (("as_given", as_given), ("sorted", sorted_run)):
        lat = run["batch_latency_ms"]
        print(f"{name:<10} {run['texts']:>6} {run['seconds']:>8.2f} {run['texts_per_second']:>8.1f} "
              f"{lat['p50']:>8.2f} {lat['p95']:>8.2f} {lat['p99']:>8.2f} {other(run):>9}   (latency per batch)")
    lat = single["latency_ms"]
    print(f"{'single':<10} {single['requests']:>6} {'':>8} {'':>8} {lat['p50']:>8.2f} {lat['p95']:>8.2f} "
          f"{lat['p99']:>8.2f} {other(single):>9}   (one text, \"{args.single_text}\")")
    print(f"max |as_given - sorted| over all embedding values: {difference:.2e}")
    agreement = None
    if args.check_url:
        first = texts[:args.batch_size]
        agreement = server_agreement(args.check_url, Path(args.model_dir).name, first, given_vectors[:len(first)])
        print(f"server agreement: cosine of {args.check_url}'s embeddings of the first {len(first)} texts to these: "
              f"min {agreement['min_cosine']:.6f}, mean {agreement['mean_cosine']:.6f}")
    print("other CPU: busy time of all other processes meanwhile; much above 0 means disturbed numbers")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    print(f"peak RSS of this process: {peak_rss / 1048576:.1f} MiB")

    if args.json_out:
        report = {
            "benchmark": "embeddings_direct_python",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "command_line": command,
            "machine": {"nproc": os.cpu_count(), "physical_cores": cores, "cpu_model": cpu_model(),
                        "python": platform.python_version(), "onnxruntime": ort.__version__},
            "threads": threads,
            "model_dir": args.model_dir,
            "texts": {"source": args.texts, "count": len(texts), "batch_size": args.batch_size,
                      "max_length_tokens": embedder.max_length},
            "as_given": as_given,
            "sorted": sorted_run,
            "single": single,
            "max_abs_difference_as_given_vs_sorted": difference,
            "peak_rss_bytes": peak_rss,
            "server_agreement": agreement,
        }
        Path(args.json_out).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
