// The sweep writers and the sweep comparison on sweeps built from given numbers: files, escaping of
// labels and model ids, the warnings when sweeps do not line up, and bad input.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { compareRuns } from '../../src/report/compare/compare.ts';
import { buildSweep, type SweepHeader } from '../../src/sweep/build-sweep.ts';
import { measurePoint, type MeasuredSweepPoint } from '../../src/sweep/sweep-point.ts';
import { writeSweepReports } from '../../src/sweep/write-sweep.ts';
import { tmpDir, writeRun } from '../helpers/runs.ts';

const SCRIPT = '<script>alert(1)</script>';

function point(c: number, tokps: number, over: Partial<MeasuredSweepPoint> = {}): MeasuredSweepPoint {
  return {
    concurrency: c,
    requestRate: null,
    runDir: `c${c}`,
    runDirs: [`c${c}`],
    phase: 'list',
    order: c,
    completed: true,
    requests: 100,
    errored: 0,
    durationSec: 10,
    requestsPerSec: tokps / 100,
    outputTokensPerSec: tokps,
    outputTokensPerSecPerGpu: tokps,
    outputTokensPerSecPerUser: 1000 / (10 * c),
    ttftMs: { p50: 50 * c, p99: 90 * c },
    tpotMs: { p50: 10 * c, p99: 12 * c },
    e2elMs: { p50: 100 * c, p99: 200 * c },
    goodput: tokps / 200,
    sloAttainment: 0.9,
    sloPass: true,
    accuracy: { metric: 'relaxed_accuracy', value: 0.8, ci95: [0.75, 0.85] },
    energy: { avgPowerW: 500, joulesPerOutputToken: 500 / tokps, outputTokensPerJoule: tokps / 500 },
    costUsdPerMillionOutputTokens: 1,
    clientSaturated: false,
    valid: true,
    cacheReset: true,
    ...over,
  };
}

function header(label: string, over: Partial<SweepHeader> = {}): SweepHeader {
  return {
    sweepId: `sweep-${label}`,
    createdAt: '2025-01-01T00:00:00.000Z',
    completed: true,
    suite: 'chartqa',
    model: { id: `llama ${SCRIPT}`, backend: 'openai', dtype: 'bfloat16' },
    hardware: { label, gpu: 'MI300X', gpuCount: 1 },
    load: 'concurrency',
    profile: 'list',
    slo: [{ key: 'ttft_p99_ms', metric: 'ttft', percentile: 99, thresholdMs: 500 }],
    limit: 100,
    durationSec: null,
    repeats: 1,
    gpuHourCostUsd: 2,
    notes: [],
    serve: null,
    ...over,
  };
}

async function writeSweep(root: string, label: string, tokps: number[], over: Partial<SweepHeader> = {}): Promise<string> {
  const dir = join(root, label.replace(/[^a-z0-9]/gi, '_'));
  mkdirSync(dir, { recursive: true });
  // without an SLO a sweep has no goodput
  const noSlo = over.slo === null ? { goodput: null, sloAttainment: null, sloPass: null } : {};
  await writeSweepReports(dir, buildSweep(header(label, over), tokps.map((t, i) => point(2 ** i, t, noSlo))));
  return dir;
}

