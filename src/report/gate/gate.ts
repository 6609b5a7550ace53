// `npm run gate`: the CI verdict on a candidate run against a baseline run. Returns the exit code
// (0 pass, 1 regression, 2 not comparable), a terminal table, and the files it wrote (gate.md for
// the step summary, gate.junit.xml for test reporters). Bad input (a path that is not a run, a
// rules file with a typo) throws a UserError, which the CLI also turns into exit code 2.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accuracyCheck } from './gate-accuracy.ts';
import { CHECK_HEADER, checkCells, exitCodeOf, type GateCheck } from './gate-check.ts';
import { clientChecks } from './gate-client.ts';
import { checkComparable } from './gate-comparable.ts';
import { gateJunit } from './gate-junit.ts';
import { gateMarkdown } from './gate-md.ts';
import { erroredCheck, loadMismatch, suitePerfChecks, vramCheck } from './gate-perf.ts';
import { loadSampleInfoFromConfig, type LoadSampleInfo } from './gate-references.ts';
import { loadGateRules, ruleFor, type GateRule } from './gate-rules.ts';
import { loadRun, loadSamples, type LoadedRun } from '../load-run.ts';
import { runCaveats } from '../run-caveats.ts';
import { textTable } from '../text-table.ts';

export interface GateParams {
  /** Run directories or results.json paths. */
  baseline: string;
  candidate: string;
  /** Rules file (default configs/gates.yaml). */
  rules?: string;
  /** Where gate.md and gate.junit.xml go (default: the candidate's run directory). */
  out?: string;
  /** Overrides of the rules' resample counts (tests use fewer). */
  resamples?: number;
  corpusResamples?: number;
  /** How corpus metrics get their references (default: the data named in the run's config.json). */
  loadSampleInfo?: LoadSampleInfo;
}

export interface GateOutcome {
  exitCode: 0 | 1 | 2;
  /** Every check as a plain-text table, with the notes under it. */
  table: string;
  files: string[];
  checks: GateCheck[];
  notes: string[];
}

const EXIT_WORD: Record<0 | 1 | 2, string> = { 0: 'PASS', 1: 'REGRESSION', 2: 'NOT COMPARABLE' };

function hardwareOf(run: LoadedRun): string {
  const h = run.results.hardware;
  const gpu = h.gpus[0];
  return gpu ? `${h.gpuCount}x ${gpu.model ?? gpu.name ?? 'GPU'}` : 'no GPU';
}

export async function gateRuns(params: GateParams): Promise<GateOutcome> {
  const baseline = loadRun(params.baseline);
  const candidate = loadRun(params.candidate);
  const rules = loadGateRules(params.rules);
  const override = (r: GateRule): GateRule => ({
    ...r,
    ...(params.resamples !== undefined ? { resamples: params.resamples } : {}),
    ...(params.corpusResamples !== undefined ? { corpusResamples: params.corpusResamples } : {}),
  });
  const comparable = checkComparable({
    baseline,
    candidate,
    baselineSamples: loadSamples(baseline, { required: true })!,
    candidateSamples: loadSamples(candidate, { required: true })!,
    rules,
  });
  const checks: GateCheck[] = [...comparable.checks, ...clientChecks(comparable.pairings, rules)];
  const notes = [...comparable.notes];
  if (exitCodeOf(checks) !== 2) {
    for (const pairing of comparable.pairings) {
      const rule = override(ruleFor(rules, pairing.suite));
      checks.push(
        await accuracyCheck({ pairing, rule, baselineRun: baseline, candidateRun: candidate, loadSampleInfo: params.loadSampleInfo ?? loadSampleInfoFromConfig }),
        erroredCheck(pairing, rule),
        ...suitePerfChecks(pairing, rule),
      );
    }
    const mismatches = comparable.pairings.flatMap((p) => {
      const why = loadMismatch(p);
      return why ? [`${p.suite}: ${why}`] : [];
    });
    checks.push(vramCheck(baseline.results, candidate.results, override(rules.defaults), mismatches.length ? `performance is not compared (${mismatches.join('; ')})` : null));
    for (const m of mismatches) notes.push(`${m}: throughput, TTFT and peak VRAM are not compared; accuracy and errored samples are.`);
    const unrecorded = [baseline, candidate].filter((r) => r.results.suites.some((s) => !s.load)).map((r) => (r === baseline ? 'baseline' : 'candidate'));
    if (unrecorded.length) notes.push(`The ${unrecorded.join(' and ')} run does not record its load settings (made before they were recorded): performance is compared without checking that the loads match.`);
    if (hardwareOf(baseline) !== hardwareOf(candidate)) {
      notes.push(`The baseline ran on ${hardwareOf(baseline)} and the candidate on ${hardwareOf(candidate)}: the performance checks compare different hardware.`);
    }
  }
  // first among the notes: a fallback model or synthetic data makes the whole verdict meaningless
  const caveats = (['baseline', 'candidate'] as const).flatMap((name) => runCaveats((name === 'baseline' ? baseline : candidate).results).map((c) => `The ${name} run ${c}.`));
  notes.unshift(...caveats);
  const exitCode = exitCodeOf(checks);
  const out = params.out ?? candidate.dir;
  mkdirSync(out, { recursive: true });
  const mdPath = join(out, 'gate.md');
  const junitPath = join(out, 'gate.junit.xml');
  writeFileSync(mdPath, gateMarkdown({ exitCode, checks, notes, baseline, candidate, rulesSource: rules.source }));
  writeFileSync(junitPath, gateJunit({ checks, name: `vlm-harness gate: ${candidate.results.runId} vs ${baseline.results.runId}` }));
  const table = [
    `Gate ${EXIT_WORD[exitCode]}: candidate ${candidate.results.runId} vs baseline ${baseline.results.runId}`,
    textTable(CHECK_HEADER, checks.map(checkCells)),
    ...checks.filter((c) => c.verdict === 'fail' || c.verdict === 'not-comparable').map((c) => `${c.suite ?? 'run'} ${c.name}: ${c.note}`),
    ...notes.map((n) => `Note: ${n}`),
  ].join('\n');
  return { exitCode, table, files: [mdPath, junitPath], checks, notes };
}
