// Runs whose load generator was saturated (perf.client.saturated): compare marks their serving
// figures and warns, the gate refuses them (exit 2) unless the performance checks are off.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SATURATION_MESSAGE } from '../../src/load/client-check.ts';
import { compareRuns } from '../../src/report/compare/compare.ts';
import { gateRuns } from '../../src/report/gate/gate.ts';
import type { PerfClient } from '../../src/report/schema.ts';
import { binarySamples, timedPerf, tmpDir, writeRun } from '../helpers/runs.ts';

const ok: PerfClient = { workers: 2, loopDelayP99Ms: 1.4, saturated: false, reason: null, requestRate: null };
const saturated: PerfClient = {
  workers: 1,
  loopDelayP99Ms: 48.2,
  saturated: true,
  reason: 'event-loop delay p99 48.2 ms in a client thread, over the 10 ms limit',
  requestRate: null,
};

function runs(candidate: PerfClient | null) {
  const root = tmpDir('client-sat-');
  const samples = binarySamples(60, (i) => i < 45);
  const baseline = writeRun(join(root, 'baseline'), { suites: [{ suite: 'chartqa', samples, perf: { ...timedPerf(), client: ok } }], label: 'base' });
  const cand = writeRun(join(root, 'candidate'), { suites: [{ suite: 'chartqa', samples, perf: { ...timedPerf(), client: candidate } }], label: 'cand' });
  return { root, baseline, candidate: cand };
}

describe('a saturated client', () => {
  it('makes the gate refuse the runs (exit 2), naming the reason and the fix', async () => {
    const { baseline, candidate } = runs(saturated);
    const outcome = await gateRuns({ baseline, candidate, resamples: 200 });
    expect(outcome.exitCode).toBe(2);
    const check = outcome.checks.find((c) => c.name === 'load generator')!;
    expect(check).toMatchObject({ suite: 'chartqa', verdict: 'not-comparable' });
    expect(check.note).toContain(SATURATION_MESSAGE);
    expect(check.note).toContain('48.2 ms');
    expect(check.note).toMatch(/--client-workers/);
    // refused before judging: no accuracy verdict on untrustworthy runs
    expect(outcome.checks.some((c) => c.kind === 'accuracy')).toBe(false);
    expect(readFileSync(join(candidate, 'gate.md'), 'utf8')).toContain(SATURATION_MESSAGE);
  });

  it('is only noted when every performance check of the suite is turned off', async () => {
    const { root, baseline, candidate } = runs(saturated);
    const rules = join(root, 'rules.yaml');
    writeFileSync(rules, 'defaults:\n  maxThroughputDropPct: null\n  maxTtftP50RisePct: null\n  maxTtftP99RisePct: null\n');
    const outcome = await gateRuns({ baseline, candidate, rules, resamples: 200 });
    expect(outcome.exitCode).toBe(0);
    const check = outcome.checks.find((c) => c.name === 'load generator')!;
    expect(check.verdict).toBe('skip');
    expect(check.note).toContain('only accuracy is gated');
  });

  it('passes the check when both clients kept up, and adds none for runs without a client', async () => {
    const both = runs(ok);
    const outcome = await gateRuns({ baseline: both.baseline, candidate: both.candidate, resamples: 200 });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.checks.find((c) => c.name === 'load generator')).toMatchObject({ verdict: 'pass' });
    const root = tmpDir('client-none-');
    const samples = binarySamples(20, (i) => i < 10);
    const a = writeRun(join(root, 'a'), { suites: [{ suite: 'chartqa', samples }] });
    const b = writeRun(join(root, 'b'), { suites: [{ suite: 'chartqa', samples }] });
    const none = await gateRuns({ baseline: a, candidate: b, resamples: 200 });
    expect(none.checks.find((c) => c.name === 'load generator')).toBeUndefined();
  });

  it('is flagged by compare: a warning, ⚠ on its serving figures, client_saturated in the CSV', async () => {
    const { root, baseline, candidate } = runs(saturated);
    const out = join(root, 'comparison');
    const r = await compareRuns({ inputs: [baseline, candidate], out });
    const warning = r.warnings.find((w) => w.includes(SATURATION_MESSAGE));
    expect(warning).toContain('cand');
    // the last table is the suite's: its serving figures carry the mark
    expect(r.table.split('\n').findLast((l) => l.startsWith('cand'))).toContain('⚠');
    expect(r.table.split('\n').findLast((l) => l.startsWith('base (ref)'))).not.toContain('⚠');
    const md = readFileSync(join(out, 'comparison.md'), 'utf8');
    expect(md).toContain(SATURATION_MESSAGE);
    const csv = readFileSync(join(out, 'comparison.csv'), 'utf8').trim().split('\n');
    expect(csv[0].split(',').at(-1)).toBe('client_saturated');
    expect(csv.slice(1).map((l) => l.split(',').at(-1))).toEqual(['false', 'true']);
  });
});
