#!/usr/bin/env python3
"""Times python/worker.py through its own JSON-lines protocol and prints one JSON summary.

Why: a quick check on a GPU machine that the worker loads a model, streams tokens and reports peak
memory, before a full `npm run eval`. It drives the worker as the harness does (a subprocess, one
request at a time) and computes, per timed request:
  TTFT = first_token - start (prefill, image preprocessing included)
  decode tokens/s = (output_tokens - 1) / (last token - first token)
  end-to-end tokens/s = output_tokens / (end - start)
The first request is a warm-up (CUDA context, kernels, allocator) and is not counted.
min_new_tokens = max_new_tokens fixes the output length (a random tiny model may stop at once).

Usage: python3 python/bench_worker.py --model DIR_OR_ID [--dtype bf16] [--device cuda:0]
       [--runs 3] [--max-new-tokens 64]
Standard library + PIL (to draw the test image).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def start_worker(args):
    worker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")
    command = [sys.executable, worker, "--model", args.model, "--dtype", args.dtype, "--device", args.device]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)


def read_reply(proc):
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(json.dumps({"error": f"the worker exited with code {proc.wait()} (its log is above)"}))
    return json.loads(line)


def draw_image(folder):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), "white")
    draw = ImageDraw.Draw(image)
    for i, height in enumerate([120, 300, 210, 380]):
        draw.rectangle([60 + i * 140, 440 - height, 150 + i * 140, 440], fill=(40 + 50 * i, 90, 200 - 40 * i))
    path = os.path.join(folder, "bars.png")
    image.save(path)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--dtype", default="bf16")
    parser.add_argument("--device", default="cuda:0")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        image = draw_image(folder)
        load_started = time.perf_counter()
        proc = start_worker(args)
        ready = read_reply(proc)
        if ready.get("type") != "ready":
            proc.wait()
            print(json.dumps({"error": ready}))
            return 1
        load_s = time.perf_counter() - load_started
        request = {
            "type": "generate",
            "messages": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Which bar is the tallest? Answer briefly."}]}],
            "images": [image],
            "max_new_tokens": args.max_new_tokens,
            "min_new_tokens": args.max_new_tokens,
            "temperature": 0,
        }
        results = []
        for i in range(args.runs + 1):
            proc.stdin.write(json.dumps({**request, "id": str(i)}) + "\n")
            proc.stdin.flush()
            reply = read_reply(proc)
            if reply.get("type") != "result":
                print(json.dumps({"error": reply}))
                proc.kill()
                return 1
            if i > 0:
                results.append(reply)
        proc.stdin.write(json.dumps({"type": "shutdown"}) + "\n")
        proc.stdin.flush()
        proc.wait(timeout=60)

    def per_run(r):
        t = r["timing"]
        times = t["token_times"]
        decode = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else None
        return {
            "ttft_ms": (t["first_token"] - t["start"]) * 1000 if t["first_token"] is not None else None,
            "decode_tokens_per_s": decode,
            "e2e_tokens_per_s": r["output_tokens"] / (t["end"] - t["start"]) if t["end"] > t["start"] else None,
        }

    runs = [per_run(r) for r in results]

    def median(key):
        values = [r[key] for r in runs if r[key] is not None]
        return statistics.median(values) if values else None

    mib = lambda b: None if b is None else round(b / 2**20, 1)  # noqa: E731
    print(json.dumps({
        "model": args.model,
        "dtype": args.dtype,
        "device": args.device,
        "device_name": ready.get("device_name"),
        "torch": ready.get("torch"),
        "transformers": ready.get("transformers"),
        "cuda": ready.get("cuda"),
        "hip": ready.get("hip"),
        "load_s": round(load_s, 2),
        "runs": len(runs),
        "prompt_tokens": results[-1]["prompt_tokens"],
        "output_tokens": results[-1]["output_tokens"],
        "ttft_ms_median": median("ttft_ms"),
        "decode_tokens_per_s_median": median("decode_tokens_per_s"),
        "e2e_tokens_per_s_median": median("e2e_tokens_per_s"),
        "max_memory_allocated_mib": mib(max((r["max_memory_allocated"] or 0) for r in results) or None),
        "max_memory_reserved_mib": mib(max((r["max_memory_reserved"] or 0) for r in results) or None),
        "per_run": runs,
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
