#!/usr/bin/env python3
# Run: .runtime/venv/bin/python tools/bench_chat_direct.py --prompts PROMPTS.json [--json-out FILE] [--threads N]
#      (PROMPTS.json from: .build/release/ai-gateway bench chat --scenario none --dump-prompts PROMPTS.json)
#
# The chat benchmark's baseline: onnxruntime-genai's own Python API, in-process, no HTTP, on the very prompts that
# `ai-gateway bench chat` sends (same seed and counts give the same prompts). Each prompt is rendered with the model's
# chat template (tokenizer.apply_chat_template on [{"role": "user", "content": ...}], add_generation_prompt=True) and
# decoded greedily with max_length = prompt + max_tokens, each token detokenised through a tokenizer stream as a
# streaming server does. EOS is not suppressed (the server cannot suppress it either): when it comes early, the
# report says how many tokens were generated. The numbers:
#   single:  per prompt of the plan's "single" list, decode tok/s = (tokens - 1) / (time of the last generated token
#            - time of the first), the same definition the server bench uses; the median compares with the server's.
#   prefill: per prompt of the plan's "ttft" list (~250 tokens), the time from appending the prompt to the first
#            generated token (append_tokens runs the prompt through the model; the first generate_next_token picks).
# Each part starts with one unmeasured warmup (the plan's warmup prompts). CPU time of this process and of the rest
# of the machine is reported beside each part, as the server bench does.
import argparse
import json
import os
import platform
import resource
import shlex
import statistics
import sys
import time

