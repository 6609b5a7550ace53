// `vlm-harness sweep` end to end against the capacity-limited loopback server
// (test/helpers/capacity-server.ts): K streams at full speed, slower in proportion beyond K.
// - `--concurrency 1,2,4,8,16,32` with K = 2.5 finds the knee at 4, the first doubling point past
//   the capacity (2 → 4 gains about 25%, 4 → 8 nothing while latency doubles);
// - goodput under an SLO equals what this test computes by hand from each point's samples.jsonl;
// - `--profile auto` with K = 5.5 and a TPOT objective that holds up to about concurrency 7 lands
//   on the max-goodput point (the capacity, 6 here) within one bisection step.
// Each point sends requests for a fixed time (`--duration`, from 192 rows: the bundled ChartQA
// sample twelve times over), so every point is mostly steady state: a loaded test machine that stalls
// a process for 100 ms moves a point's throughput by a few percent, not past the 10% rule;
// - each point is a run directory `compare` accepts; sweep.html and the comparison of the two
//   sweeps open in headless Chromium with their charts and no console message.
// each sweep takes about ten seconds. Nothing here asserts a wall-clock figure, only the shape the
// capacity implies.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRun, loadSamples } from '../../src/report/load-run.ts';
import { sweepSchema, type Sweep } from '../../src/sweep/sweep-schema.ts';
import { startCapacityServer, type CapacityServer } from '../helpers/capacity-server.ts';
import { dumpPage, findChromium, NO_CHROMIUM } from '../helpers/chromium.ts';
import { startOpenAiServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'sweep-'));
const env = { PATH: '/usr/bin:/bin' };
const REPO = new URL('../../', import.meta.url).pathname;

/** The bundled ChartQA sample twelve times over (192 rows, ids by position): enough for a timed point. */
function manyRows(): string {
  const dir = join(root, 'chartqa-192');
  if (existsSync(dir)) return dir;
  mkdirSync(join(dir, 'data'), { recursive: true });
  for (let i = 0; i < 12; i++) copyFileSync(join(REPO, 'datasets/chartqa/data/test-00000-of-00001.parquet'), join(dir, `data/test-${String(i).padStart(5, '0')}-of-00012.parquet`));
  return dir;
}

