#!/usr/bin/env bash
# The provider check with CUDA first, run on a machine with an NVIDIA GPU from the payload tools/cuda_payload.sh made
# (no network needed): serves the default models with `--providers cuda,cpu` and then `--providers cpu`, and for each
# records which provider served both models (/v1/models and X-Execution-Provider), the embeddings (cosine between the
# two runs, must be ≥ 0.99), greedy chat (text, exact usage), embeddings throughput and one-stream chat decode rate
# and TTFT. CUDA and cuDNN come from the machine's own Python packages (nvidia-* wheels, e.g. PyTorch's).
#   bash cuda_check.sh PAYLOAD_DIR RESULTS_JSON
set -euo pipefail
payload="$(cd "$1" && pwd)"
results="$2"
python="${PYTHON:-python3}"
nvidia_libs="$("$python" - <<'PY'
import glob, os, site
paths = set()
for base in site.getsitepackages():
    for lib in glob.glob(os.path.join(base, "nvidia", "**", "lib"), recursive=True):
        paths.add(lib)
print(":".join(sorted(paths)))
PY
)"
export LD_LIBRARY_PATH="$payload/lib:$nvidia_libs:${LD_LIBRARY_PATH:-}"
export AIGW_ORT_LIBRARY="$payload/lib/libonnxruntime.so"
export AIGW_ORTX_LIBRARY="$payload/lib/libortextensions.so"
export AIGW_LLGUIDANCE_LIBRARY="$payload/lib/libllguidance.so"
export AIGW_PYTHON_LIBRARY="$payload/lib/libpython3.11.so.1.0"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

pid=""
run_server() {  # $1 providers, $2 port, $3 name; sets pid
    "$payload/bin/ai-gateway" serve --host 127.0.0.1 --port "$2" --providers "$1" \
        --models-dir "$payload/models" --data-dir "$(mktemp -d)" > "/tmp/cuda-check-$3.log" 2>&1 &
    pid=$!
}
measure() {  # $1 port, $2 name -> JSON on stdout
    "$python" - "$1" "$2" <<'PY'
import json, sys, time, urllib.request
port, name = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}"
for _ in range(300):
    try:
        urllib.request.urlopen(base + "/health", timeout=2).read(); break
    except Exception:
        time.sleep(1)
def post(path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        data = json.loads(response.read())
        return data, dict(response.headers), time.perf_counter() - start
texts = ["The quick brown fox jumps over the lazy dog.", "CUDA runs ONNX models on NVIDIA GPUs.",
         "naïve café, 日本語, and an emoji 😀", "A longer sentence with numbers 12345 and punctuation!"]
out = {"name": name}
emb, headers, _ = post("/v1/embeddings", {"model": "all-minilm-l6-v2", "input": texts})
out["embeddings_provider"] = headers.get("X-Execution-Provider")
out["embeddings"] = [d["embedding"] for d in emb["data"]]
batch = [f"sentence number {i} about the weather in a city far away" for i in range(64)]
post("/v1/embeddings", {"model": "all-minilm-l6-v2", "input": batch})
start = time.perf_counter()
for _ in range(10):
    post("/v1/embeddings", {"model": "all-minilm-l6-v2", "input": batch})
out["embeddings_texts_per_second"] = 640 / (time.perf_counter() - start)
chat, headers, _ = post("/v1/chat/completions", {"model": "smollm2-135m-instruct", "max_tokens": 24, "temperature": 0,
                                                  "messages": [{"role": "user", "content": "What is the capital of France?"}]})
out["chat_provider"] = headers.get("X-Execution-Provider")
out["chat_text"] = chat["choices"][0]["message"]["content"]
out["chat_usage"] = chat["usage"]
# One stream, 128 tokens (end-of-sequence barred), timed by its SSE events.
request = urllib.request.Request(base + "/v1/chat/completions", data=json.dumps({
    "model": "smollm2-135m-instruct", "max_tokens": 128, "temperature": 0, "stream": True, "logit_bias": {"2": -100},
    "messages": [{"role": "user", "content": "Tell me a long story about a lighthouse."}]}).encode(),
    headers={"Content-Type": "application/json"})
start = time.perf_counter(); first = None; chunks = 0
with urllib.request.urlopen(request, timeout=600) as response:
    for line in response:
        if line.startswith(b"data: {") and b'"content":"' in line and b'"role"' not in line:
            chunks += 1
            if first is None: first = time.perf_counter()
end = time.perf_counter()
out["chat_ttft_ms"] = (first - start) * 1000 if first else None
out["chat_decode_tokens_per_second"] = (chunks - 1) / (end - first) if first and chunks > 1 else None
models = json.loads(urllib.request.urlopen(base + "/v1/models", timeout=30).read())["data"]
out["models"] = {m["id"]: {k: m.get(k) for k in ("provider", "provider_skipped", "engine", "engine_reason")} for m in models}
print(json.dumps(out))
PY
}
run_server cuda,cpu 8301 cuda
cuda_json="$(measure 8301 cuda)" || true
kill -TERM "$pid"; wait "$pid" || true
run_server cpu 8302 cpu
cpu_json="$(measure 8302 cpu)" || true
kill -TERM "$pid"; wait "$pid" || true
"$python" - "$results" "$cuda_json" "$cpu_json" <<'PY'
import json, math, sys
path, cuda, cpu = sys.argv[1], json.loads(sys.argv[2] or "{}"), json.loads(sys.argv[3] or "{}")
def cosine(a, b):
    return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
report = {"cuda": {k: v for k, v in cuda.items() if k != "embeddings"},
          "cpu": {k: v for k, v in cpu.items() if k != "embeddings"}}
if cuda.get("embeddings") and cpu.get("embeddings"):
    report["embedding_cosines"] = [cosine(a, b) for a, b in zip(cuda["embeddings"], cpu["embeddings"])]
checks = {
    "cuda served embeddings": cuda.get("embeddings_provider") == "CUDAExecutionProvider",
    "cuda served chat": cuda.get("chat_provider") == "CUDAExecutionProvider",
    "embeddings within cosine 0.99": all(c >= 0.99 for c in report.get("embedding_cosines", [0])),
    "chat is text with exact usage": bool(cuda.get("chat_text")) and cuda.get("chat_usage", {}).get("prompt_tokens")
        == cpu.get("chat_usage", {}).get("prompt_tokens"),
}
report["checks"] = checks
json.dump(report, open(path, "w"), indent=2)
print(json.dumps(report, indent=2))
sys.exit(0 if all(checks.values()) else 1)
PY