import numpy as np
import onnxruntime_genai as og

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def machine_busy_ticks():
    """Busy ticks of all CPUs from /proc/stat (all but idle and iowait), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return sum(v for i, v in enumerate(fields) if i not in (3, 4))


class CPUMeter:
    """CPU seconds of this process and of everything else between start() and stop()."""

    def __init__(self):
        self.tick = os.sysconf("SC_CLK_TCK")

    def start(self):
        self.busy = machine_busy_ticks()
        self.own = time.process_time()
        return self

    def stop(self):
        busy = machine_busy_ticks()
        own = time.process_time() - self.own
        if busy is None or self.busy is None:
            return {"own_seconds": own, "machine_busy_seconds": None, "other_seconds": None}
        machine = (busy - self.busy) / self.tick
        return {"own_seconds": own, "machine_busy_seconds": machine, "other_seconds": max(0.0, machine - own)}


def render(tokenizer, prompt):
    messages = json.dumps([{"role": "user", "content": prompt}])
    return tokenizer.apply_chat_template(messages, add_generation_prompt=True)


def generate(model, tokenizer, eos, prompt, max_tokens):
    """Greedy decoding of up to max_tokens after the rendered prompt, timed token by token."""
    ids = np.array(tokenizer.encode(render(tokenizer, prompt)), dtype=np.int32)
    params = og.GeneratorParams(model)
    params.set_search_options(max_length=len(ids) + max_tokens, do_sample=False)
    generator = og.Generator(model, params)
    stream = tokenizer.create_stream()
    start = time.perf_counter()
    generator.append_tokens(ids)
    times, tokens, pieces = [], [], []
    while not generator.is_done():
        generator.generate_next_token()
        token = int(generator.get_next_tokens()[0])
        if token in eos:
            times.append(time.perf_counter())
            break
        tokens.append(token)
        pieces.append(stream.decode(token))
        times.append(time.perf_counter())
    del generator
    result = {
        "prompt_tokens": int(len(ids)),
        "completion_tokens": len(tokens),
        "finish_reason": "length" if len(tokens) >= max_tokens else "stop",
        "ttft_ms": (times[0] - start) * 1000 if times else None,
        "decode_ms": None,
        "decode_tokens_per_second": None,
        "total_ms": ((times[-1] if times else time.perf_counter()) - start) * 1000,
        "text": "".join(pieces),
    }
    if len(tokens) >= 2:
        # The last generated (non-EOS) token's time: an EOS step is not counted as a token.
        last = times[len(tokens) - 1]
        result["decode_ms"] = (last - times[0]) * 1000
        result["decode_tokens_per_second"] = (len(tokens) - 1) / (last - times[0])
    return result


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"min": min(values), "median": statistics.median(values), "mean": statistics.fmean(values),
            "max": max(values), "values": values}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompts", required=True, help="the plan written by ai-gateway bench chat --dump-prompts")
    parser.add_argument("--model-dir", default=os.path.join(ROOT, "models", "smollm2-135m-instruct"))
    parser.add_argument("--max-tokens", type=int, help="new tokens per single prompt (default: the plan's)")
    parser.add_argument("--json-out", help="write the report as JSON here")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="ONNX Runtime intra-op threads (default: every core; 0 keeps genai_config.json's)")
    args = parser.parse_args()

    with open(args.prompts) as f:
        plan = json.load(f)
    max_tokens = args.max_tokens or plan["max_tokens"]
    ttft_max_tokens = plan.get("ttft_max_tokens", 16)

    started = time.perf_counter()
    # The engine alone at its best: ONNX Runtime on every core (onnxruntime-genai runs it on one thread when
    # genai_config.json sets none), as the server does unless told otherwise.
    config = og.Config(args.model_dir)
    if args.threads > 0:
        config.overlay(json.dumps({"model": {"decoder": {"session_options": {"intra_op_num_threads": args.threads}}}}))
    model = og.Model(config)
    tokenizer = og.Tokenizer(model)
    load_seconds = time.perf_counter() - started
    with open(os.path.join(args.model_dir, "genai_config.json")) as f:
        eos = json.load(f)["model"]["eos_token_id"]
    eos = set(eos if isinstance(eos, list) else [eos])

    generate(model, tokenizer, eos, plan["single_warmup"], 16)
    meter = CPUMeter().start()
    single = [generate(model, tokenizer, eos, prompt, max_tokens) for prompt in plan["single"]]
    single_cpu = meter.stop()

    generate(model, tokenizer, eos, plan["ttft_warmup"], ttft_max_tokens)
    meter = CPUMeter().start()
    prefill = [generate(model, tokenizer, eos, prompt, ttft_max_tokens) for prompt in plan["ttft"]]
    prefill_cpu = meter.stop()
    for run in prefill:
        run.pop("text")

    report = {
        "benchmark": "chat-python-baseline",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command_line": " ".join(shlex.quote(a) for a in [sys.executable] + sys.argv),
        "python": platform.python_version(),
        "onnxruntime_genai": getattr(og, "__version__", "unknown"),
        "model_dir": os.path.relpath(os.path.abspath(args.model_dir), ROOT),
        "threads": args.threads if args.threads > 0 else "genai_config.json session_options",
        "max_tokens": max_tokens,
        "load_seconds": load_seconds,
        "single": {
            "runs": single,
            "decode_tokens_per_second": summary([r["decode_tokens_per_second"] for r in single]),
            "ttft_ms": summary([r["ttft_ms"] for r in single]),
            "completion_tokens": [r["completion_tokens"] for r in single],
            "cpu": single_cpu,
        },
        "prefill": {
            "runs": prefill,
            "prefill_ms": summary([r["ttft_ms"] for r in prefill]),
            "prompt_tokens": [r["prompt_tokens"] for r in prefill],
            "cpu": prefill_cpu,
        },
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(report, f, indent=2)

    decode = report["single"]["decode_tokens_per_second"]
    prefill_ms = report["prefill"]["prefill_ms"]
    print(f"python baseline: onnxruntime-genai {report['onnxruntime_genai']}, {report['model_dir']}, "
          f"load {load_seconds:.2f} s")
    for r in single:
        rate = r["decode_tokens_per_second"]
        print(f"  single: {r['prompt_tokens']} prompt + {r['completion_tokens']} new tokens ({r['finish_reason']}), "
              f"first token {r['ttft_ms']:.1f} ms, decode {'-' if rate is None else f'{rate:.1f}'} tok/s")
    if decode:
        print(f"  single decode median {decode['median']:.1f} tok/s "
              f"(other CPU {single_cpu['other_seconds'] or 0:.1f} s)")
    if prefill_ms:
        print(f"  prefill of {report['prefill']['prompt_tokens']} prompt tokens: median {prefill_ms['median']:.1f} ms "
              f"(other CPU {prefill_cpu['other_seconds'] or 0:.1f} s)")
    print(f"  peak RSS {report['peak_rss_bytes'] / 1048576:.1f} MiB")


if __name__ == "__main__":
    main()
