// The parts of a merged results.json that come from the shards' own results rather than from
// re-scoring: each shard's perf figures (kept beside the pooled ones), the judge's counters, the
// memory peaks, the hardware and its label, and notices about how the shards ran (energy is
// merge-energy.ts's).

import type { JudgeOutcome } from '../judge/judge-suite.ts';
import type { Results, ShardPerf, SuiteResult } from '../report/schema.ts';
import type { SampleResult } from '../types.ts';
import type { ShardInput } from './merge-inputs.ts';

function suiteOf(shard: ShardInput, suite: string): SuiteResult | undefined {
  return shard.results.suites.find((s) => s.id === suite);
}

/** Each shard's own perf block for the suite, as its results.json reported it. */
export function shardPerfs(shards: readonly ShardInput[], suite: string): ShardPerf[] {
  return shards.flatMap((s) => {
    const perf = suiteOf(s, suite)?.perf;
    if (!perf) return [];
    const { shards: _none, ...own } = perf;
    return [{ shard: s.file.index, ...own }];
  });
}

/**
 * The judge that read a suite's answers in the shards (the same one in all: it is part of what the
 * gate compares), with the shards' calls and cache hits added up; null when no shard used one.
 */
export function mergedJudge(shards: readonly ShardInput[], suite: string): { judge: SuiteResult['judge']; judgePerf: SuiteResult['judgePerf'] } {
  const parts = shards.map((s) => suiteOf(s, suite));
  const judges = parts.map((p) => p?.judge ?? null);
  const first = judges.find((j) => j !== null) ?? null;
  if (!first) return { judge: null, judgePerf: null };
  const perfs = parts.map((p) => p?.judgePerf).filter((p): p is NonNullable<SuiteResult['judgePerf']> => Boolean(p));
  const sum = (f: (p: NonNullable<SuiteResult['judgePerf']>) => number) => perfs.reduce((a, p) => a + f(p), 0);
  return {
    judge: { ...first, calls: judges.reduce((a, j) => a + (j?.calls ?? 0), 0), cacheHits: judges.reduce((a, j) => a + (j?.cacheHits ?? 0), 0) },
    judgePerf: perfs.length
      ? {
          requests: sum((p) => p.requests),
          errors: sum((p) => p.errors),
          promptTokens: sum((p) => p.promptTokens),
          outputTokens: sum((p) => p.outputTokens),
          // the shards' judge phases, added: a judge's latencies per request are not kept, so one
          // shard's percentiles cannot be pooled with another's
          durationSec: sum((p) => p.durationSec),
          latencyMs: perfs.length === 1 ? perfs[0].latencyMs : null,
        }
      : null,
  };
}

/** The judge phase's outcomes as the shards' final samples.jsonl lines recorded them. */
export function judgedOutcomes(results: Iterable<SampleResult>, suite: string): Map<string, JudgeOutcome> {
  const out = new Map<string, JudgeOutcome>();
  for (const r of results) {
    if (r.suite !== suite) continue;
    if (r.state === 'scored' && r.extraction) out.set(r.id, { extraction: r.extraction.text, by: r.extraction.by, cached: r.extraction.cached ?? false });
    else if (r.state === 'errored' && r.error.kind === 'judge') out.set(r.id, { error: r.error.message });
  }
  return out;
}

/** Memory over the shards: the largest peak any one of them saw (each ran on its own machine). */
export function mergedMemory(shards: readonly ShardInput[]): Results['memory'] {
  const max = (xs: Array<number | null>) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.max(...v) : null;
  };
  const means = shards.map((s) => s.results.memory.meanVramMiB).filter((x): x is number => x !== null);
  return {
    peakRssMiB: max(shards.map((s) => s.results.memory.peakRssMiB)),
    peakVramMiB: max(shards.map((s) => s.results.memory.peakVramMiB)),
    meanVramMiB: means.length ? means.reduce((a, b) => a + b, 0) / means.length : null,
    tool: shards.find((s) => s.results.memory.tool)?.results.memory.tool ?? null,
    samples: shards.reduce((a, s) => a + s.results.memory.samples, 0),
    telemetry: null,
    backend: null,
  };
}

function gpuOf(r: Results): string {
  const gpu = r.hardware.gpus[0];
  return gpu ? `${r.hardware.gpuCount}x ${gpu.model ?? gpu.name ?? 'GPU'}` : 'no GPU';
}

/** The shards' hardware labels, once each, in shard order (`no GPU` for a shard without one). */
function labelsOf(shards: readonly ShardInput[]): string[] {
  return [...new Set(shards.map((s) => s.results.hardware.label ?? 'no GPU'))];
}

/**
 * The merged run's hardware: the first shard's GPUs (the notices say when the shards differ), with a
 * label that holds for every shard, `mixed (a, b)` when theirs differ, and the merged energy's note
 * in place of the first shard's own.
 */
export function mergedHardware(shards: readonly ShardInput[], energyNote: string | null): Results['hardware'] {
  const first = shards[0].results.hardware;
  const labels = labelsOf(shards);
  return {
    ...first,
    label: labels.length > 1 ? `mixed (${labels.join(', ')})` : first.label,
    notes: [...first.notes.filter((n) => !n.startsWith('energy: ')), ...(energyNote ? [energyNote] : [])],
  };
}

/** Notices the shards gave, once each, and one when they ran on different hardware or under different labels. */
export function mergedNotices(shards: readonly ShardInput[]): string[] {
  const notices = [...new Set(shards.flatMap((s) => s.results.notices))];
  const kinds = [...new Set(shards.map((s) => gpuOf(s.results)))];
  if (kinds.length > 1) notices.push(`The shards ran on different hardware (${kinds.join(', ')}); the merged performance figures mix them, and hardware below is shard ${shards[0].file.index}'s.`);
  const labels = labelsOf(shards);
  if (labels.length > 1) notices.push(`The shards carry different hardware labels (${labels.join(', ')}); the merged run's label is mixed.`);
  return notices;
}

/** The hosts a shard's invocations ran on, in order of first use. */
export function hostsOf(shard: ShardInput): string[] {
  return [...new Set(shard.invocations.map((i) => i.host))];
}
