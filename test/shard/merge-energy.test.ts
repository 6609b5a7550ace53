// Energy of a merged run. Three shards served by one loopback server at once, each with its own
// stand-in GPU tool first on PATH printing a captured power format (test/fixtures/telemetry), as
// nodes of a cluster each measure their own GPUs: the merged energy is the shards' joules and
// tokens added up, over the union of their generation windows, each shard's own energy is kept, and
// a shard without a GPU tool makes the merged energy null with a notice naming it.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../src/report/schema.ts';
import type { Invocation } from '../../src/run/run-record.ts';
import { mergedEnergy, type ShardEnergySource } from '../../src/shard/merge-energy.ts';
import type { Energy } from '../../src/telemetry/energy-schema.ts';
import { createFakeTools, type FakeTools } from '../helpers/fake-tools.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { readResults } from '../helpers/shard-runs.ts';
import { fixtureUrl } from '../telemetry/fixture.ts';

const AMD_W = 234; // SOCKET_POWER in the amd-smi capture (1x MI300X)
const ROCM_W = 133 + 130 + 131 + 136; // Current Socket Graphics Package Power in the rocm-smi -a capture (4x MI300X)

/** A GPU tool on a shard's PATH: a captured output, or amd-smi's JSON shape with a given draw and VRAM in use. */
type Tool = 'amd-smi' | 'rocm-smi' | { watts: number; usedVramMB: number } | null;

const STATIC = { match: 'static', spec: { fixture: fixtureUrl('amd-smi_static-json_mi210_rocm7.x-gpu_data.json.txt') } };

async function addTool(tools: FakeTools, tool: Tool): Promise<void> {
  if (tool === 'amd-smi') {
    await tools.add('amd-smi', { byArgs: [{ match: 'metric', spec: { fixture: fixtureUrl('amd-smi_metric_human_mi300x_rocm6.2.txt') } }, STATIC] });
  } else if (tool && typeof tool === 'object') {
    // `amd-smi metric --mem-usage --usage --power --json` (the shape of test/telemetry/sampler.test.ts)
    const entry = { gpu: 0, usage: { gfx_activity: { value: 90, unit: '%' } }, power: { socket_power: { value: tool.watts, unit: 'W' } }, mem_usage: { used_vram: { value: tool.usedVramMB, unit: 'MB' } } };
    await tools.add('amd-smi', { byArgs: [{ match: 'metric', spec: { stdout: JSON.stringify({ gpu_data: [entry] }) } }, STATIC] });
  } else if (tool === 'rocm-smi') {
    await tools.add('rocm-smi', { fixture: fixtureUrl('rocm-smi_all_mi300x-x4-sriov_rocm6.x.txt') });
  }
}

let server: ScriptedServer;
const created: FakeTools[] = [];
beforeAll(async () => {
  server = await startOpenAiServer({ script: { firstChunkMs: 30, intervalMs: 10, chunks: 6 } });
});
afterAll(async () => {
  await server.close();
  for (const t of created) await t.cleanup();
});

/** Shards 0..n-1 of ChartQA's bundled sample at once, shard i with tools[i] alone on PATH; then the merge. */
async function shardsAndMerge(name: string, tools: Tool[], extra: string[] = []): Promise<{ dirs: string[]; out: string; merged: Results; stdout: string }> {
  const root = mkdtempSync(join(tmpdir(), `merge-energy-${name}-`));
  const dirs = tools.map((_, i) => join(root, `shard-${i}`));
  const runs = await Promise.all(
    tools.map(async (tool, i) => {
      const fake = await createFakeTools();
      created.push(fake);
      await addTool(fake, tool);
      const args = ['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--concurrency', '2', '--telemetry-interval', '0.05'];
      return runCli([...args, '--shard', `${i}/${tools.length}`, '--out', dirs[i], ...extra], { env: { PATH: `${fake.dir}${delimiter}/usr/bin${delimiter}/bin` } });
    }),
  );
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
  const out = join(root, 'merged');
  const m = await runCli(['merge', ...dirs, '--out', out]);
  expect(m.code, m.stderr).toBe(0);
  return { dirs, out, merged: readResults(out), stdout: m.stdout };
}