function readSweep(dir: string): Sweep {
  return sweepSchema.parse(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')));
}

let listServer: CapacityServer;
let autoServer: CapacityServer;
const listDir = join(root, 'list');
const autoDir = join(root, 'auto');
const SLO = 'ttft_p99_ms=60,tpot_p99_ms=12,e2el_p99_ms=150';

beforeAll(async () => {
  listServer = await startCapacityServer({ capacity: 2.5, firstTokenMs: 10, tokenMs: 8, tokens: 4, spread: 5 });
  autoServer = await startCapacityServer({ capacity: 5.5, firstTokenMs: 20, tokenMs: 20, tokens: 4, spread: 4 });
});
afterAll(async () => {
  await listServer.close();
  await autoServer.close();
});

describe('sweep --concurrency 1,2,4,8,16,32 against a server of capacity 2.5 streams', () => {
  let sweep: Sweep;

  it('runs every point as a run directory and writes sweep.json, sweep.csv, sweep.md, sweep.html and charts', async () => {
    const r = await runCli(
      ['sweep', '--suite', 'chartqa', '--data', manyRows(), '--backend', 'openai', '--base-url', listServer.baseUrl, '--concurrency', '1,2,4,8,16,32', '--duration', '1.5', '--slo', SLO, '--hardware-label', 'cap-2.5', '--gpu-hour-cost', '2', '--out', listDir],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    sweep = readSweep(listDir);
    expect(sweep).toMatchObject({ suite: 'chartqa', load: 'concurrency', profile: 'list', completed: true, limit: null, durationSec: 1.5, repeats: 1, gpuHourCostUsd: 2 });
    expect(sweep.points.map((p) => [p.concurrency, p.requestRate, p.runDir, p.errored])).toEqual([1, 2, 4, 8, 16, 32].map((c) => [c, null, `c${c}`, 0]));
    // 1.5 s of requests: some, and fewer than the 192 rows (the server does 2.5 streams of at least
    // 50 ms each: at most 75 requests in 1.5 s, plus those in flight)
    for (const p of sweep.points) {
      expect(p.requests).toBeGreaterThan(0);
      expect(p.requests).toBeLessThan(192);
    }
    for (const f of ['sweep.csv', 'sweep.md', 'sweep.html', 'sweep-throughput.png', 'sweep-pareto.png']) expect(existsSync(join(listDir, f)), f).toBe(true);
    // the server never had more streams than the heaviest point asked for
    expect(listServer.peakActive()).toBeLessThanOrEqual(32);
    expect(r.stdout).toContain('Knee: c=4');
  });

  it('finds the knee at concurrency 4, the first doubling point past the capacity', () => {
    expect(sweep.knee).toEqual({ concurrency: 4, requestRate: null });
    const tok = (c: number) => sweep.points.find((p) => p.concurrency === c)!.outputTokensPerSec!;
    // the shape the capacity implies: growth up to 2, the ceiling from 4 on
    expect(tok(2) / tok(1)).toBeGreaterThan(1.5);
    expect(tok(4) / tok(2)).toBeGreaterThan(1.1);
    expect(tok(8) / tok(4)).toBeLessThan(1.1);
  });

  it('goodput and SLO attainment equal what samples.jsonl gives by hand', () => {
    const thresholds = { ttft: 60, tpot: 12, e2el: 150 };
    for (const p of sweep.points) {
      const run = loadRun(join(listDir, p.runDir));
      const samples = loadSamples(run, { required: true })!;
      let good = 0;
      for (const s of samples) {
        if (s.state !== 'scored' || !s.timing) continue;
        const t = s.timing;
        const ttft = t.firstTokenMs! - t.startMs;
        const e2el = t.endMs - t.startMs;
        const n = s.outputTokens!;
        const tpot = n > 1 ? (e2el - ttft) / (n - 1) : 0;
        if (ttft <= thresholds.ttft && tpot <= thresholds.tpot && e2el <= thresholds.e2el) good++;
      }
      const perf = run.results.suites[0].perf;
      expect(samples).toHaveLength(p.requests);
      expect(p.goodput, p.runDir).toBeCloseTo(good / perf.durationSec, 9);
      expect(p.sloAttainment, p.runDir).toBeCloseTo(good / samples.length, 12);
      expect(p.requestsPerSec).toBeCloseTo(perf.requestsPerSec!, 12);
      expect(p.costUsdPerMillionOutputTokens).toBeCloseTo(((2 * 1 * perf.durationSec) / 3600 / perf.totalOutputTokens) * 1e6, 9);
    }
    // the light points meet the SLO, the saturated ones cannot (TPOT 12.8 ms and more past 2.5 streams)
    expect(sweep.points[0].sloAttainment).toBeGreaterThan(0.5);
    expect(sweep.points.at(-1)!.goodput).toBe(0);
    const best = Math.max(...sweep.points.map((p) => p.goodput!));
    expect(sweep.maxGoodput!.goodput).toBe(best);
  });

  it('each point is a run that compare accepts; sweep.csv has a line per point', async () => {
    const out = join(root, 'points-cmp');
    const r = await runCli(['compare', join(listDir, 'c1'), join(listDir, 'c8'), '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(join(listDir, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0].split(',').slice(7, 10)).toEqual(['concurrency', 'request_rate', 'run_dir']);
    expect(csv.find((l) => l.includes(',c4,'))!.split(',').at(-2)).toBe('true'); // is_knee
  });
});

describe('sweep --profile auto against a server of capacity 5.5 streams', () => {
  let sweep: Sweep;

  it('doubles until the SLO breaks, bisects, and lands on the max-goodput point within one step', async () => {
    const r = await runCli(
      ['sweep', '--suite', 'chartqa', '--data', manyRows(), '--duration', '1', '--backend', 'openai', '--base-url', autoServer.baseUrl, '--profile', 'auto', '--slo', 'tpot_p50_ms=26', '--max-points', '8', '--hardware-label', 'cap-5.5', '--out', autoDir],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    sweep = readSweep(autoDir);
    const order = [...sweep.points].sort((a, b) => a.order - b.order);
    expect(order.slice(0, 4).map((p) => [p.concurrency, p.phase])).toEqual([
      [1, 'double'],
      [2, 'double'],
      [4, 'double'],
      [8, 'double'],
    ]);
    // TPOT at 8 streams is 8/5.5 × 20 ms = 29 ms: the SLO (its median within 26 ms) fails there, and
    // bisection follows; at 6 streams it is 21.8 ms
    expect(sweep.points.find((p) => p.concurrency === 8)!.sloPass).toBe(false);
    expect(order.slice(4).every((p) => p.phase === 'bisect')).toBe(true);
    expect(order.length).toBeGreaterThan(4);
    expect(order.length).toBeLessThanOrEqual(8);
    // the max goodput is the capacity: 6 streams (5.5 at full speed); within one bisection step
    expect(Math.abs(sweep.maxGoodput!.concurrency! - 6)).toBeLessThanOrEqual(1);
    expect(sweep.notes.join(' ')).toMatch(/--profile auto stopped: /);
  });

  it('sweep.html and the comparison of both sweeps open in headless Chromium with charts and no console message', async (ctx) => {
    const chromium = findChromium();
    if (!chromium) {
      console.warn(`skipped: ${NO_CHROMIUM}`);
      ctx.skip(NO_CHROMIUM);
      return;
    }
    const out = join(root, 'sweeps-cmp');
    const r = await runCli(['compare', listDir, autoDir, '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cap-2\.5 .* c=4 /);
    for (const [file, charts] of [
      [join(listDir, 'sweep.html'), 6],
      [join(out, 'comparison.html'), 4],
    ] as const) {
      const page = dumpPage(chromium, file, join(root, `profile-${charts}`));
      expect(page.status).toBe(0);
      expect(page.consoleLines).toEqual([]);
      expect(page.dom.match(/<figure id="chart-/g)).toHaveLength(charts);
      // every chart drew its data: lines and point markers, no "no data" placeholder
      expect(page.dom.match(/<polyline /g)!.length).toBeGreaterThanOrEqual(charts);
      expect(page.dom.match(/<circle /g)!.length).toBeGreaterThan(charts * 3);
      expect(page.dom).not.toContain('>no data<');
      expect(page.dom).not.toMatch(/<script/i);
    }
    const cmp = readFileSync(join(out, 'comparison.html'), 'utf8');
    expect(cmp).toContain('cap-2.5');
    expect(cmp).toContain('cap-5.5');
  });
});

describe('sweep --repeats and --request-rate', () => {
  it('--repeats 2: two run directories per point, medians of the figures, accuracy pooled per sample', async () => {
    const out = join(root, 'repeats');
    const r = await runCli(['sweep', '--suite', 'chartqa', '--data', 'sample', '--limit', '6', '--backend', 'openai', '--base-url', listServer.baseUrl, '--concurrency', '1,4', '--repeats', '2', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const sweep = readSweep(out);
    expect(sweep.repeats).toBe(2);
    expect(sweep.points.map((p) => p.runDirs)).toEqual([
      ['c1-1', 'c1-2'],
      ['c4-1', 'c4-2'],
    ]);
    for (const p of sweep.points) {
      const rates = p.runDirs.map((d) => loadRun(join(out, d)).results.suites[0].perf.requestsPerSec!);
      expect(p.requestsPerSec).toBeCloseTo((rates[0] + rates[1]) / 2, 9); // the median of two
      expect(p.accuracy).toMatchObject({ metric: 'relaxed_accuracy', value: 0 });
      expect(p.accuracy.ci95).toEqual([0, 0]);
    }
  });

  it('--request-rate 10,40: Poisson arrivals per point, at most 256 in flight unless --concurrency caps it', async () => {
    const out = join(root, 'rates');
    const r = await runCli(['sweep', '--suite', 'chartqa', '--data', 'sample', '--limit', '8', '--backend', 'openai', '--base-url', listServer.baseUrl, '--request-rate', '10,40', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const sweep = readSweep(out);
    expect(sweep.load).toBe('request-rate');
    expect(sweep.points.map((p) => [p.requestRate, p.concurrency, p.runDir])).toEqual([
      [10, 256, 'r10'],
      [40, 256, 'r40'],
    ]);
    expect(sweep.notes[0]).toContain('No --concurrency given: at most 256 requests in flight');
    const config = JSON.parse(readFileSync(join(out, 'r40', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ requestRate: 40, concurrency: 256 });
  });
});

describe('sweep --duration', () => {
  it('stops sending requests after the given seconds of each point; the point is a complete run of what it sent', async () => {
    const out = join(root, 'duration');
    // about 70 ms a request one at a time: 0.3 s sends a handful of the 16 samples
    const r = await runCli(['sweep', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', listServer.baseUrl, '--concurrency', '1', '--duration', '0.3', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const sweep = readSweep(out);
    expect(sweep.durationSec).toBe(0.3);
    const p = sweep.points[0];
    expect(p.completed).toBe(true);
    expect(p.requests).toBeGreaterThan(0);
    expect(p.requests).toBeLessThan(16);
    const results = loadRun(join(out, 'c1')).results;
    expect(results.suites[0].counts.total).toBe(p.requests);
  });
});

describe('sweep flags', () => {
  it.each([
    [['--concurrency', '1,2', '--request-rate', '1,2'], 'A sweep varies one thing'],
    [['--profile', 'auto', '--concurrency', '1,2'], '--profile auto chooses the concurrencies itself'],
    [[], 'sweep: give the loads'],
    [['--concurrency', '1,x'], "expected a positive integer, got 'x'"],
    [['--concurrency', '1,1'], "'1,1' lists a value twice"],
    [['--concurrency', '1', '--slo', 'ttft_p99=5'], "--slo: 'ttft_p99' is not an objective"],
    [['--concurrency', '1', '--suite', 'chartqa,docvqa'], 'A sweep measures one suite'],
  ])('%s: exit 2 with the fix', async (args, message) => {
    const r = await runCli(['sweep', '--suite', 'chartqa', '--data', 'sample', '--backend', 'replay', '--predictions', '/dev/null', ...args, '--out', join(root, 'bad')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('a sweep whose every point failed (every sample errored) exits 3 with the reasons, and still writes sweep.json', async () => {
    const failing = await startOpenAiServer({ script: { fault: { type: 'status', status: 500 } } });
    try {
      const out = join(root, 'failing');
      const r = await runCli(['sweep', '--suite', 'chartqa', '--data', 'sample', '--limit', '2', '--backend', 'openai', '--base-url', failing.baseUrl, '--max-retries', '0', '--concurrency', '1,2', '--out', out], { env });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('error: c1: chartqa: every sample errored (2 of 2)');
      expect(r.stderr).toContain('error: every point of the sweep failed; it measured nothing.');
      const sweep = readSweep(out);
      expect(sweep.points.map((p) => p.errored)).toEqual([2, 2]);
      expect(sweep.notes.join(' ')).toContain('Runs that failed');
    } finally {
      await failing.close();
    }
  });

  it('refuses a sweep directory that is not empty', async () => {
    const r = await runCli(['sweep', '--suite', 'chartqa', '--data', 'sample', '--backend', 'replay', '--predictions', '/dev/null', '--concurrency', '1', '--out', listDir], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${listDir} is not empty (it holds a sweep)`);
  });

  // the sweep directory is made by the same check as a run's (out-dir.ts): under /proc, a plain
  // recursive mkdir spun at 100% CPU and ignored Ctrl-C; under a file it threw ENOTDIR with a stack
  it('refuses --out under a file with the one-line user error eval gives', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const r = await runCli(['sweep', '--suite', 'chartqa', '--data', 'sample', '--backend', 'replay', '--predictions', '/dev/null', '--concurrency', '1', '--out', join(file, 'sweep')], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--out ${join(file, 'sweep')}: ${file} is a file, so no folder can be made under it.`);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
