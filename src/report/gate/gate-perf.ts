// Performance and errored-sample checks of the gate. Speed and memory are compared as relative
// changes against the rule's tolerance (one measurement per run: no significance test is possible,
// so the tolerance has to cover run-to-run noise). A figure missing from either run (replay
// backends do not time generations; no GPU tool answered) skips the check with a note, and so do
// runs made under different load settings (concurrency, request rate, client workers, max tokens,
// prompt style): their speed differs for that reason alone. Accuracy is compared regardless.

import { loadDifferences } from '../load-compare.ts';
import type { Perf, Results } from '../schema.ts';
import type { GateCheck } from './gate-check.ts';
import type { SuitePairing } from './gate-comparable.ts';
import type { GateRule } from './gate-rules.ts';

interface PerfFigure {
  name: string;
  suffix: 'tok/s' | 'ms' | 'MiB';
  baseline: number | null;
  candidate: number | null;
  /** Whether bigger numbers are better (throughput) or worse (latency, memory). */
  higherIsBetter: boolean;
  tolerancePct: number | null;
  ruleName: keyof GateRule;
  /** Set when the runs' loads differ: the check is skipped with this reason. */
  notComparable?: string | null;
}

/**
 * Why the two runs' performance figures cannot be compared: they were made under different load
 * settings, or one of them mixes invocations under different loads. Null when they can be (a run
 * made before loads were recorded is compared as before).
 */
export function loadMismatch(p: SuitePairing): string | null {
  const mixed = [p.baseline.perf.mixedLoad ? 'baseline' : '', p.candidate.perf.mixedLoad ? 'candidate' : ''].filter(Boolean);
  if (mixed.length) return `the ${mixed.join(' and ')} figures pool invocations run under different load settings`;
  if (p.baseline.load && p.candidate.load) {
    const diff = loadDifferences(p.baseline.load, p.candidate.load);
    if (diff.length) return `the runs were made under different load (${diff.join(', ')}; baseline vs candidate)`;
  }
  return null;
}

function perfCheck(suite: string | null, f: PerfFigure): GateCheck {
  const base: GateCheck = {
    suite,
    kind: 'perf',
    name: f.name,
    unit: { kind: 'perf', suffix: f.suffix },
    baseline: f.baseline,
    candidate: f.candidate,
    delta: null,
    ci: null,
    pValue: null,
    method: null,
    verdict: 'skip',
    note: '',
  };
  if (f.tolerancePct === null) return { ...base, note: `Turned off (${f.ruleName}: null).` };
  if (f.notComparable) return { ...base, note: `Not compared: ${f.notComparable}. Accuracy is still compared.` };
  const missing = [f.baseline === null ? 'baseline' : '', f.candidate === null ? 'candidate' : ''].filter(Boolean);
  if (missing.length) return { ...base, note: `Not measured in the ${missing.join(' and ')} run${missing.length > 1 ? 's' : ''}.` };
  if (f.baseline === 0) return { ...base, note: 'The baseline figure is 0; a relative change is undefined.' };
  const change = ((f.candidate! - f.baseline!) / f.baseline!) * 100;
  const worse = f.higherIsBetter ? -change : change;
  const direction = f.higherIsBetter ? 'drop' : 'rise';
  const verdict = worse > f.tolerancePct + 1e-9 ? 'fail' : 'pass';
  const note =
    verdict === 'fail'
      ? `${f.name.replace(/^./, (ch) => ch.toUpperCase())} ${f.higherIsBetter ? 'dropped' : 'rose'} ${worse.toFixed(1)}% (more than the ${f.tolerancePct}% ${direction} allowed).`
      : worse > 0
        ? `A ${worse.toFixed(1)}% ${direction}, within the ${f.tolerancePct}% allowed.`
        : `No ${direction}.`;
  return { ...base, delta: change, method: `relative change, tolerance ${f.tolerancePct}%`, verdict, note };
}

