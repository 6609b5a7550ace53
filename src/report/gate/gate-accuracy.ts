// The accuracy check of the gate: a paired test on the samples both runs scored (paired-stats.ts).
// A regression needs both a drop beyond the rule's tolerance (practical significance) and a
// p-value under the rule's alpha (statistical significance), so noise alone never fails CI and a
// tiny but certain drop is still allowed.

import { getStyledSuite } from '../../../suites/index.ts';
import type { SampleResult, ScoreInput, StyledSuite } from '../../types.ts';
import { formatDelta, formatP, type CheckUnit, type GateCheck } from './gate-check.ts';
import type { SuitePairing } from './gate-comparable.ts';
import type { LoadSampleInfo, SampleInfo } from './gate-references.ts';
import type { GateRule } from './gate-rules.ts';
import type { LoadedRun } from '../load-run.ts';
import { pairedCorpusBootstrap, pairedScoreTest, type PairedTestResult } from './paired-stats.ts';

type Scored = Extract<SampleResult, { state: 'scored' }>;

export interface AccuracyCheckParams {
  pairing: SuitePairing;
  rule: GateRule;
  baselineRun: LoadedRun;
  candidateRun: LoadedRun;
  loadSampleInfo: LoadSampleInfo;
}

function scoredPairs(p: SuitePairing): Array<[Scored, Scored]> {
  const pairs: Array<[Scored, Scored]> = [];
  for (const id of p.sharedIds) {
    const b = p.baselineSamples.get(id)!;
    const c = p.candidateSamples.get(id)!;
    if (b.state === 'scored' && c.state === 'scored') pairs.push([b, c]);
  }
  return pairs;
}

function inputsFor(suite: StyledSuite, infos: Map<string, SampleInfo>): (results: readonly Scored[]) => ScoreInput[] {
  return (results) => results.map((r) => {
    const sample = { ...infos.get(r.id)!, images: [] };
    return suite.scoreInput(sample, suite.extract(r.prediction, sample).answer);
  });
}

/** Corpus metric: rescore both runs on each resampled set of images (ids made unique per draw). */
function corpusTest(p: { suite: StyledSuite; metric: string; infos: Map<string, SampleInfo>; pairs: ReadonlyArray<[Scored, Scored]>; rule: GateRule }): PairedTestResult {
  const { suite, metric, pairs, rule } = p;
  const toInputs = inputsFor(suite, p.infos);
  const base = toInputs(pairs.map((x) => x[0]));
  const cand = toInputs(pairs.map((x) => x[1]));
  const value = (inputs: readonly ScoreInput[]) => suite.scorer.scoreSet(inputs).aggregate[metric];
  const pick = (inputs: readonly ScoreInput[], idx: Int32Array) => Array.from(idx, (i, k) => ({ ...inputs[i], id: `${inputs[i].id}#${k}` }));
  const baseline = value(base);
  const candidate = value(cand);
  const delta = candidate - baseline;
  const boot = pairedCorpusBootstrap({
    n: pairs.length,
    observed: delta,
    statistic: (idx) => value(pick(cand, idx)) - value(pick(base, idx)),
    resamples: rule.corpusResamples,
    seed: rule.seed,
  });
  return { method: 'paired-corpus-bootstrap', n: pairs.length, baseline, candidate, delta, ci: boot.ci, pValue: boot.pValue };
}

function methodText(t: PairedTestResult, rule: GateRule): string {
  switch (t.method) {
    case 'mcnemar-exact':
      return `exact McNemar, n=${t.n}, discordant ${t.discordant!.baselineOnly} baseline-only / ${t.discordant!.candidateOnly} candidate-only`;
    case 'paired-bootstrap':
      return `paired bootstrap, n=${t.n}, ${rule.resamples} resamples`;
    case 'paired-corpus-bootstrap':
      return `paired corpus bootstrap, n=${t.n} images, ${rule.corpusResamples} resamples`;
  }
}

export async function accuracyCheck(p: AccuracyCheckParams): Promise<GateCheck> {
  const { pairing, rule } = p;
  const metric = pairing.baseline.primaryMetric;
  const unit: CheckUnit = { kind: 'metric', metric };
  const check = (over: Partial<GateCheck> & Pick<GateCheck, 'verdict' | 'note'>): GateCheck => ({
    suite: pairing.suite,
    kind: 'accuracy',
    name: metric,
    unit,
    baseline: pairing.baseline.metrics[metric]?.value ?? null,
    candidate: pairing.candidate.metrics[metric]?.value ?? null,
    delta: null,
    ci: null,
    pValue: null,
    method: null,
    ...over,
  });
  if (rule.maxAccuracyDrop === null) return check({ verdict: 'skip', note: 'Accuracy check turned off (maxAccuracyDrop: null).' });
  const pairs = scoredPairs(pairing);
  if (pairs.length === 0) return check({ verdict: 'skip', note: 'No sample was scored in both runs.' });
  // both runs used the same style (gate-comparable.ts refuses otherwise)
  const suite = getStyledSuite(pairing.suite, pairing.baseline.promptStyle);
  const opts = { resamples: rule.resamples, seed: rule.seed };
  let test: PairedTestResult;
  let fallback = '';
  if (suite.scorer.perSampleMean) {
    test = pairedScoreTest({ baseline: pairs.map((x) => x[0].score), candidate: pairs.map((x) => x[1].score), ...opts });
  } else {
    const ids = new Set(pairs.map((x) => x[0].id));
    let info = await p.loadSampleInfo(p.baselineRun, suite, ids);
    if (info.samples === null) {
      const fromCandidate = await p.loadSampleInfo(p.candidateRun, suite, ids);
      if (fromCandidate.samples !== null) info = fromCandidate;
    }
    if (info.samples !== null) {
      test = corpusTest({ suite, metric, infos: info.samples, pairs, rule });
    } else {
      // Per-image scores with the corpus statistics (CIDEr-D document frequencies) held fixed.
      test = pairedScoreTest({ baseline: pairs.map((x) => x[0].score), candidate: pairs.map((x) => x[1].score), ...opts });
      fallback = ` References unavailable (${info.reason}), so this is a paired bootstrap of the per-image scores with document frequencies held fixed.`;
    }
  }
  const drop = -test.delta;
  const tol = rule.maxAccuracyDrop;
  const dropText = formatDelta(unit, drop).replace(/^\+/, '');
  const tolText = formatDelta(unit, tol).replace(/^\+/, '');
  const significant = test.pValue < rule.alpha;
  const pText = `p=${formatP(test.pValue)}`;
  let verdict: GateCheck['verdict'] = 'pass';
  let note: string;
  if (drop <= 0) note = 'No drop.';
  else if (drop <= tol + 1e-12) note = `Drop of ${dropText} is within the ${tolText} tolerance.`;
  else if (!significant) note = `Drop of ${dropText} exceeds ${tolText} but is within noise (${pText} ≥ ${rule.alpha}).`;
  else {
    verdict = 'fail';
    note = `Dropped ${dropText} (more than ${tolText} allowed), significant at ${rule.alpha} (${pText}).`;
  }
  return check({
    baseline: test.baseline,
    candidate: test.candidate,
    delta: test.delta,
    ci: test.ci,
    pValue: test.pValue,
    method: methodText(test, rule),
    verdict,
    note: note + fallback,
  });
}
