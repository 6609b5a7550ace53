// Final scoring of a suite: the scorer sees every scored sample in dataset order, as the reference
// scripts do (MMMU's seeded fallback draws follow processing order; CIDEr-D's document frequencies
// come from the whole evaluated corpus). Errored samples are counted, never scored.
// With judge outcomes (src/judge/judge-suite.ts), the suite's judged scorer reads each extraction,
// and a failed grade errors the sample with kind `judge`.
//
// Memory: the inputs are rebuilt from the sample spill and the journal on disk, and the final lines
// are written to a file as they are made. A scorer whose per-sample scores are independent of the
// rest of the set (it has `aggregate`) is run on chunks of the set, so a 214k-sample VQAv2 run
// keeps only a number (and a group) per sample; the others (MMMU, COCO, MathVista: small suites)
// see the whole set at once, as their references require.

import { openSync } from 'node:fs';
import { createTurnCounts, turnMetrics } from '../conversation/turn-metrics.ts';
import { judgeable, type JudgeOutcome } from '../judge/judge-suite.ts';
import type { ConversationResult, SuiteResult } from '../report/schema.ts';
import type { SampleScore } from '../scorers/types.ts';
import type { ErrorKind, SampleResult, ScoreInput, StyledSuite } from '../types.ts';
import { createErrorReasonCounter } from './error-reasons.ts';
import { fromJournalLine, journalKey, toJournalLine, type Journal } from './journal.ts';
import { createLineWriter } from './read-lines.ts';
import { sampleOfStub, type SampleStub } from './sample-spill.ts';
import { createSeries } from './serving-metrics.ts';
import { aggregateWithCi } from './stats.ts';

export interface SuiteScores {
  /** The headline metric: the judged one when judge outcomes were given. */
  primaryMetric: string;
  metrics: Record<string, { value: number | null; ci95: [number, number] | null }>;
  counts: SuiteResult['counts'];
  /** Samples of the selection with no result yet (an interrupted run). */
  missing: number;
  /** `--conversation`: samples by turn (the `<metric>_turn_<k>` values are in `metrics`). */
  conversation?: Pick<ConversationResult, 'conversations' | 'turns'>;
}

export interface FinalizeParams {
  suite: StyledSuite;
  /** The selection, in dataset order (the sample spill). */
  samples: Iterable<SampleStub>;
  journal: Journal;
  /** Where the suite's final lines go: one result per finished sample, dataset order, final scores. */
  out: string;
  /** The judging phase's outcomes by sample id, for a suite read by a judge. */
  judged?: ReadonlyMap<string, JudgeOutcome>;
  /** Samples per scoreSet call for a scorer with `aggregate`; 64 by default (a chunk that dies young leaves no garbage in the old generation). */
  chunk?: number;
}

type Scored = Extract<SampleResult, { state: 'scored' }>;

/** A result rebuilt from the model's part of it (what it generated, when) and the judge phase's outcome. */
function withOutcome(r: SampleResult & { prediction: string }, outcome: JudgeOutcome): SampleResult {
  const { suite, id, timing, promptTokens, outputTokens, tokenSource, images, attempts, prediction, conversation, turn } = r;
  const base = { suite, id, timing, promptTokens, outputTokens, tokenSource, images, attempts, prediction, ...(turn !== undefined ? { conversation, turn } : {}) };
  if ('error' in outcome) return { ...base, state: 'errored', extracted: null, score: null, error: { kind: 'judge', message: outcome.error } };
  const extraction = { by: outcome.by, text: outcome.extraction, ...(outcome.by === 'judge' ? { cached: outcome.cached } : {}) };
  // extracted and score are filled in by the scorer below
  return { ...base, state: 'scored', extracted: null, score: 0, extraction };
}

/** One finished sample waiting in a chunk (as read from the journal, or as the judge rebuilt it). */
interface Pending {
  result: SampleResult;
  /** The journal line, written as it is when final scoring does not change it. */
  line: string | null;
  noFinalAnswer: boolean;
}

/** Whether the final score equals what the journal line already says (a per-sample scorer's usual case). */
function unchanged(r: Scored, s: SampleScore, noFinalAnswer: boolean): boolean {
  return (
    r.score === s.score &&
    r.reason === s.reason &&
    r.fallback === s.fallback &&
    (r.noFinalAnswer === true) === noFinalAnswer &&
    JSON.stringify(r.extracted) === JSON.stringify(s.extracted) &&
    JSON.stringify(r.scores) === JSON.stringify(s.scores)
  );
}

