// What report.md says about sharding: a shard's report says it is one part, a merged report which
// shards it pools (and whether some are missing) and each shard's own performance and energy figures.

import type { Results } from './schema.ts';
import { fixedOrNa } from './text-table.ts';

/** The status line of a shard or a partial merge; null for other runs. */
export function shardStatus(results: Results): string | null {
  if (results.merge?.partial) return `PARTIAL merge: shards ${results.merge.missing.map((i) => `${i}/${results.merge!.shards}`).join(', ')} missing (gate refuses these results)`;
  if (results.shard) return `shard ${results.shard.index}/${results.shard.count} of a sharded run (these results cover only its part; vlm-harness merge makes the run's)`;
  return null;
}

/** The "Shards" section of a merged run's report.md; empty for other runs. */
export function shardLines(results: Results, cell: (text: string) => string): string[] {
  const m = results.merge;
  if (!m) return [];
  const hosts = new Map(m.sources.map((s) => [s.index, s.hosts.join(', ')]));
  const lines = [
    '',
    '## Shards',
    '',
    `Merged ${m.merged.length} of ${m.shards} shards. The scores come from re-scoring every shard's samples together in dataset order, as one run; the performance figures above pool every shard's timed requests, and throughput divides by the time any shard was generating (the union of their generation intervals, wall clock).`,
    '',
    '| suite | shard | hosts | duration s | req/s | out tok/s | TTFT p50 ms | TTFT p99 ms | timed |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of results.suites) {
    for (const p of s.perf.shards ?? []) {
      lines.push(
        `| ${s.id} | ${p.shard} | ${cell(hosts.get(p.shard) ?? '')} | ${fixedOrNa(p.durationSec, 1)} | ${fixedOrNa(p.requestsPerSec, 2)} | ${fixedOrNa(p.outputTokensPerSec, 1)} | ${fixedOrNa(p.ttftMs?.p50, 1)} | ${fixedOrNa(p.ttftMs?.p99, 1)} | ${p.timedSamples} |`,
      );
    }
  }
  return [...lines, ...shardEnergyLines(m, cell)];
}

/** Each shard's own energy (merge.sources[].energy), beside the merged figure on the Energy line. */
function shardEnergyLines(m: NonNullable<Results['merge']>, cell: (text: string) => string): string[] {
  if (m.sources.every((s) => s.energy === undefined)) return [];
  const lines = ['', '| shard | GPUs | energy J | generation s | mean W | J/out tok | out tok/J | source |', '|---:|---:|---:|---:|---:|---:|---:|---|'];
  for (const s of m.sources) {
    const e = s.energy;
    lines.push(
      e
        ? `| ${s.index} | ${e.perGpu.length} | ${fixedOrNa(e.energyJ, 1)} | ${fixedOrNa(e.durationSec, 1)} | ${fixedOrNa(e.avgPowerW, 1)} | ${fixedOrNa(e.joulesPerOutputToken, 4)} | ${fixedOrNa(e.outputTokensPerJoule, 3)} | ${cell(e.source)} |`
        : `| ${s.index} | n/a | not measured | | | | | |`,
    );
  }
  return lines;
}