/** Output tokens/s and TTFT p50/p99 of one suite. */
export function suitePerfChecks(p: SuitePairing, rule: GateRule): GateCheck[] {
  const b: Perf = p.baseline.perf;
  const c: Perf = p.candidate.perf;
  const notComparable = loadMismatch(p);
  return [
    perfCheck(p.suite, { name: 'output tokens/s', suffix: 'tok/s', baseline: b.outputTokensPerSec, candidate: c.outputTokensPerSec, higherIsBetter: true, tolerancePct: rule.maxThroughputDropPct, ruleName: 'maxThroughputDropPct', notComparable }),
    perfCheck(p.suite, { name: 'TTFT p50', suffix: 'ms', baseline: b.ttftMs?.p50 ?? null, candidate: c.ttftMs?.p50 ?? null, higherIsBetter: false, tolerancePct: rule.maxTtftP50RisePct, ruleName: 'maxTtftP50RisePct', notComparable }),
    perfCheck(p.suite, { name: 'TTFT p99', suffix: 'ms', baseline: b.ttftMs?.p99 ?? null, candidate: c.ttftMs?.p99 ?? null, higherIsBetter: false, tolerancePct: rule.maxTtftP99RisePct, ruleName: 'maxTtftP99RisePct', notComparable }),
  ];
}

/** Peak VRAM of the whole run (the sampler sums the selected GPUs per poll); skipped when a suite's load differs. */
export function vramCheck(baseline: Results, candidate: Results, rule: GateRule, notComparable: string | null = null): GateCheck {
  return perfCheck(null, {
    notComparable,
    name: 'peak VRAM',
    suffix: 'MiB',
    baseline: baseline.memory.peakVramMiB,
    candidate: candidate.memory.peakVramMiB,
    higherIsBetter: false,
    tolerancePct: rule.maxVramRisePct,
    ruleName: 'maxVramRisePct',
  });
}

/** Errored samples of one suite: an absolute cap on the candidate's rate and a cap on its rise. */
export function erroredCheck(p: SuitePairing, rule: GateRule): GateCheck {
  const count = (m: SuitePairing['baselineSamples']) => [...m.values()].filter((s) => s.state === 'errored').length;
  const be = count(p.baselineSamples);
  const ce = count(p.candidateSamples);
  const bn = p.baselineSamples.size;
  const cn = p.candidateSamples.size;
  const bRate = bn ? be / bn : 0;
  const cRate = cn ? ce / cn : 0;
  const base: GateCheck = {
    suite: p.suite,
    kind: 'errored',
    name: 'errored rate',
    unit: { kind: 'rate' },
    baseline: bRate,
    candidate: cRate,
    delta: cRate - bRate,
    ci: null,
    pValue: null,
    method: `errored ${be}/${bn} vs ${ce}/${cn}`,
    verdict: 'pass',
    note: '',
  };
  if (rule.maxErroredRate === null && rule.maxErroredRateIncreasePp === null) {
    return { ...base, verdict: 'skip', note: 'Turned off (maxErroredRate and maxErroredRateIncreasePp: null).' };
  }
  const problems: string[] = [];
  if (rule.maxErroredRate !== null && cRate > rule.maxErroredRate + 1e-12) {
    problems.push(`${ce} of ${cn} samples errored (${(100 * cRate).toFixed(2)}%, more than the ${(100 * rule.maxErroredRate).toFixed(2)}% allowed)`);
  }
  if (rule.maxErroredRateIncreasePp !== null && (cRate - bRate) * 100 > rule.maxErroredRateIncreasePp + 1e-9) {
    problems.push(`the errored rate rose ${((cRate - bRate) * 100).toFixed(2)} pp over the baseline's (more than ${rule.maxErroredRateIncreasePp} pp allowed)`);
  }
  if (problems.length) return { ...base, verdict: 'fail', note: `${problems.join('; ')}.`.replace(/^./, (ch) => ch.toUpperCase()) };
  return { ...base, note: `${ce} of ${cn} samples errored.` };
}
