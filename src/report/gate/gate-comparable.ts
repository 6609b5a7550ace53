// Whether two runs may be gated against each other at all. Accuracy on different data, a changed
// prompt (suite version) or a different sample selection is not a regression signal, so the gate
// refuses (exit 2) and says exactly what differs, unless a rule explicitly allows that difference.
// Answers read by a different LLM judge (MathVista) are never comparable.

import type { SampleResult } from '../../types.ts';
import type { GateCheck } from './gate-check.ts';
import { ruleFor, type GateRules } from './gate-rules.ts';
import type { LoadedRun } from '../load-run.ts';
import { samplesOf } from '../load-run.ts';
import { partialResults } from '../run-caveats.ts';
import type { SuiteResult } from '../schema.ts';

/** One suite present in both runs, with its per-sample results by id. */
export interface SuitePairing {
  suite: string;
  baseline: SuiteResult;
  candidate: SuiteResult;
  baselineSamples: Map<string, SampleResult>;
  candidateSamples: Map<string, SampleResult>;
  /** Ids in both runs, in the baseline's order. */
  sharedIds: string[];
}

export interface Comparability {
  checks: GateCheck[];
  pairings: SuitePairing[];
  notes: string[];
}

function shortFingerprint(f: string): string {
  return f.replace(/^sha256:/, '').slice(0, 12);
}

function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, 5).join(', ');
  return ids.length > 5 ? `${shown}, … (${ids.length} in all)` : shown;
}

/** A comparability line of the verdict (text values); 'comparable data' unless named otherwise. */
export function comparabilityCheck(c: { suite: string | null; verdict: GateCheck['verdict']; baseline: string; candidate: string; note: string; name?: string }): GateCheck {
  const { suite, verdict, baseline, candidate, note } = c;
  return {
    suite,
    kind: 'comparability',
    name: c.name ?? 'comparable data',
    unit: { kind: 'text', baseline, candidate },
    baseline: null,
    candidate: null,
    delta: null,
    ci: null,
    pValue: null,
    method: null,
    verdict,
    note,
  };
}

