#!/usr/bin/env python3
"""JSON-lines worker that runs a vision-language model through Hugging Face transformers.

Why: the seed system measured Llama 3.2 Vision with plain transformers on one GPU; the harness's
'transformers' backend (src/backends/transformers.ts) drives this process so that its numbers come
from the same pipeline. It loads the model exactly as the seed did (worker_model.py) and answers one
request at a time.

Protocol (one JSON object per line; stdout carries only protocol lines, logs go to stderr):
  worker -> {"type": "ready", "model", "dtype", "device", "device_name", "torch", "transformers",
             "cuda", "hip", "model_type", "max_images"}  once the model is loaded, or
            {"type": "error", "kind": "missing_dependency"|"gated"|"oom"|"load", "message"}
            and a non-zero exit.
  host   -> {"type": "generate", "id", "messages": [{"role", "content": [{"type": "image"} |
             {"type": "text", "text"}]}], "raw_prompt"?, "images": [path | {"base64"}],
             "max_new_tokens", "min_new_tokens"?, "temperature"}  (min_new_tokens: a fixed output
             length for benchmarks, like vLLM's ignore_eos). A conversation (--conversation) is
             user and assistant messages in turn, the image parts in the first user message only;
             the images list one file per image part, in order.
  worker -> {"type": "result", "id", "text", "prompt_tokens", "output_tokens",
             "timing": {"start", "first_token", "token_times": [...], "end"},
             "max_memory_allocated", "max_memory_reserved"}
            or {"type": "error", "id", "kind": "oom"|"input"|"backend", "message"}
  host   -> {"type": "shutdown"}   (or stdin closes): the worker exits 0.
Times are time.perf_counter() seconds (a monotonic clock): the host only uses differences. Memory is
in bytes from torch.cuda.max_memory_allocated/_reserved since this request (null off CUDA/ROCm).

Standard library + torch, transformers and PIL only. Works with transformers 4.45+ and 5.x.
"""

import argparse
import json
import os
import sys

# worker_model.py beside this script (Python puts the script's folder first on sys.path); no
# __pycache__ is left in the repository.
sys.dont_write_bytecode = True
from worker_model import DTYPES, WorkerError, device_facts, generate, import_dependencies, load_model, log


def open_protocol_stream():
    """Keeps the real stdout for protocol lines and points fd 1 at stderr.

    Libraries print to stdout now and then (progress, warnings); such a line would break the protocol,
    so everything but our own JSON goes to stderr.
    """
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto


def parse_args(argv):
    parser = argparse.ArgumentParser(description="transformers worker for vlm-harness (JSON lines on stdin/stdout)")
    parser.add_argument("--model", required=True, help="Hub id or local folder")
    parser.add_argument("--dtype", default="bf16", choices=sorted(DTYPES))
    parser.add_argument("--device", default="cuda:0", help="cuda:N (also ROCm), or cpu")
    return parser.parse_args(argv)


def serve(proto, state):
    def send(obj):
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError as e:
            send({"type": "error", "id": None, "kind": "input", "message": f"not a JSON line: {e}"})
            continue
        kind = request.get("type")
        if kind == "shutdown":
            return
        if kind != "generate":
            send({"type": "error", "id": request.get("id"), "kind": "input", "message": f"unknown request type {kind!r}"})
            continue
        try:
            send(generate(state, request))
        except WorkerError as e:
            send({"type": "error", "id": request.get("id"), "kind": e.kind, "message": e.message})
        except Exception as e:  # noqa: BLE001 - report, then keep serving
            send({"type": "error", "id": request.get("id"), "kind": "backend", "message": f"{type(e).__name__}: {e}"})


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    proto = open_protocol_stream()

    def fail(kind, message, code):
        proto.write(json.dumps({"type": "error", "kind": kind, "message": message}) + "\n")
        proto.flush()
        return code

    try:
        torch, transformers, Image = import_dependencies()
        if args.device != "cpu" and not torch.cuda.is_available():
            return fail("load", f"--device {args.device} needs a GPU, but torch {torch.__version__} sees none "
                        "(a CPU-only build, or no driver). Use --device cpu or install a CUDA/ROCm build of torch.", 5)
        log(f"loading {args.model} ({args.dtype}) on {args.device}")
        config, model, processor = load_model(args, torch, transformers)
    except WorkerError as e:
        return fail(e.kind, e.message, 4 if e.kind != "missing_dependency" else 3)

    facts = device_facts(args, torch)
    state = {
        "args": args,
        "torch": torch,
        "transformers": transformers,
        "Image": Image,
        "model": model,
        "processor": processor,
        "model_type": config.model_type,
        "on_gpu": args.device != "cpu",
        "device_name": facts["device_name"],
    }
    proto.write(json.dumps({
        "type": "ready",
        "model": args.model,
        "model_type": config.model_type,
        "dtype": args.dtype,
        "device": args.device,
        **facts,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        # Llama 3.2 Vision takes one image per prompt (as vLLM and the seed ran it); others are not limited here.
        "max_images": 1 if config.model_type == "mllama" else None,
    }) + "\n")
    proto.flush()
    serve(proto, state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
