import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateRuns } from '../../../src/report/gate/gate.ts';
import { parseGateRules } from '../../../src/report/gate/gate-rules.ts';
import { UserError } from '../../../src/errors.ts';
import { binarySamples, editRun, timedPerf, tmpDir, writeRun, type FixtureSample } from '../../helpers/runs.ts';
import { runEval } from '../../../src/run/eval.ts';
import { buildPlan } from '../../../src/run/plan.ts';
import { resolveLocalDataset, SAMPLES_ROOT, streamSamples, suiteOptions } from '../../../src/data/dataset.ts';
import { sampleInfoLoader } from '../../../src/report/gate/gate-references.ts';
import { getSuite, SUITE_IDS } from '../../../suites/index.ts';

const FAST = { resamples: 2000, corpusResamples: 100 };

/** 200 chartqa samples, the first 150 right. */
const baselineSamples = () => binarySamples(200, (i) => i < 150);

function pair(candidate: FixtureSample[], opts: { candidatePerf?: Parameters<typeof timedPerf>[0]; candidateVram?: number | null; candidateFingerprint?: string } = {}) {
  const root = tmpDir('gate-');
  const baseline = writeRun(join(root, 'baseline'), { suites: [{ suite: 'chartqa', samples: baselineSamples() }] });
  const cand = writeRun(join(root, 'candidate'), {
    suites: [{ suite: 'chartqa', samples: candidate, perf: timedPerf(opts.candidatePerf), ...(opts.candidateFingerprint ? { fingerprint: opts.candidateFingerprint } : {}) }],
    ...(opts.candidateVram !== undefined ? { peakVramMiB: opts.candidateVram } : {}),
  });
  return { root, baseline, candidate: cand };
}

function check(outcome: Awaited<ReturnType<typeof gateRuns>>, suite: string | null, name: string) {
  const c = outcome.checks.find((x) => x.suite === suite && x.name === name);
  if (!c) throw new Error(`no check ${suite}/${name} in ${outcome.checks.map((x) => `${x.suite}/${x.name}`).join(', ')}`);
  return c;
}

