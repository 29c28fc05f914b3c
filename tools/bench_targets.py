#!/usr/bin/env python3
"""Latency scenarios of the engine issue's targets, against any OpenAI-compatible server (ai-gateway or llama.cpp's
llama-server), streaming, greedy, standard library only.

Run: .runtime/venv/bin/python tools/bench_targets.py --url http://127.0.0.1:8000 --model smollm2-135m-instruct
         [--json-out FILE] [--scenarios multiturn,late,prompt300]

  multiturn  (target a) a 5-turn chat whose first message carries ~1,100 tokens of notes; each turn appends the
             answer (64 new tokens) and a new question, sent --think-seconds (1) after the answer ends, as a user
             reading it (0: back to back). Reported: the time to the first token of every turn; turns 2-5 should
             reuse the cached prefix (<= 0.1x turn 1).
  late       (target d) a request's time to first token alone (idle, median of 3), then while 3 other streams are
             decoding (median of 3 tries): the ratio should stay <= 2.
  prompt300  (target e) the time to the first token of ~300-token prompts, one at a time (median of 5).
Each scenario starts with an unmeasured warmup request. Prompts are deterministic (seeded) and differ from run to
run of a scenario, so nothing but the intended prefix is shared.
"""
import argparse
import http.client
import json
import random
import statistics
import threading
import time
import urllib.parse

WORDS = ("harbor river lantern signal compass merchant castle library market bridge winter island engine letter "
         "garden mountain forest village station journey weather painter teacher doctor kitchen window ocean "
         "music number problem answer question history science memory energy network story morning evening").split()


def notes(seed, words):
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words))


class Client:
    def __init__(self, url, model):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port, self.model = parsed.hostname, parsed.port or 80, model

    def stream(self, messages, max_tokens, stop_event=None):
        """Streams one chat completion; returns (ttft seconds, completion text, total seconds)."""
        body = json.dumps({"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": 0,
                           "stream": True})
        connection = http.client.HTTPConnection(self.host, self.port, timeout=600)
        start = time.perf_counter()
        connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {response.read()[:300]!r}")
        first, text = None, []
        for raw in response:
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            event = json.loads(line[6:])
            for choice in event.get("choices", []):
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    if first is None:
                        first = time.perf_counter() - start
                    text.append(piece)
            if stop_event is not None and stop_event.is_set():
                break
        connection.close()
        return first, "".join(text), time.perf_counter() - start


def multiturn(client, seed, think=1.0):
    client.stream([{"role": "user", "content": "Say hello."}], 4)
    messages = [{"role": "user", "content": "Here are my notes: " + notes(seed, 1000)
                 + "\n\nQuestion 1: which words appear most often?"}]
    turns = []
    for turn in range(5):
        ttft, answer, _ = client.stream(messages, 64)
        turns.append(ttft)
        messages += [{"role": "assistant", "content": answer},
                     {"role": "user", "content": f"Question {turn + 2}: tell me more about {WORDS[turn]}."}]
        time.sleep(think)
    return {"ttft_ms": [t * 1000 for t in turns],
            "later_over_first": [t / turns[0] for t in turns[1:]]}


def late(client, seed):
    client.stream([{"role": "user", "content": "Say hello."}], 4)

    def request(i):
        return [{"role": "user", "content": f"Request {seed}-{i}: write two sentences about "
                 + notes(seed * 100 + i, 12)}]
    idle = [client.stream(request(i), 8)[0] for i in range(3)]
    busy = []
    for attempt in range(3):
        stop = threading.Event()
        background = [threading.Thread(target=client.stream, args=(
            [{"role": "user", "content": f"Write a very long essay about {WORDS[attempt * 3 + k]} {seed}."}], 400,
            stop)) for k in range(3)]
        for thread in background:
            thread.start()
        time.sleep(1.5)  # the three streams are decoding
        busy.append(client.stream(request(10 + attempt), 8)[0])
        stop.set()
        for thread in background:
            thread.join()
    return {"idle_ttft_ms": [t * 1000 for t in idle], "busy_ttft_ms": [t * 1000 for t in busy],
            "busy_over_idle": statistics.median(busy) / statistics.median(idle)}


def prompt300(client, seed):
    client.stream([{"role": "user", "content": "Summarise: " + notes(seed - 1, 280)}], 4)
    ttfts = [client.stream([{"role": "user", "content": f"Summarise these notes ({i}): " + notes(seed + i, 280)}],
                           8)[0] for i in range(5)]
    return {"ttft_ms": [t * 1000 for t in ttfts], "median_ttft_ms": statistics.median(ttfts) * 1000}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--scenarios", default="multiturn,late,prompt300")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--think-seconds", type=float, default=1.0,
                        help="multiturn: pause between an answer and the next question")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    client = Client(args.url, args.model)
    report = {"url": args.url, "model": args.model, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    report["think_seconds"] = args.think_seconds
    for name in args.scenarios.split(","):
        if name == "multiturn":
            report[name] = multiturn(client, args.seed, args.think_seconds)
        else:
            report[name] = {"late": late, "prompt300": prompt300}[name](client, args.seed)
        print(name, json.dumps(report[name]))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