export function finalizeSuite(p: FinalizeParams): SuiteScores {
  const { suite, journal } = p;
  const judged = p.judged && suite.judging ? p.judged : undefined;
  const scorer = judged ? suite.judging!.scorer : suite.scorer;
  const primaryMetric = judged ? suite.judging!.primaryMetric : suite.primaryMetric;
  const chunk = scorer.aggregate ? Math.max(1, p.chunk ?? 64) : Infinity;
  const out = createLineWriter(openSync(p.out, 'w'));
  const scores = createSeries();
  const groups: Array<string | undefined> = [];
  const groupNames = new Map<string, string>(); // one string per distinct group, not one per sample
  const erroredByKind: Record<ErrorKind, number> = { backend: 0, timeout: 0, input: 0, judge: 0 };
  const errorReasons = createErrorReasonCounter();
  let incomplete = 0;
  let total = 0;
  let missing = 0;
  // Styles that ask for a `FINAL ANSWER:` line say, per output, whether it had one.
  let markerChecked = false;
  let noFinalAnswer = 0;
  let wholeSet: Record<string, number> | null = null;
  let pending: Pending[] = [];
  let inputs: ScoreInput[] = [];
  // --conversation: each scored sample's turn, and the whole set's inputs for a scorer without `aggregate`
  const turnCounts = createTurnCounts();
  const scoredTurns = createSeries();
  let wholeInputs: ScoreInput[] | null = null;

  const flush = () => {
    const set = inputs.length ? scorer.scoreSet(inputs) : null;
    if (set && !scorer.aggregate) {
      wholeSet = set.aggregate;
      wholeInputs = inputs;
    }
    let k = 0;
    for (const w of pending) {
      const r = w.result;
      if (r.state !== 'scored' || !set) {
        out.write(w.line ?? toJournalLine(r));
        continue;
      }
      const s = set.samples[k];
      const group = inputs[k].group;
      k++;
      scores.push(s.score);
      scoredTurns.push(r.turn ?? 0);
      if (scorer.aggregate) groups.push(group === undefined ? undefined : groupNames.get(group) ?? (groupNames.set(group, group), group));
      const prev = r as Scored;
      if (w.line !== null && unchanged(prev, s, w.noFinalAnswer)) {
        out.write(w.line); // the score the sample got when it ran is final: the line stays as written
        continue;
      }
      const { noFinalAnswer: _was, ...rest } = prev;
      out.write(
        toJournalLine({
          ...rest,
          score: s.score,
          extracted: s.extracted,
          reason: s.reason,
          ...(s.scores ? { scores: s.scores } : {}),
          ...(s.fallback !== undefined ? { fallback: s.fallback } : {}),
          ...(w.noFinalAnswer ? { noFinalAnswer: true as const } : {}),
        }),
      );
    }
    pending = [];
    inputs = [];
  };

  for (const stub of p.samples) {
    total++;
    const key = journalKey(suite.id, stub.id);
    const record = journal.recordOf(key);
    if (record < 0) {
      missing++;
      continue;
    }
    const line = journal.line(record);
    let r = fromJournalLine(JSON.parse(line) as SampleResult);
    if (r.id !== stub.id || r.suite !== suite.id) throw new Error(`${journal.path}: the journal index mixed up '${key}' and '${journalKey(r.suite, r.id)}'`);
    let rebuilt: SampleResult | null = null;
    let answer: string | null = null;
    let marker = false;
    const sample = sampleOfStub(stub);
    if (judged && judgeable(r)) {
      const outcome = judged.get(stub.id);
      if (!outcome) {
        missing++; // judging was interrupted before this sample
        continue;
      }
      r = rebuilt = withOutcome(r, outcome);
      if (r.state === 'scored') answer = r.extraction!.text;
    } else if (r.state === 'scored') {
      const extraction = suite.extract(r.prediction, sample);
      answer = extraction.answer;
      if (extraction.noFinalAnswer !== undefined) markerChecked = true;
      if (extraction.noFinalAnswer) {
        noFinalAnswer++;
        marker = true;
      }
    }
    pending.push({ result: r, line: rebuilt ? null : line, noFinalAnswer: marker });
    turnCounts.add(r);
    if (r.state === 'errored') {
      erroredByKind[r.error.kind]++;
      errorReasons.add(r);
      continue;
    }
    if (r.incomplete) incomplete++;
    inputs.push(suite.scoreInput(sample, answer!));
    if (inputs.length >= chunk) flush();
  }
  flush();
  out.close();

  const scored = scores.values().length;
  const metrics: SuiteScores['metrics'] = {};
  const aggregate = scored === 0 ? null : scorer.aggregate ? scorer.aggregate(scores.values(), groups) : wholeSet;
  if (aggregate) {
    Object.assign(metrics, aggregateWithCi({ primaryMetric, perSampleMean: scorer.perSampleMean }, aggregate, scores.values()));
    // a count, like MMMU's `fallbacks`: outputs read whole because they had no `FINAL ANSWER:`
    if (markerChecked) metrics.no_final_answer = { value: noFinalAnswer, ci95: null };
  } else {
    metrics[primaryMetric] = { value: null, ci95: null };
  }
  const conversation = turnCounts.finish();
  if (conversation) {
    const turns = conversation.turns.map((t) => t.turn);
    Object.assign(metrics, turnMetrics({ scorer, primaryMetric, turns, scoredTurns: scoredTurns.values(), scores: scores.values(), groups, inputs: wholeInputs }));
  }
  const errored = Object.values(erroredByKind).reduce((a, b) => a + b, 0);
  const reasons = errorReasons.result();
  return {
    primaryMetric,
    metrics,
    counts: {
      total,
      scored,
      errored,
      erroredByKind,
      ...(errored ? { errorReasons: reasons.reasons } : {}),
      ...(reasons.other ? { otherErrorReasons: reasons.other } : {}),
      ...(incomplete ? { incomplete } : {}),
    },
    missing,
    ...(conversation ? { conversation } : {}),
  };
}