describe('gateRuns', () => {
  it('passes identical runs and writes gate.md and gate.junit.xml into the candidate run', async () => {
    const { baseline, candidate } = pair(baselineSamples());
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.files).toEqual([join(candidate, 'gate.md'), join(candidate, 'gate.junit.xml')]);
    const acc = check(outcome, 'chartqa', 'relaxed_accuracy');
    expect(acc).toMatchObject({ verdict: 'pass', delta: 0, pValue: 1 });
    expect(acc.method).toMatch(/exact McNemar/);
    for (const name of ['errored rate', 'output tokens/s', 'TTFT p50', 'TTFT p99']) expect(check(outcome, 'chartqa', name).verdict).toBe('pass');
    expect(check(outcome, null, 'peak VRAM').verdict).toBe('pass');
    expect(outcome.table).toMatch(/^Gate PASS/);
    for (const h of ['baseline', 'candidate', 'delta', '95% CI', 'p', 'verdict']) expect(outcome.table).toContain(h);
    const md = readFileSync(join(candidate, 'gate.md'), 'utf8');
    expect(md).toContain('✅ vlm-harness gate: pass');
    const xml = readFileSync(join(candidate, 'gate.junit.xml'), 'utf8');
    expect(xml).toContain(`tests="${outcome.checks.length}" failures="0" errors="0"`);
    expect(xml.match(/<testcase /g)).toHaveLength(outcome.checks.length);
  });

  it('fails a real accuracy drop with the exact McNemar p-value', async () => {
    // 20 samples right only in the baseline, 4 right only in the candidate
    const cand = binarySamples(200, (i) => (i < 150 && !(i >= 10 && i < 30)) || (i >= 150 && i < 154));
    const { baseline, candidate } = pair(cand);
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    expect(outcome.exitCode).toBe(1);
    const acc = check(outcome, 'chartqa', 'relaxed_accuracy');
    expect(acc.verdict).toBe('fail');
    expect(acc.baseline).toBeCloseTo(0.75, 12);
    expect(acc.candidate).toBeCloseTo(0.67, 12);
    expect(acc.delta).toBeCloseTo(-0.08, 12);
    // two-sided exact binomial: 2 · Σ_{k≤4} C(24,k) / 2^24 = 2 · 12951 / 16777216
    expect(acc.pValue).toBeCloseTo(25902 / 16777216, 12);
    expect(acc.ci![0]).toBeLessThan(-0.08);
    expect(acc.ci![1]).toBeLessThan(0);
    expect(acc.method).toContain('discordant 20 baseline-only / 4 candidate-only');
    expect(outcome.table).toMatch(/^Gate REGRESSION/);
    expect(outcome.table).toContain('-8.00 pp');
    const md = readFileSync(outcome.files[0], 'utf8');
    expect(md).toContain('❌ vlm-harness gate: regression');
    expect(md).toMatch(/relaxed_accuracy: Dropped 8\.00 pp/);
    const xml = readFileSync(outcome.files[1], 'utf8');
    expect(xml).toContain('failures="1"');
    expect(xml).toMatch(/<failure message="Dropped 8\.00 pp[^"]*" type="regression">/);
  });

  it('passes a small drop within noise', async () => {
    // 5 lost, 2 gained: a 1.5 pp drop (over the 1 pp tolerance) but p = 2 · 29 / 128 = 0.453
    const cand = binarySamples(200, (i) => (i < 150 && i >= 5) || (i >= 150 && i < 152));
    const { baseline, candidate } = pair(cand);
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    expect(outcome.exitCode).toBe(0);
    const acc = check(outcome, 'chartqa', 'relaxed_accuracy');
    expect(acc.verdict).toBe('pass');
    expect(acc.pValue).toBeCloseTo(58 / 128, 12);
    expect(acc.note).toMatch(/within noise/);
  });

  it("gates judged MathVista runs with exact McNemar and the shipped 2 pp tolerance", async () => {
    const root = tmpDir('gate-');
    const judge = { model: 'judge-a', baseUrl: 'http://127.0.0.1:8001/v1', calls: 0, cacheHits: 1000 };
    const run = (name: string, lost: number) =>
      writeRun(join(root, name), { suites: [{ suite: 'mathvista', judge, samples: binarySamples(1000, (i) => i >= lost && i < 515) }] });
    const baseline = run('b', 0);
    // 15 answers lost, none gained: 1.5 pp, certain (p = 2 / 2^15) but within 2 pp
    const small = await gateRuns({ baseline, candidate: run('small', 15), ...FAST });
    const acc = check(small, 'mathvista', 'accuracy');
    expect(small.exitCode).toBe(0);
    expect(acc.method).toBe('exact McNemar, n=1000, discordant 15 baseline-only / 0 candidate-only');
    expect(acc.pValue).toBeCloseTo(2 / 2 ** 15, 15);
    expect(acc.note).toMatch(/within the 2\.00 pp tolerance/);
    // 25 lost: 2.5 pp, significant: a regression
    const big = await gateRuns({ baseline, candidate: run('big', 25), ...FAST });
    expect(big.exitCode).toBe(1);
    expect(check(big, 'mathvista', 'accuracy')).toMatchObject({ verdict: 'fail' });
  });

  it('tests continuous scores (ANLS) with the paired bootstrap', async () => {
    const root = tmpDir('gate-');
    const base = Array.from({ length: 120 }, (_, i) => ({ id: `d${i}`, score: 0.5 + 0.4 * Math.sin(i) ** 2 }));
    const shifted = base.map((s) => ({ ...s, score: s.score - 0.05 }));
    const jitter = base.map((s, i) => ({ ...s, score: s.score + (i % 2 ? 0.02 : -0.021) }));
    const b = writeRun(join(root, 'b'), { suites: [{ suite: 'docvqa', samples: base }] });
    const drop = writeRun(join(root, 'drop'), { suites: [{ suite: 'docvqa', samples: shifted }] });
    const noise = writeRun(join(root, 'noise'), { suites: [{ suite: 'docvqa', samples: jitter }] });
    const failed = await gateRuns({ baseline: b, candidate: drop, ...FAST });
    const acc = check(failed, 'docvqa', 'anls');
    expect(failed.exitCode).toBe(1);
    expect(acc.method).toMatch(/paired bootstrap, n=120, 2000 resamples/);
    expect(acc.delta).toBeCloseTo(-0.05, 12);
    expect(acc.pValue).toBeCloseTo(1 / 2001, 12);
    const passed = await gateRuns({ baseline: b, candidate: noise, ...FAST });
    expect(passed.exitCode).toBe(0);
    expect(check(passed, 'docvqa', 'anls').pValue!).toBeGreaterThan(0.05);
  });

  it('fails performance regressions beyond tolerance and skips figures a run lacks', async () => {
    const { baseline, candidate } = pair(baselineSamples(), { candidatePerf: { outputTokensPerSec: 850, ttftP50: 150, ttftP99: 420 }, candidateVram: 170_000 });
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    expect(outcome.exitCode).toBe(1);
    const tput = check(outcome, 'chartqa', 'output tokens/s');
    expect(tput).toMatchObject({ verdict: 'fail', baseline: 1000, candidate: 850 });
    expect(tput.delta).toBeCloseTo(-15, 9);
    expect(check(outcome, 'chartqa', 'TTFT p50')).toMatchObject({ verdict: 'fail' }); // +25% > 15%
    expect(check(outcome, 'chartqa', 'TTFT p99')).toMatchObject({ verdict: 'pass' }); // +5%
    const vram = check(outcome, null, 'peak VRAM');
    expect(vram.verdict).toBe('fail'); // +13.3% > 10%
    expect(vram.note).toMatch(/rose 13\.3%/);

    editRun(candidate, (r) => {
      r.suites[0].perf.ttftMs = null;
      r.suites[0].perf.outputTokensPerSec = 990;
      r.memory.peakVramMiB = null;
    });
    const skipped = await gateRuns({ baseline, candidate, ...FAST });
    expect(skipped.exitCode).toBe(0);
    expect(check(skipped, 'chartqa', 'TTFT p50')).toMatchObject({ verdict: 'skip', note: 'Not measured in the candidate run.' });
    expect(check(skipped, null, 'peak VRAM').verdict).toBe('skip');
    expect(readFileSync(join(candidate, 'gate.junit.xml'), 'utf8')).toMatch(/<skipped message="Not measured in the candidate run\."\/>/);
  });

  it('fails when the candidate errors on too many samples', async () => {
    const cand: FixtureSample[] = baselineSamples().map((s, i) => (i >= 190 && i < 195 ? { ...s, score: null } : s));
    const { baseline, candidate } = pair(cand);
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    const errored = check(outcome, 'chartqa', 'errored rate');
    expect(outcome.exitCode).toBe(1);
    expect(errored.verdict).toBe('fail');
    expect(errored.note).toMatch(/5 of 200 samples errored \(2\.50%/);
    // the accuracy test pairs only the samples scored in both runs
    expect(check(outcome, 'chartqa', 'relaxed_accuracy').method).toMatch(/n=195/);
  });

  it('refuses (exit 2) runs on different data, naming what differs, unless a rule allows it', async () => {
    const other = `sha256:${'cd'.repeat(32)}`;
    const { root, baseline, candidate } = pair(baselineSamples().slice(0, 198), { candidateFingerprint: other });
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    expect(outcome.exitCode).toBe(2);
    const c = check(outcome, 'chartqa', 'comparable data');
    expect(c.verdict).toBe('not-comparable');
    expect(c.note).toContain(`dataset fingerprint differs: baseline sha256:${'ab'.repeat(32)}`);
    expect(c.note).toContain(`candidate ${other}`);
    expect(c.note).toContain('sample sets differ: 2 only in the baseline (s198, s199)');
    expect(outcome.checks).toHaveLength(1); // nothing else is judged
    expect(outcome.table).toMatch(/^Gate NOT COMPARABLE/);
    expect(readFileSync(outcome.files[0], 'utf8')).toContain('⚠️ vlm-harness gate: runs not comparable');
    expect(readFileSync(outcome.files[1], 'utf8')).toMatch(/<error message="Not comparable: dataset fingerprint differs/);

    const rules = join(root, 'rules.yaml');
    writeFileSync(rules, 'defaults:\n  allowFingerprintMismatch: true\n  allowSampleMismatch: true\n');
    const allowed = await gateRuns({ baseline, candidate, rules, ...FAST });
    expect(allowed.exitCode).toBe(0);
    expect(check(allowed, 'chartqa', 'comparable data').note).toMatch(/Compared on the 198 shared samples although dataset fingerprint differs.*allowed by allowFingerprintMismatch/);
  });

  it('refuses a changed suite version and a suite the candidate did not run', async () => {
    const root = tmpDir('gate-');
    const b = writeRun(join(root, 'b'), { suites: [{ suite: 'chartqa', samples: baselineSamples() }, { suite: 'mmmu', samples: binarySamples(10, () => true) }] });
    const c = writeRun(join(root, 'c'), { suites: [{ suite: 'chartqa', samples: baselineSamples(), version: 2 }] });
    const outcome = await gateRuns({ baseline: b, candidate: c, out: join(root, 'gate-out'), ...FAST });
    expect(outcome.exitCode).toBe(2);
    expect(check(outcome, 'chartqa', 'comparable data').note).toContain('suite version differs: baseline v1, candidate v2');
    expect(check(outcome, 'mmmu', 'comparable data').note).toContain('The candidate has no results for mmmu');
    expect(existsSync(join(root, 'gate-out', 'gate.md'))).toBe(true);
  });

  it('gives bad input and rule typos as UserErrors with the fix', async () => {
    const { root, baseline, candidate } = pair(baselineSamples());
    await expect(gateRuns({ baseline: root, candidate })).rejects.toThrow(`${root} is not a run directory`);
    writeFileSync(join(root, 'broken.json'), '{"runId": 3}');
    await expect(gateRuns({ baseline: join(root, 'broken.json'), candidate })).rejects.toThrow(/broken\.json: not a valid vlm-harness results\.json/);
    const rules = join(root, 'typo.yaml');
    writeFileSync(rules, 'suites:\n  chartqa:\n    maxAccuracyDorp: 0.02\n');
    const err = await gateRuns({ baseline, candidate, rules }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`${rules}: unknown rule 'suites.chartqa.maxAccuracyDorp'. Did you mean 'maxAccuracyDrop'?`);
    expect(() => parseGateRules('suites:\n  vqa2: {}\n', 'g.yaml')).toThrow("g.yaml: unknown suite 'vqa2' under suites. Did you mean 'vqav2'?");
    expect(() => parseGateRules('defaults:\n  alpha: 5\n', 'g.yaml')).toThrow(/'defaults\.alpha'/);
  });

  it('the shipped configs/gates.yaml is valid and covers every suite', async () => {
    const { loadGateRules } = await import('../../../src/report/gate/gate-rules.ts');
    const rules = loadGateRules();
    expect(Object.keys(rules.suites).sort()).toEqual([...SUITE_IDS].sort());
    expect(rules.suites.mathvista).toEqual({ maxAccuracyDrop: 0.02 });
    expect(rules.defaults).toMatchObject({ alpha: 0.05, maxThroughputDropPct: 10, maxTtftP50RisePct: 15, maxVramRisePct: 10 });
  });

  it('escapes model text in gate.md and gate.junit.xml', async () => {
    const { baseline, candidate } = pair(baselineSamples().map((s, i) => (i < 20 ? { ...s, score: 0 } : s)));
    editRun(candidate, (r) => {
      r.runId = 'cand<script>&"x"';
      r.model.id = 'evil|<img src=x onerror=alert(1)>';
    });
    const outcome = await gateRuns({ baseline, candidate, ...FAST });
    const xml = readFileSync(outcome.files[1], 'utf8');
    expect(xml).toContain('cand&lt;script&gt;&amp;&quot;x&quot;');
    expect(xml).not.toContain('<script>');
    const md = readFileSync(outcome.files[0], 'utf8');
    expect(md).toContain('evil\\|&lt;img src=x onerror=alert(1)&gt;');
    expect(md).not.toContain('<img');
  });
});

describe('gateRuns on corpus metrics (COCO CIDEr through the real pipeline)', () => {
  async function cocoRun(dir: string, predict: (refs: string[], i: number) => string): Promise<string> {
    const suite = getSuite('coco-captions');
    const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((spec) => resolveLocalDataset(suite, spec, 'sample')));
    const lines: string[] = [];
    let i = 0;
    for await (const { sample } of streamSamples({ suite, datasets })) lines.push(JSON.stringify({ id: sample.id, prediction: predict(sample.references, i++) }));
    mkdirSync(dir, { recursive: true });
    const preds = join(dir, 'preds.jsonl');
    writeFileSync(preds, `${lines.join('\n')}\n`);
    const plan = buildPlan({ flags: { suite: 'coco-captions', predictions: preds, out: join(dir, 'run') }, defaults: { backend: 'replay', data: 'sample' } });
    return (await runEval(plan, { signal: new AbortController().signal })).runDir;
  }

  it('rescores resampled images: identical runs pass, a much worse captioner fails', async () => {
    const root = tmpDir('gate-coco-');
    const gold = await cocoRun(join(root, 'gold'), (refs) => refs[0]);
    const same = await cocoRun(join(root, 'same'), (refs) => refs[0]);
    const worse = await cocoRun(join(root, 'worse'), (refs, i) => (i % 3 === 0 ? 'a picture' : refs[1]));
    const identical = await gateRuns({ baseline: gold, candidate: same, ...FAST });
    expect(identical.exitCode).toBe(0);
    const acc = check(identical, 'coco-captions', 'CIDEr');
    expect(acc).toMatchObject({ verdict: 'pass', delta: 0, pValue: 1 });
    expect(acc.method).toBe('paired corpus bootstrap, n=12 images, 100 resamples');
    const dropped = await gateRuns({ baseline: gold, candidate: worse, ...FAST });
    const d = check(dropped, 'coco-captions', 'CIDEr');
    expect(d.method).toMatch(/paired corpus bootstrap/);
    expect(d.delta!).toBeLessThan(-0.03);
    expect(d.ci![0]).toBeLessThan(d.delta!);
    expect(d.ci![1]).toBeLessThan(0);
    expect(d.pValue!).toBeLessThan(0.05);
    expect(d.verdict).toBe('fail');
    expect(dropped.exitCode).toBe(1);
    // the observed values are the corpus CIDEr of each run, as results.json reports them
    const resultsOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { suites: Array<{ metrics: { CIDEr: { value: number } } }> };
    expect(d.baseline).toBeCloseTo(resultsOf(gold).suites[0].metrics.CIDEr.value, 12);
    expect(d.candidate).toBeCloseTo(resultsOf(worse).suites[0].metrics.CIDEr.value, 12);
  });

  it('reads the references of a Hub run from the Hub cache at the recorded commit, offline', async () => {
    const root = tmpDir('gate-coco-');
    const gold = await cocoRun(join(root, 'gold'), (refs) => refs[0]);
    const worse = await cocoRun(join(root, 'worse'), (refs, i) => (i % 2 ? 'a picture' : refs[0]));
    const sha = 'f'.repeat(40);
    const repo = 'lmms-lab-encoder/COCO-Caption2017';
    for (const dir of [gold, worse]) {
      editRun(dir, (r) => {
        Object.assign(r.suites[0].dataset, { source: 'hub', revision: sha, repo });
      });
    }
    const cache = join(root, 'hf-cache');
    const snapshot = join(cache, `datasets--${repo.replace('/', '--')}`, 'snapshots', sha, 'data');
    mkdirSync(snapshot, { recursive: true });
    cpSync(join(SAMPLES_ROOT, 'coco-captions', 'data', 'val-00000-of-00001.parquet'), join(snapshot, 'val-00000-of-00001.parquet'));
    const fromCache = await gateRuns({ baseline: gold, candidate: worse, ...FAST, loadSampleInfo: sampleInfoLoader({ env: { HF_HUB_CACHE: cache } }) });
    expect(check(fromCache, 'coco-captions', 'CIDEr').method).toMatch(/^paired corpus bootstrap/);
    const empty = await gateRuns({ baseline: gold, candidate: worse, ...FAST, loadSampleInfo: sampleInfoLoader({ env: { HF_HUB_CACHE: join(root, 'none') } }) });
    const acc = check(empty, 'coco-captions', 'CIDEr');
    expect(acc.method).toMatch(/^paired bootstrap, n=12/);
    expect(acc.note).toMatch(/References unavailable \(HF_HUB_OFFLINE is set, .*lmms-lab-encoder\/COCO-Caption2017/);
  });

  it('falls back to per-image scores when the references are not available', async () => {
    const root = tmpDir('gate-coco-');
    const gold = await cocoRun(join(root, 'gold'), (refs) => refs[0]);
    const worse = await cocoRun(join(root, 'worse'), (refs, i) => (i % 2 ? 'a picture' : refs[0]));
    const outcome = await gateRuns({
      baseline: gold,
      candidate: worse,
      ...FAST,
      loadSampleInfo: async () => ({ samples: null, reason: 'the run used --data hub' }),
    });
    const acc = check(outcome, 'coco-captions', 'CIDEr');
    expect(acc.method).toMatch(/^paired bootstrap, n=12/);
    expect(acc.note).toMatch(/References unavailable \(the run used --data hub\)/);
  });
});
