// The judging phase of a suite that uses a judge (MathVista's answer extraction): after the model
// has answered every sample, each response goes through the suite's rules and, where they cannot
// decide, to the judge. It runs after generation so judge requests never share the evaluated
// server's time with the timed requests (a judge on the same GPU would distort TTFT and tokens/s).
// A failed grade becomes an outcome with its reason (the sample is errored with kind `judge`);
// Ctrl-C leaves the rest without an outcome, and a resumed run judges them (the cache answers the
// ones already done).

import { summarize } from '../run/stats.ts';
import { journalKey } from '../run/journal.ts';
import { RunAborted } from '../run/run-sample.ts';
import type { SampleStub } from '../run/run-suite.ts';
import type { SampleResult, Suite, SuiteJudging } from '../types.ts';

/** What the judging phase reads of a suite (a Suite, or one with a prompt style chosen). */
type JudgedSuite = Pick<Suite, 'id' | 'title' | 'primaryMetric' | 'judging'>;
import { JudgeError, type Judge, type JudgeIdentity } from './judge-client.ts';

export type JudgeOutcome = { extraction: string; by: 'rule' | 'judge'; cached: boolean } | { error: string };

/** What the judge cost in one suite of one invocation (results.json `suites[].judgePerf`). */
export interface JudgeSuiteStats {
  /** HTTP requests sent to the judge (retries included); 0 when the cache answered everything. */
  calls: number;
  cacheHits: number;
  /** Samples whose answer needed the judge (the rest were decided by the suite's rules). */
  requests: number;
  errors: number;
  promptTokens: number;
  outputTokens: number;
  durationSec: number;
  latencyMs: ReturnType<typeof summarize>;
}

export interface JudgeSuiteParams {
  suite: JudgedSuite;
  judging: SuiteJudging;
  /** The selection in dataset order (the run's sample spill is read once). */
  stubs: Iterable<SampleStub>;
  /** Finished samples by journal key (the journal reads each from its file). */
  results: { get(key: string): SampleResult | undefined };
  judge: Judge;
  signal: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** A sample the judge phase reads: answered by the model, or judged earlier without success. */
export function judgeable(r: SampleResult | undefined): r is SampleResult & { prediction: string } {
  if (!r || r.prediction === null) return false;
  return r.state === 'scored' || r.error.kind === 'judge';
}

export interface JudgeSuiteResult {
  outcomes: Map<string, JudgeOutcome>;
  stats: JudgeSuiteStats;
  interrupted: boolean;
}

/**
 * What a run says about how a suite's answers were read: the judge in use (info), or, for a suite
 * whose official scoring needs one when none was given, that its number is not the official one.
 */
export function extractionNotes(suite: JudgedSuite, judge: JudgeIdentity | null): { info?: string; notice?: string } {
  if (!suite.judging) return {};
  if (judge) return { info: `${suite.id}: answers read by the official rules, then by the judge ${judge.model} at ${judge.baseUrl} (${suite.judging.primaryMetric})` };
  return {
    info: `${suite.id}: answers read by rules only (no --judge-base-url): metric ${suite.primaryMetric}`,
    notice: `${suite.id}: no judge was given, so answers were read by the official extraction rules only; ${suite.primaryMetric} is not comparable to official ${suite.title} scores, which use an LLM to extract answers (add --judge-base-url for ${suite.judging.primaryMetric}).`,
  };
}

export async function judgeSuite(p: JudgeSuiteParams): Promise<JudgeSuiteResult> {
  const started = performance.now();
  const outcomes = new Map<string, JudgeOutcome>();
  const latencies: number[] = [];
  const stats = { calls: 0, cacheHits: 0, requests: 0, errors: 0, promptTokens: 0, outputTokens: 0 };
  let interrupted = false;
  const asks: Array<Promise<void>> = [];
  let done = 0;
  let total = 0;
  for (const stub of p.stubs) {
    const r = p.results.get(journalKey(p.suite.id, stub.id));
    if (!judgeable(r)) continue;
    total++;
    const sample = { ...stub, images: [] };
    const plan = p.judging.plan(r.prediction, sample);
    if ('extraction' in plan) {
      outcomes.set(stub.id, { extraction: plan.extraction, by: 'rule', cached: false });
      done++;
      continue;
    }
    stats.requests++;
    asks.push(
      p.judge.grade(plan.request, p.signal).then(
        (a) => {
          stats.calls += a.calls;
          if (a.cached) stats.cacheHits++;
          else {
            stats.promptTokens += a.promptTokens ?? 0;
            stats.outputTokens += a.outputTokens ?? 0;
            if (a.latencyMs !== null) latencies.push(a.latencyMs);
          }
          outcomes.set(stub.id, { extraction: p.judging.read(a.reply, sample), by: 'judge', cached: a.cached });
          p.onProgress?.(++done, total);
        },
        (e: unknown) => {
          if (e instanceof RunAborted) {
            interrupted = true;
            return;
          }
          if (!(e instanceof JudgeError)) throw e;
          stats.calls += e.calls;
          stats.errors++;
          outcomes.set(stub.id, { error: e.message });
          p.onProgress?.(++done, total);
        },
      ),
    );
  }
  if (total > 0) p.onProgress?.(done, total);
  await Promise.all(asks);
  return {
    outcomes,
    stats: { ...stats, durationSec: (performance.now() - started) / 1000, latencyMs: summarize(latencies) },
    interrupted: interrupted || p.signal.aborted,
  };
}
