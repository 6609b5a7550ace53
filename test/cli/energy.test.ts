// Energy per run through the CLI, with stand-in amd-smi, rocm-smi and nvidia-smi first on PATH printing
// the captured power formats (test/fixtures/telemetry): results.json's energy must equal
// power × generation time / output tokens within 2%, `compare` shows output tokens per joule, and a
// run without a power source says why energy is null.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema, type Results } from '../../src/report/schema.ts';
import { createFakeTools, type FakeTools } from '../helpers/fake-tools.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { fixtureUrl } from '../telemetry/fixture.ts';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startOpenAiServer({ script: { firstChunkMs: 30, intervalMs: 10, chunks: 6 } });
});
afterAll(() => server.close());

const root = mkdtempSync(join(tmpdir(), 'eval-energy-'));

async function runWith(name: string, setup: (tools: FakeTools) => Promise<void>, extra: string[] = []): Promise<{ results: Results; out: string }> {
  const tools = await createFakeTools();
  try {
    await setup(tools);
    const out = join(root, name);
    const r = await runCli(
      ['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--concurrency', '2', '--telemetry-interval', '0.05', '--hardware-label', name, '--out', out, ...extra],
      { env: { PATH: `${tools.dir}${delimiter}/usr/bin${delimiter}/bin` } },
    );
    expect(r.code, r.stderr).toBe(0);
    return { results: resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))), out };
  } finally {
    await tools.cleanup();
  }
}

/** energy = P × t and J/token = P × t / tokens, within 2%, with t and tokens as the run's perf reports them. */
function expectEnergy(results: Results, watts: number, source: string): void {
  const perf = results.suites[0].perf;
  const e = results.energy!;
  expect(e, results.hardware.notes.join('; ')).not.toBeNull();
  expect(e.source).toBe(source);
  expect(e.durationSec).toBeCloseTo(perf.durationSec, 6);
  expect(e.outputTokens).toBe(perf.totalOutputTokens);
  const expectedJ = watts * perf.durationSec;
  expect(Math.abs(e.energyJ - expectedJ) / expectedJ).toBeLessThan(0.02);
  expect(Math.abs(e.avgPowerW - watts) / watts).toBeLessThan(0.02);
  const perToken = expectedJ / perf.totalOutputTokens;
  expect(Math.abs(e.joulesPerOutputToken! - perToken) / perToken).toBeLessThan(0.02);
  expect(Math.abs(e.outputTokensPerJoule! - 1 / perToken) * perToken).toBeLessThan(0.02);
  expect(e.readings).toBeGreaterThan(0);
}

describe('eval records energy from the GPU tools', () => {
  let amd: { results: Results; out: string };
  let nvidia: { results: Results; out: string };

  it('amd-smi: metric --power in the captured human format (SOCKET_POWER: 234 W)', async () => {
    amd = await runWith('amd', (tools) =>
      tools
        .add('amd-smi', {
          byArgs: [
            { match: 'metric', spec: { fixture: fixtureUrl('amd-smi_metric_human_mi300x_rocm6.2.txt') } },
            { match: 'static', spec: { fixture: fixtureUrl('amd-smi_static-json_mi210_rocm7.x-gpu_data.json.txt') } },
          ],
        })
        .then(() => undefined),
    );
    expectEnergy(amd.results, 234, 'amd-smi socket_power');
    expect(amd.results.energy!.perGpu.map((g) => g.index)).toEqual([0]);
    const md = readFileSync(join(amd.out, 'report.md'), 'utf8');
    expect(md).toMatch(/Energy: [\d.]+ J over [\d.]+ s of generation, 234\.0 W mean \(amd-smi socket_power, 1 GPU\(s\)\)/);
  });

  it('rocm-smi: --showpower in the captured -a text (4x MI300X, Current Socket Graphics Package Power)', async () => {
    const { results } = await runWith('rocm', (tools) => tools.add('rocm-smi', { fixture: fixtureUrl('rocm-smi_all_mi300x-x4-sriov_rocm6.x.txt') }).then(() => undefined));
    expectEnergy(results, 133 + 130 + 131 + 136, 'rocm-smi Current Socket Graphics Package Power (W)');
    const perGpu = results.energy!.perGpu;
    expect(perGpu.map((g) => g.index)).toEqual([0, 1, 2, 3]);
    expect(Math.abs(perGpu[3].avgPowerW - 136) / 136).toBeLessThan(0.02);
  });

  it('nvidia-smi: power.draw, the H100 capture’s readings, with --gpus selecting two of them', async () => {
    const identity = [0, 1, 2].map((i) => `${i}, NVIDIA H100 80GB HBM3, 81559, 00000000:1${i}:00.0, 565.57.01, 9.0`).join('\n');
    nvidia = await runWith('nvidia', async (tools) => {
      await tools.add('nvidia-smi', {
        byArgs: [
          { match: 'compute_cap', spec: { stdout: `${identity}\n` } },
          // power.draw as the -q capture reads it for GPUs 0-2 (100.89, 82.81, 85.98 W)
          { match: 'power.draw', spec: { stdout: '0, 1200, 90, 100.89\n1, 1200, 90, 82.81\n2, 1200, 90, 85.98\n' } },
          { match: '-q', spec: { fixture: fixtureUrl('nvidia-smi_q_h100-sxm-x8_driver565.57.01.txt') } },
        ],
      });
    }, ['--gpus', '0,2']);
    expectEnergy(nvidia.results, 100.89 + 85.98, 'nvidia-smi power.draw');
    expect(nvidia.results.energy!.perGpu.map((g) => g.index)).toEqual([0, 2]);
  });

  it('compare shows output tokens per joule per GPU row', async () => {
    const out = join(root, 'cmp');
    const r = await runCli(['compare', amd.out, nvidia.out, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = readFileSync(join(out, 'comparison.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => header.indexOf(name);
    const byRow = new Map(rows.map((cells) => [cells[col('row')], cells]));
    expect(Number(byRow.get('amd')![col('output_tokens_per_joule')])).toBeCloseTo(amd.results.energy!.outputTokensPerJoule!, 9);
    expect(Number(byRow.get('nvidia')![col('output_tokens_per_joule')])).toBeCloseTo(nvidia.results.energy!.outputTokensPerJoule!, 9);
    expect(r.stdout).toContain('out tok/J');
    expect(readFileSync(join(out, 'comparison.md'), 'utf8')).toContain(amd.results.energy!.outputTokensPerJoule!.toFixed(3));
  });

  it('without a power source, energy is null and hardware.notes says why', async () => {
    const { results } = await runWith('none', async () => undefined);
    expect(results.energy).toBeNull();
    expect(results.hardware.notes).toContain('energy: no GPU power readings (no GPU tool answered)');
  });
});
