// One scorer measurement in a fresh process, for bench/scorers.bench.ts: a first call in a new
// process is what `npm run score` pays (JIT warm-up included), and peak RSS is only meaningful in a
// process that has done nothing else. Prints one JSON line.
//
//   node --import tsx bench/scorers-child.ts mmmu | vqa <n> | coco-rss <n>

import { mmmuScorer } from '../src/scorers/mmmu/mmmu.ts';
import { cocoScorer } from '../src/scorers/caption/coco.ts';
import { vqaScorer } from '../src/scorers/vqa/vqa-accuracy.ts';
import type { Scorer, ScoreInput } from '../src/scorers/types.ts';
import { aggregateWithCi } from '../src/run/stats.ts';
import { mmmuRealisticInputs } from './mmmu-mix.ts';
import { cocoInputs, vqaInputs } from './scorers.bench.ts';

const [mode, size] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;

/** Wall and CPU milliseconds of one call. */
function timed(fn: () => void): { wallMs: number; cpuMs: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const cpu = process.cpuUsage(c);
  return { wallMs: performance.now() - t, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** What `npm run score` does with a scored set: the aggregates and the headline bootstrap interval. */
function scoreWithCi(scorer: Scorer, inputs: readonly ScoreInput[]): void {
  const set = scorer.scoreSet(inputs);
  aggregateWithCi(scorer, set.aggregate, Float64Array.from(set.samples, (s) => s.score));
}

function firstAndWarm(scorer: Scorer, inputs: readonly ScoreInput[], repeats: number): Record<string, number> {
  gc?.(); // the inputs were just built: do not charge their garbage to the first call
  const first = timed(() => scoreWithCi(scorer, inputs));
  const warm = Array.from({ length: repeats }, () => timed(() => scoreWithCi(scorer, inputs)));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return {
    n: inputs.length,
    firstWallMs: first.wallMs,
    firstCpuMs: first.cpuMs,
    warmWallMs: median(warm.map((w) => w.wallMs)),
    warmCpuMs: median(warm.map((w) => w.cpuMs)),
  };
}

let result: Record<string, number>;
if (mode === 'mmmu') {
  result = firstAndWarm(mmmuScorer, mmmuRealisticInputs(), 21);
} else if (mode === 'vqa') {
  result = firstAndWarm(vqaScorer, vqaInputs(Number(size)), 3);
} else if (mode === 'coco-rss') {
  const n = Number(size);
  const before = process.resourceUsage().maxRSS * 1024;
  const inputs = cocoInputs(n);
  const t = timed(() => void cocoScorer.scoreSet(inputs));
  const peak = process.resourceUsage().maxRSS * 1024;
  result = { n, rssBeforeMiB: before / 2 ** 20, peakRssMiB: peak / 2 ** 20, kibPerSample: (peak - before) / 1024 / n, wallMs: t.wallMs };
} else {
  throw new Error('usage: scorers-child.ts mmmu | vqa <n> | coco-rss <n>');
}
process.stdout.write(`${JSON.stringify(result)}\n`);