describe('merge: energy', () => {
  it('sums the shards’ joules and tokens, over the union of their windows; keeps each shard’s; labels mixed hardware', async () => {
    const watts = [541, ROCM_W, 300];
    const { dirs, out, merged } = await shardsAndMerge('all', [{ watts: watts[0], usedVramMB: 120_000 }, 'rocm-smi', { watts: watts[2], usedVramMB: 150_000 }]);
    const shards = dirs.map(readResults);
    const own = shards.map((s) => s.energy!);
    for (const [i, e] of own.entries()) expect(e, `shard ${i}: ${shards[i].hardware.notes.join('; ')}`).not.toBeNull();
    const e = merged.energy!;
    expect(e, merged.hardware.notes.join('; ')).not.toBeNull();
    const joules = own.reduce((a, x) => a + x.energyJ, 0);
    const tokens = own.reduce((a, x) => a + x.outputTokens, 0);
    const perf = merged.suites[0].perf;
    expect(e.energyJ).toBeCloseTo(joules, 9);
    expect(e.outputTokens).toBe(tokens);
    expect(e.outputTokens).toBe(perf.totalOutputTokens);
    expect(e.joulesPerOutputToken).toBeCloseTo(joules / tokens, 12);
    expect(e.outputTokensPerJoule).toBeCloseTo(tokens / joules, 12);
    // the time any shard generated: the window throughput divides by
    expect(e.durationSec).toBeCloseTo(perf.durationSec, 9);
    expect(e.avgPowerW).toBeCloseTo(joules / perf.durationSec, 9);
    expect(e.readings).toBe(own.reduce((a, x) => a + x.readings, 0));
    // power × time, each shard at its node's draw over its own generation time, within 2%
    const byHand = watts.reduce((a, w, i) => a + w * perf.shards![i].durationSec, 0);
    expect(Math.abs(e.energyJ - byHand) / byHand).toBeLessThan(0.02);
    expect(Math.abs(e.joulesPerOutputToken! - byHand / tokens) / (byHand / tokens)).toBeLessThan(0.02);
    // every shard's GPUs, named by shard (GPU indexes repeat across nodes)
    expect(e.perGpu.map((g) => [g.shard, g.index])).toEqual([[0, 0], [1, 0], [1, 1], [1, 2], [1, 3], [2, 0]]);
    expect(e.perGpu.reduce((a, g) => a + g.energyJ, 0)).toBeCloseTo(joules, 9);
    expect(e.perGpu[1].joulesPerOutputToken).toBeCloseTo(own[1].perGpu[0].energyJ / tokens, 12);
    expect(e.source).toBe('amd-smi socket_power, rocm-smi Current Socket Graphics Package Power (W)');
    // each shard's own energy, as it reported it
    expect(merged.merge!.sources.map((s) => s.energy)).toEqual(own);
    // hardware: the labels differ (1x and 4x MI300X-class nodes), so the merged one says mixed; memory is the largest peak
    const labels = shards.map((s) => s.hardware.label);
    expect(new Set(labels).size).toBe(2);
    expect(merged.hardware.label).toBe(`mixed (${labels[0]}, ${labels[1]})`);
    expect(merged.notices.some((n) => n.includes('different hardware labels'))).toBe(true);
    expect(merged.hardware.notes.filter((n) => n.startsWith('energy:'))).toEqual([]);
    const peaks = shards.map((s) => s.memory.peakVramMiB);
    expect(peaks[1]).toBeNull(); // the rocm-smi capture has no VRAM in use
    expect(peaks[2]).toBeGreaterThan(peaks[0]!);
    expect(merged.memory.peakVramMiB).toBe(peaks[2]);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain(`Energy: ${e.energyJ.toFixed(1)} J over ${e.durationSec.toFixed(1)} s of generation`);
    expect(md).toContain('6 GPU(s)');
    expect(md).toContain(`| 1 | 4 | ${own[1].energyJ.toFixed(1)} |`);
  });

  it('a shard without a GPU tool: merged energy null, with a notice naming it; a shared label is kept', async () => {
    const { dirs, out, merged } = await shardsAndMerge('one-lacks', ['amd-smi', 'amd-smi', null], ['--hardware-label', 'mi300x-node']);
    const shards = dirs.map(readResults);
    expect(Math.abs(shards[0].energy!.avgPowerW - AMD_W) / AMD_W).toBeLessThan(0.02);
    expect(shards[2].energy).toBeNull();
    expect(merged.energy).toBeNull();
    const note = merged.hardware.notes.filter((n) => n.startsWith('energy:'));
    expect(note).toEqual([`energy: not measured on every shard: shard 2/3 (${dirs[2]}: no GPU power readings (no GPU tool answered)); the other shards' sum would not be the run's total`]);
    const notice = merged.notices.find((n) => n.startsWith('Energy is not merged'));
    expect(notice).toContain(`shard 2/3 (${dirs[2]}`);
    expect(notice).not.toMatch(/shard 0\/3|shard 1\/3/);
    // each shard's own figure is still there
    expect(merged.merge!.sources.map((s) => s.energy)).toEqual([shards[0].energy, shards[1].energy, null]);
    expect(merged.hardware.label).toBe('mi300x-node');
    expect(merged.notices.some((n) => n.includes('different hardware labels'))).toBe(false);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('Energy: not measured (not measured on every shard: shard 2/3');
    expect(md).toContain('| 2 | n/a | not measured |');
  });
});