describe('sweep reports', () => {
  it('writes sweep.json, csv, md with PNG charts and html, every string escaped', async () => {
    const root = tmpDir('sweep-reports-');
    const dir = await writeSweep(root, `MI300X ${SCRIPT}`, [100, 200, 380, 400]);
    const sweep = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    expect(sweep.knee).toEqual({ concurrency: 4, requestRate: null });
    expect(sweep.maxGoodput).toEqual({ concurrency: 8, requestRate: null, goodput: 2 });
    const html = readFileSync(join(dir, 'sweep.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    const md = readFileSync(join(dir, 'sweep.md'), 'utf8');
    expect(md).not.toMatch(/<script/i);
    expect(md).toContain('![Throughput against load](sweep-throughput.png)');
    expect(md).toMatch(/\| c=4 \| 3\.80 \| 380\.0 \|.*\| knee, Pareto \|/);
    const csv = readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
  });
});

describe('compare across sweeps', () => {
  it('one row per sweep with max goodput, knee and tok/J at the knee; warns when SLOs differ', async () => {
    const root = tmpDir('sweep-cmp-');
    const a = await writeSweep(root, 'MI210', [50, 100, 105, 106]);
    const b = await writeSweep(root, 'MI300X', [100, 200, 400, 420], { slo: null });
    const out = join(root, 'out');
    const r = await compareRuns({ inputs: [a, b], out });
    expect(r.files.map((f) => f.slice(out.length + 1))).toEqual([
      'comparison.md',
      'comparison.csv',
      'comparison.html',
      'comparison-sweep-throughput.png',
      'comparison-sweep-ttft.png',
      'comparison-sweep-tpot.png',
      'comparison-sweep-pareto.png',
    ]);
    expect(r.warnings).toEqual(['The sweeps used different SLOs (or none): their goodput figures are not comparable.']);
    // MI210's knee is c=2 (100 → 105); tok/J there is 100/500
    expect(r.table).toMatch(/MI210 +llama <script>alert\(1\)<\/script> +1x MI300X +chartqa +4 +0\.53 +c=8 +c=2 +100\.0 +106\.0 +0\.200 +5\.0000 +c=2 \(knee\) +1\.00 /);
    expect(r.table).toMatch(/MI300X .* n\/a +n\/a +c=4 +400\.0 +420\.0 +0\.800 +1\.2500 +c=4 \(knee\)/);
    const csv = readFileSync(join(out, 'comparison.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 8);
    expect(csv[1].startsWith('MI210,chartqa,')).toBe(true);
    const html = readFileSync(join(out, 'comparison.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html.match(/<svg /g)).toHaveLength(4);
  });

  it('refuses runs and sweeps together, --reference, and a damaged sweep.json', async () => {
    const root = tmpDir('sweep-cmp-bad-');
    const sweep = await writeSweep(root, 'MI210', [1, 2]);
    const run = writeRun(join(root, 'run'), { suites: [{ suite: 'chartqa', samples: [{ id: 'a', score: 1 }] }] });
    await expect(compareRuns({ inputs: [sweep, run], out: root })).rejects.toThrow(/give either run directories or sweep directories, not both/);
    await expect(compareRuns({ inputs: [sweep], out: root, reference: 'MI210' })).rejects.toThrow(/--reference applies to runs/);
    writeFileSync(join(sweep, 'sweep.json'), '{"schemaVersion": 1}');
    await expect(compareRuns({ inputs: [sweep], out: root })).rejects.toThrow(UserError);
    await expect(compareRuns({ inputs: [sweep], out: root })).rejects.toThrow(`${join(sweep, 'sweep.json')}: not a valid vlm-harness sweep.json: 'sweepId'`);
  });
});

describe('measurePoint', () => {
  it('reads the load generator’s verdict (perf.client.saturated): a saturated client invalidates the point', () => {
    const root = tmpDir('measure-point-');
    const dir = writeRun(join(root, 'c8'), { suites: [{ suite: 'chartqa', samples: [{ id: 'a', score: 1 }, { id: 'b', score: 0 }] }] });
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    const base = { concurrency: 8, requestRate: null, phase: 'list' as const, order: 0, slos: null, gpuHourCostUsd: null, cacheReset: null };
    expect(measurePoint({ ...base, runs: [{ runDir: 'c8', results, samples: [] }] })).toMatchObject({ clientSaturated: null, valid: true });
    results.suites[0].perf.client = { workers: 2, loopDelayP99Ms: 80, saturated: true, reason: 'event loop', requestRate: null };
    expect(measurePoint({ ...base, runs: [{ runDir: 'c8', results, samples: [] }] })).toMatchObject({ clientSaturated: true, valid: false });
  });
});
