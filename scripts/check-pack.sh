#!/usr/bin/env bash
# The package as a user gets it: `npm pack`, the tarball installed into an empty folder (and globally
# under a temporary prefix), then run from there with an unreachable Hub and an empty Hub cache:
# `eval --suite mmmu` must finish with its fallback notices and a report under ./reports, and
# `score --input -` must score standard input. Run by .ci/run; prints "pack check: ok" or exits 1.
#
# ONNXRUNTIME_NODE_INSTALL=skip: on linux x64, onnxruntime-node's postinstall downloads the CUDA
# execution provider from NuGet (hundreds of MB, and it fails without internet access). The harness's
# onnx backend runs on the CPU binaries already in the npm package; README "Install" says the same.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vlm-harness-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "pack check: FAILED: $*" >&2; exit 1; }

version=$(node -p "require('$repo/package.json').version")
tgz=$(cd "$repo" && npm pack --silent --pack-destination "$work" | tail -n 1)
[ -f "$work/$tgz" ] || fail "npm pack wrote no tarball"
if tar tzf "$work/$tgz" | grep -E '^package/(test|src|bench|scripts)/' >/dev/null; then fail "$tgz contains sources or tests"; fi
echo "packed $tgz ($(du -k "$work/$tgz" | cut -f1) KiB, $(tar tzf "$work/$tgz" | wc -l) files)"

mkdir "$work/app"
cd "$work/app"
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --prefer-offline --loglevel=error "$work/$tgz" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "npm install $tgz"; }

[ "$(npx --no-install vlm-harness --version)" = "$version" ] || fail "npx vlm-harness --version is not $version"

# the Hub is unreachable (loopback port 1 refuses) and its cache empty: the documented fallbacks
export HF_HUB_CACHE="$work/hf-cache" HF_ENDPOINT=http://127.0.0.1:1
mkdir -p "$HF_HUB_CACHE"
rc=0
npx --no-install vlm-harness eval --suite mmmu >"$work/eval.out" 2>"$work/eval.err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$work/eval.out" "$work/eval.err"; fail "vlm-harness eval --suite mmmu exited $rc"; }
grep -q 'FALLBACK: ' "$work/eval.err" || fail "eval printed no fallback notice"
results=$(ls "$work"/app/reports/*/results.json 2>/dev/null | head -n 1)
[ -n "$results" ] || fail "eval wrote no reports/<run>/results.json in the working directory"
[ -f "$(dirname "$results")/report.md" ] || fail "eval wrote no report.md"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (r.harness.gitCommit !== null) throw new Error("an installed copy recorded a git commit: " + r.harness.gitCommit);
  if (r.suites[0].dataset.source !== "sample") throw new Error("expected the bundled sample, got " + r.suites[0].dataset.source);
  if (r.suites[0].counts.scored !== r.suites[0].counts.total) throw new Error("not every sample was scored");
' "$results" || fail "results.json"
echo "eval --suite mmmu: exit 0, $(grep -c 'FALLBACK: ' "$work/eval.err") fallback notices, $(basename "$(dirname "$results")")/results.json"

line='{"id":"1","prediction":"yes","references":["yes","yes","yes","yes","yes","yes","yes","yes","yes","yes"]}'
scored=$(printf '%s\n' "$line" | npx --no-install vlm-harness score --metric vqa --input - --json) || fail "score --input - failed"
[ "$(node -p 'JSON.parse(process.argv[1]).aggregate.accuracy' "$scored")" = "1" ] || fail "score --input - printed $scored"
echo "score --metric vqa --input -: $scored" | cut -c1-120

# a global install puts vlm-harness on PATH
ONNXRUNTIME_NODE_INSTALL=skip npm install -g --prefix "$work/global" --no-audit --no-fund --prefer-offline --loglevel=error "$work/$tgz" >"$work/install-g.log" 2>&1 \
  || { cat "$work/install-g.log"; fail "npm install -g $tgz"; }
[ "$("$work/global/bin/vlm-harness" --version)" = "$version" ] || fail "the global vlm-harness --version is not $version"
echo "npm install -g: vlm-harness $version on PATH"

echo "pack check: ok"
