// A suite's entry in results.json, from its final scores, data, perf and judge: one builder for
// `eval` and for `merge` (src/shard/), so a merged run reports exactly what a single run would.

import type { ResolvedDataset } from '../data/dataset.ts';
import type { JudgeIdentity } from '../judge/judge-client.ts';
import type { JudgeSuiteStats } from '../judge/judge-suite.ts';
import { cardTarget, compareWithCard, getPreset } from '../presets/card-presets.ts';
import type { LoadSettings, Perf, SuiteResult } from '../report/schema.ts';
import type { ConversationSettings } from '../conversation/history-answer.ts';
import type { StyledSuite } from '../types.ts';
import type { SuiteScores } from './finalize.ts';

/** Under `--preset`, the card's number for this suite and where the run lands against it. */
function cardFor(p: { preset: string | undefined; suite: string; primaryMetric: string; metric: { value: number | null; ci95: [number, number] | null } | undefined; total: number }): SuiteResult['card'] {
  if (!p.preset) return undefined;
  const preset = getPreset(p.preset);
  const target = cardTarget(preset, p.suite, p.primaryMetric);
  if (!target) return undefined;
  const { delta, cardInCi } = compareWithCard({ value: p.metric?.value ?? null, ci95: p.metric?.ci95 ?? null, card: target.value });
  return {
    preset: preset.id,
    title: preset.title,
    metric: target.metric,
    value: target.value,
    split: target.split,
    delta,
    inCi95: cardInCi,
    fullRun: p.total >= target.fullRun,
    ...(target.note ? { note: target.note } : {}),
  };
}

export function judgePerfOf(stats: JudgeSuiteStats): NonNullable<SuiteResult['judgePerf']> {
  const { requests, errors, promptTokens, outputTokens, durationSec, latencyMs } = stats;
  return { requests, errors, promptTokens, outputTokens, durationSec, latencyMs };
}

export interface SuiteResultParams {
  suite: StyledSuite;
  scores: Omit<SuiteScores, 'results' | 'missing'>;
  datasets: readonly ResolvedDataset[];
  /** Hash of the samples as read (run-suite.ts), over the suite's whole selection. */
  fingerprint: string;
  perf: Perf;
  load: LoadSettings;
  /** The judge that read the answers, with this run's calls and cache hits; null without one. */
  judge: (JudgeIdentity & { calls: number; cacheHits: number }) | null;
  judgePerf: SuiteResult['judgePerf'];
  preset: string | undefined;
  /** `--conversation`: how the questions were asked (the counts come from the scores). */
  conversation?: ConversationSettings;
}

export function suiteResultOf(p: SuiteResultParams): SuiteResult {
  const { suite, scores, datasets } = p;
  const ds = datasets[0];
  const card = cardFor({ preset: p.preset, suite: suite.id, primaryMetric: scores.primaryMetric, metric: scores.metrics[scores.primaryMetric], total: scores.counts.total });
  return {
    id: suite.id,
    version: suite.version,
    promptStyle: suite.promptStyle,
    primaryMetric: scores.primaryMetric,
    metrics: scores.metrics,
    counts: scores.counts,
    dataset: {
      source: ds.source,
      repo: datasets.map((d) => d.spec.repo).filter((r, i, a) => a.indexOf(r) === i).join(', '),
      config: datasets.map((d) => d.spec.config).join(','),
      split: ds.spec.split,
      revision: ds.revision,
      fingerprint: p.fingerprint,
      files: datasets.flatMap((d) => d.files.map((f) => ({ path: f.repoPath, size: f.size, ...(f.sha256 ? { sha256: f.sha256 } : {}) }))),
    },
    perf: p.perf,
    load: p.load,
    judge: p.judge && suite.judging ? p.judge : null,
    judgePerf: p.judgePerf,
    ...(card ? { card } : {}),
    ...(p.conversation ? { conversation: { ...p.conversation, conversations: scores.conversation?.conversations ?? 0, turns: scores.conversation?.turns ?? [] } } : {}),
  };
}
