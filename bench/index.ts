// `npm run bench [-- scorers|onnx|openai|memory|parquet|startup]`: the project's benchmarks, one table each.
// Numbers hold for this machine at this moment; compare ratios measured side by side, never
// absolute times across machines.

import { cpus } from 'node:os';
import { benchMemory } from './memory.bench.ts';
import { benchOnnx } from './onnx.bench.ts';
import { benchOpenAiLoad } from './openai-load.bench.ts';
import { benchOpenAiOverhead } from './openai-overhead.bench.ts';
import { benchParquet } from './parquet.bench.ts';
import { benchCocoMemory, benchMmmuOfficial, benchScorers, benchScorersFresh } from './scorers.bench.ts';
import { benchStartup } from './startup.bench.ts';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const section = (title: string) => process.stdout.write(`\n## ${title}\n`);

process.stdout.write(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}\n`);
if (want('scorers')) {
  section('Scorers: whole realistic splits (tinybench, 5 iterations after 1 warm-up)');
  console.table(await benchScorers());
  section('Scorers in a fresh process: the first call (what `npm run score` pays, JIT warm-up included) and warm calls');
  const fresh = await benchScorersFresh();
  console.table(fresh);
  const official = await benchMmmuOfficial(fresh[0]);
  if (official) {
    section('MMMU realistic mix: the official eval_utils.py (Python, same inputs) against ours (above)');
    console.table(official);
  } else {
    process.stdout.write('(set MMMU_OFFICIAL_DIR to a folder with the official MMMU eval_utils.py to time it on the same mix)\n');
  }
  section('COCO caption memory: peak RSS at 80,000 images x 5 references, in a fresh process');
  console.table(await benchCocoMemory());
}
if (want('openai')) {
  section('openai load: the CLI vs a minimal client against a server scripted at TTFT 120 ms, 15 ms x 10 tokens; errors against what the server recorded (median [min, max] over rounds)');
  console.table(await benchOpenAiLoad());
  section('openai backend: per-sample overhead vs a minimal client, loopback server answering instantly, chartqa images');
  console.table(await benchOpenAiOverhead());
}
if (want('onnx')) {
  section('onnx backend: tiny random SmolVLM, tokens/s, peak RSS and per-sample overhead');
  console.log(await benchOnnx());
}
if (want('memory')) {
  section('eval peak RSS as the run grows: synthetic VQAv2, replay and openai (instant loopback server); must stay within 1.25x from 1k to 50k samples');
  console.table(await benchMemory());
}
if (want('startup')) {
  section('CLI start-up: whole-process wall time, commands alternated, 30 rounds');
  console.table(await benchStartup());
}
if (want('parquet')) {
  section('parquet streaming: rows/s, MB/s and peak RSS for two file sizes (RSS must not grow with size)');
  console.log(await benchParquet());
}
