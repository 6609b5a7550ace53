// The perf block of a suite's results, from every timed sample in the journal (samples.jsonl, read
// as a stream), grouped by the invocation that generated it. vLLM's definitions (serving-metrics.ts)
// apply, with one change for resumed runs and merged shards: the duration is the time the
// invocations spent generating, so throughput never counts the gap between an interrupted run and
// its resume, and counts time when several shards generated at once only once.
// - the duration is the union of the invocations' generation intervals (run.json's startedAt and
//   durationSec: one after the other for a resumed run, at once for merged shards, active-time.ts);
// - an invocation's duration is the one run.json recorded for the suite; an invocation that was
//   killed before recording it gets the span of its samples' timings (first start to last end,
//   one process's clock); lines of runs made before invocations were recorded form one group;
// - latency percentiles (TTFT, TPOT, ITL, E2EL) pool the timed samples of all invocations;
// - only invocations that produced one of the suite's current results count, so a resume that
//   generates nothing leaves every figure as it was;
// - the load is the one those invocations ran under; when they differ, `mixedLoad` says so and
//   `load` is the latest one's.
// - the load generator's self-check (`client`) is the latest such invocation's, or a saturated one's;
// - the requests per endpoint (`endpoints`) are those invocations' added up;
// Memory: a line's being the latest of its sample is asked of the journal's index, and `ids` may be
// the sample spill's index, so nothing per sample is held here.

import { createTurnPerf } from '../conversation/turn-perf.ts';
import type { LoadSettings, Perf, PerfClient } from '../report/schema.ts';
import { unionSeconds, type ActiveInterval } from './active-time.ts';
import { sumEndpoints } from './endpoint-counts.ts';
import { journalKey, readJournalLines } from './journal.ts';
import type { Invocation } from './run-record.ts';
import { createServingAccumulator } from './serving-metrics.ts';

export interface SuitePerf {
  perf: Perf;
  load: LoadSettings;
}

export interface BuildPerfParams {
  journalPath: string;
  suite: string;
  /** The suite's current selection; results outside it are not counted. */
  ids: { has(id: string): boolean };
  /** Whether the line at a byte offset is the latest of its sample (a retried error has an earlier one): the run's journal knows. */
  isLatest: (key: string, offset: number) => boolean;

  /** run.json's invocations, in order. */
  invocations: readonly Invocation[];
  /** This invocation's load, used when no invocation with results recorded one. */
  currentLoad: LoadSettings;
}

interface Group {
  samples: number;
  firstStartMs: number;
  lastEndMs: number;
}

export async function buildPerf(p: BuildPerfParams): Promise<SuitePerf> {
  // The current results, timed ones into the metrics, all of them into their invocation's group.
  const acc = createServingAccumulator();
  const sources = new Set<string>();
  const groups = new Map<string, Group>();
  const turns = createTurnPerf();
  let timed = 0;
  for await (const { offset, result: r } of readJournalLines(p.journalPath)) {
    if (r.suite !== p.suite || !p.ids.has(r.id) || !p.isLatest(journalKey(r.suite, r.id), offset)) continue;
    const key = r.invocation ?? '';
    const g = groups.get(key) ?? { samples: 0, firstStartMs: Infinity, lastEndMs: -Infinity };
    groups.set(key, g);
    g.samples++;
    turns.add(r);
    if (r.state !== 'scored' || !r.timing) continue;
    timed++;
    g.firstStartMs = Math.min(g.firstStartMs, r.timing.startMs);
    g.lastEndMs = Math.max(g.lastEndMs, r.timing.endMs);
    acc.add({ timing: r.timing, outputTokens: r.outputTokens ?? 0, ...(r.promptTokens !== undefined ? { promptTokens: r.promptTokens } : {}), images: r.images ?? 0 });
    sources.add(r.tokenSource ?? 'none');
  }
  const byId = new Map(p.invocations.map((inv) => [inv.id, inv]));
  // Invocations whose generation phase run.json placed on the wall clock count by the union of
  // their intervals (shards run at once); the others by their length, as if they ran alone.
  const placed: ActiveInterval[] = [];
  let unplacedSec = 0;
  for (const [id, g] of groups) {
    const recorded = byId.get(id)?.suites[p.suite];
    const startMs = recorded?.startedAt !== undefined ? Date.parse(recorded.startedAt) : NaN;
    if (recorded && Number.isFinite(startMs)) placed.push({ startMs, durationSec: recorded.durationSec });
    else unplacedSec += recorded?.durationSec ?? (g.lastEndMs > g.firstStartMs ? (g.lastEndMs - g.firstStartMs) / 1000 : 0);
  }
  const durationSec = unionSeconds(placed) + unplacedSec;
  // run.json lists the invocations in order: the last one with results gives the load
  const loads = p.invocations.filter((inv) => groups.has(inv.id) && inv.suites[p.suite]).map((inv) => inv.suites[p.suite].load);
  const load = loads.at(-1) ?? p.currentLoad;
  const mixedLoad = new Set(loads.map((l) => JSON.stringify(l))).size > 1;
  // the load generator's self-check, likewise: the latest one's, unless an earlier invocation whose
  // samples are pooled here was saturated (a resume does not clear that)
  const clients = p.invocations.flatMap((inv) => (groups.has(inv.id) && inv.suites[p.suite]?.client ? [inv.suites[p.suite].client!] : []));
  const client: PerfClient | null = clients.findLast((c) => c.saturated) ?? clients.at(-1) ?? null;
  // requests per endpoint: the sum over the same invocations
  const endpoints = sumEndpoints(p.invocations.flatMap((inv) => (groups.has(inv.id) && inv.suites[p.suite]?.endpoints ? [inv.suites[p.suite].endpoints!] : [])));
  const m = acc.finish(durationSec);
  const any = timed > 0;
  const byTurn = turns.finish();
  return {
    load,
    perf: {
      durationSec,
      timedSamples: timed,
      requestsPerSec: any ? m.requestThroughput : null,
      outputTokensPerSec: any ? m.outputTokenThroughput : null,
      totalTokensPerSec: any ? m.totalTokenThroughput : null,
      imagesPerSec: any ? m.imagesPerSec : null,
      totalOutputTokens: m.totalOutputTokens,
      totalPromptTokens: m.totalInputTokens > 0 ? m.totalInputTokens : null,
      tokenSource: sources.size === 0 ? 'none' : sources.size === 1 ? ([...sources][0] as Perf['tokenSource']) : 'mixed',
      ttftMs: m.ttftMs,
      tpotMs: m.tpotMs,
      itlMs: m.itlMs,
      e2eLatencyMs: m.e2elMs,
      invocations: groups.size,
      ...(mixedLoad ? { mixedLoad: true } : {}),
      client,
      ...(byTurn.length > 0 ? { byTurn } : {}),
      ...(endpoints ? { endpoints } : {}),
    },
  };
}