describe('mergedEnergy', () => {
  const energy = (energyJ: number, durationSec: number, outputTokens: number): Energy => ({
    avgPowerW: energyJ / durationSec,
    energyJ,
    joulesPerOutputToken: energyJ / outputTokens,
    outputTokensPerJoule: outputTokens / energyJ,
    source: 'amd-smi socket_power',
    durationSec,
    outputTokens,
    readings: 3,
    perGpu: [{ index: 0, avgPowerW: energyJ / durationSec, energyJ, joulesPerOutputToken: energyJ / outputTokens, outputTokensPerJoule: outputTokens / energyJ }],
  });
  const invocation = (startedAt: string | undefined, durationSec: number): Invocation => ({
    id: 'i',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    status: 'completed',
    pid: 1,
    host: 'h',
    suites: { chartqa: { durationSec, ...(startedAt ? { startedAt } : {}), generated: 5, load: {} as Invocation['suites'][string]['load'] } },
  });
  const shard = (index: number, e: Energy | null, startedAt?: string, notes: string[] = []): ShardEnergySource => ({
    dir: `runs/shard-${index}`,
    file: { index, count: 3 } as ShardEnergySource['file'],
    results: { energy: e, hardware: { notes } } as unknown as Results,
    invocations: e ? [invocation(startedAt, e.durationSec)] : [],
  });

  it('adds joules and tokens; the duration is the union of the windows on the wall clock', () => {
    // 10 s from t, 6 s from t+5 s (overlapping), 4 s from t+20 s: 11 + 4 = 15 s
    const m = mergedEnergy([
      shard(0, energy(1000, 10, 500), '2026-01-01T00:00:00.000Z'),
      shard(1, energy(600, 6, 300), '2026-01-01T00:00:05.000Z'),
      shard(2, energy(200, 4, 200), '2026-01-01T00:00:20.000Z'),
    ]);
    expect(m.note).toBeNull();
    expect(m.energy).toMatchObject({ energyJ: 1800, outputTokens: 1000, durationSec: 15, avgPowerW: 120, joulesPerOutputToken: 1.8, readings: 9 });
    expect(m.energy!.outputTokensPerJoule).toBeCloseTo(1000 / 1800, 12);
    expect(m.energy!.perGpu.map((g) => [g.shard, g.energyJ, g.joulesPerOutputToken])).toEqual([[0, 1000, 1], [1, 600, 0.6], [2, 200, 0.2]]);
  });

  it('a window run.json did not place counts by its length', () => {
    const m = mergedEnergy([shard(0, energy(1000, 10, 500), '2026-01-01T00:00:00.000Z'), shard(1, energy(600, 6, 300))]);
    expect(m.energy!.durationSec).toBe(16);
  });

  it('null with the reasons when no shard measured it, and no notice', () => {
    const why = ['energy: no GPU power readings (no GPU tool answered)'];
    const m = mergedEnergy([shard(0, null, undefined, why), shard(1, null, undefined, why)]);
    expect(m).toEqual({ energy: null, note: 'energy: no shard measured it (no GPU power readings (no GPU tool answered))', notice: null });
  });

  it('null when some shards lack it, naming each of them', () => {
    const m = mergedEnergy([shard(0, energy(1000, 10, 500), '2026-01-01T00:00:00.000Z'), shard(1, null, undefined, ['energy: rocm-smi reported no power draw for the selected GPUs']), shard(2, null)]);
    expect(m.energy).toBeNull();
    expect(m.note).toBe(
      "energy: not measured on every shard: shards 1/3 (runs/shard-1: rocm-smi reported no power draw for the selected GPUs), 2/3 (runs/shard-2: no power reading); the other shards' sum would not be the run's total",
    );
    expect(m.notice).toMatch(/^Energy is not merged: shards 1\/3 .*, 2\/3 .*a sum over the other 1 would be presented as the total/);
  });
});
