#!/usr/bin/env bash
# Smoke-benchmarks the transformers worker on a GPU machine, with no download: builds a tiny,
# randomly initialised Llama 3.2 Vision (python/make_tiny_mllama.py), runs python/worker.py once in
# bf16 on cuda:0 through its JSON-lines protocol (python/bench_worker.py: one warm-up, then timed
# requests) and prints TTFT, tokens/s and torch.cuda peak memory as JSON on stdout (logs on stderr).
# Needs torch (CUDA or ROCm build), transformers and pillow for $PYTHON.
#
# Usage: scripts/gpu-tiny-mllama.sh [extra bench_worker.py flags, e.g. --runs 5 --max-new-tokens 128]
# Environment: PYTHON (default python3), DTYPE (default bf16), DEVICE (default cuda:0).
set -euo pipefail

PYTHON="${PYTHON:-python3}"
DTYPE="${DTYPE:-bf16}"
DEVICE="${DEVICE:-cuda:0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! "$PYTHON" -c 'import torch, transformers, PIL' >/dev/null 2>&1; then
  echo "gpu-tiny-mllama: $PYTHON cannot import torch, transformers and PIL: pip install torch transformers pillow" >&2
  echo "(ROCm: install torch from the ROCm wheel index first, e.g. --index-url https://download.pytorch.org/whl/rocm6.4)" >&2
  exit 3
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" "$ROOT/python/make_tiny_mllama.py" "$WORK/tiny-mllama" >&2
"$PYTHON" "$ROOT/python/bench_worker.py" --model "$WORK/tiny-mllama" --dtype "$DTYPE" --device "$DEVICE" "$@"