export function checkComparable(params: {
  baseline: LoadedRun;
  candidate: LoadedRun;
  baselineSamples: readonly SampleResult[];
  candidateSamples: readonly SampleResult[];
  rules: GateRules;
}): Comparability {
  const { baseline, candidate, rules } = params;
  const checks: GateCheck[] = [];
  const pairings: SuitePairing[] = [];
  const notes: string[] = [];
  for (const [name, run] of [['baseline', baseline], ['candidate', candidate]] as const) {
    const why = partialResults(run.results);
    if (why) checks.push(comparabilityCheck({ suite: null, name: 'whole run', verdict: 'not-comparable', baseline: name === 'baseline' ? 'partial' : '', candidate: name === 'candidate' ? 'partial' : '', note: `The ${name} run is not a whole run: ${why}.` }));
  }
  const candidateSuites = new Map(candidate.results.suites.map((s) => [s.id, s]));
  for (const b of baseline.results.suites) {
    const c = candidateSuites.get(b.id);
    if (!c) {
      checks.push(
        comparabilityCheck({ suite: b.id, verdict: 'not-comparable', baseline: `v${b.version}`, candidate: 'missing', note: `The candidate has no results for ${b.id}; run it, or gate against a baseline without it.` }),
      );
      continue;
    }
    const rule = ruleFor(rules, b.id);
    const baselineSamples = samplesOf(params.baselineSamples, b.id);
    const candidateSamples = samplesOf(params.candidateSamples, b.id);
    const onlyBaseline = [...baselineSamples.keys()].filter((id) => !candidateSamples.has(id));
    const onlyCandidate = [...candidateSamples.keys()].filter((id) => !baselineSamples.has(id));
    const problems: string[] = [];
    const allowed: string[] = [];
    const differ = (what: string, allow: boolean, ruleName: string) => (allow ? allowed : problems).push(allow ? `${what} (allowed by ${ruleName})` : what);
    if (b.version !== c.version) {
      differ(`suite version differs: baseline v${b.version}, candidate v${c.version}`, rule.allowVersionMismatch, 'allowVersionMismatch');
    }
    // another prompt style is another prompt (and its versions count separately): like a version change
    const bStyle = b.promptStyle ?? 'lmms-eval';
    const cStyle = c.promptStyle ?? 'lmms-eval';
    if (bStyle !== cStyle) {
      differ(`prompt style differs: baseline ${bStyle}, candidate ${cStyle}`, rule.allowVersionMismatch, 'allowVersionMismatch');
    }
    if (b.dataset.fingerprint !== c.dataset.fingerprint) {
      differ(
        `dataset fingerprint differs: baseline ${b.dataset.fingerprint} (${b.dataset.source} ${b.dataset.repo}, ${baselineSamples.size} samples), candidate ${c.dataset.fingerprint} (${c.dataset.source} ${c.dataset.repo}, ${candidateSamples.size} samples)`,
        rule.allowFingerprintMismatch,
        'allowFingerprintMismatch',
      );
    }
    // A judge decides what each answer says: another judge (or none) changes scores without any
    // change in the model, so no rule allows it.
    const judgeOf = (s: SuiteResult) => (s.judge ? `judge ${s.judge.model}` : 'no judge');
    if (judgeOf(b) !== judgeOf(c)) problems.push(`the answers were read by different judges: baseline ${judgeOf(b)}, candidate ${judgeOf(c)}`);
    // a question asked after others about the same image is not the question asked alone
    const askedAs = (s: SuiteResult) => (s.conversation ? `conversations of up to ${s.conversation.maxTurns} turns with ${s.conversation.history} history` : 'one question per request');
    if (askedAs(b) !== askedAs(c)) problems.push(`the questions were asked differently: baseline ${askedAs(b)}, candidate ${askedAs(c)}`);
    if (onlyBaseline.length || onlyCandidate.length) {
      const parts = [
        onlyBaseline.length ? `${onlyBaseline.length} only in the baseline (${listIds(onlyBaseline)})` : '',
        onlyCandidate.length ? `${onlyCandidate.length} only in the candidate (${listIds(onlyCandidate)})` : '',
      ].filter(Boolean);
      differ(`sample sets differ: ${parts.join('; ')}`, rule.allowSampleMismatch, 'allowSampleMismatch');
    }
    const describe = (s: SuiteResult, n: number) => `${s.promptStyle ?? 'lmms-eval'} v${s.version} ${shortFingerprint(s.dataset.fingerprint)} n=${n}`;
    const baseText = describe(b, baselineSamples.size);
    const candText = describe(c, candidateSamples.size);
    if (problems.length) {
      checks.push(comparabilityCheck({ suite: b.id, verdict: 'not-comparable', baseline: baseText, candidate: candText, note: `Not comparable: ${problems.join('; ')}.` }));
      continue;
    }
    const sharedIds = [...baselineSamples.keys()].filter((id) => candidateSamples.has(id));
    const note = allowed.length ? `Compared on the ${sharedIds.length} shared samples although ${allowed.join('; ')}.` : `Same suite version, data and ${sharedIds.length} samples.`;
    checks.push(comparabilityCheck({ suite: b.id, verdict: 'pass', baseline: baseText, candidate: candText, note }));
    pairings.push({ suite: b.id, baseline: b, candidate: c, baselineSamples, candidateSamples, sharedIds });
  }
  const baselineIds = new Set(baseline.results.suites.map((s) => s.id));
  for (const c of candidate.results.suites) {
    if (!baselineIds.has(c.id)) notes.push(`${c.id}: the baseline has no results for it, so it is not gated.`);
  }
  if (!candidate.results.completed) notes.push('The candidate run is incomplete (interrupted); resume it before trusting the verdict.');
  return { checks, pairings, notes };
}
