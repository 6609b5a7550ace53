// GPU identity and memory through the CLI, with stand-in GPU tools first on PATH: `npm run probe
// -- --json` reads the fixtures right, and a run polls changing memory readings into results.json.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeTools, type FakeTools } from '../helpers/fake-tools.ts';
import { startOpenAiServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { fixtureUrl } from '../telemetry/fixture.ts';

let tools: FakeTools;
beforeEach(async () => {
  tools = await createFakeTools();
});
afterEach(() => tools.cleanup());

const env = () => ({ PATH: `${tools.dir}${delimiter}/usr/bin${delimiter}/bin` });

describe('npm run probe -- --json with stand-in tools', () => {
  it.each([
    // the concise table has no VRAM total: null, with a note, rather than a guess
    ['rocm-smi', 'rocm-smi_concise_mi300x-x8_rocm6.x.txt', 'MI300X', 8, null],
    ['rocm-smi', 'rocm-smi_showproductname-showbus-showmeminfo-vram-json_mi210_rocm5.x.json.txt', 'MI210', 1, 65520],
    ['amd-smi', 'amd-smi_static-json_mi210_rocm7.x-gpu_data.json.txt', 'MI210', 1, 65520],
  ])('%s printing %s', async (tool, file, model, count, vram) => {
    await tools.add(tool, { fixture: fixtureUrl(file) });
    const r = await runCli(['probe', '--json'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const h = JSON.parse(r.stdout);
    expect(h.tool).toBe(tool);
    expect(h.gpuCount).toBe(count);
    expect(h.gpus[0].model).toBe(model);
    expect(h.gpus[0].vramTotalMiB).toBe(vram);
  });

  it('with no GPU tool the probe still works and says so', async () => {
    const r = await runCli(['probe'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no GPU tool found on PATH/);
  });
});

describe('eval records GPU memory polled during the run', () => {
  it('peak and mean of readings that change over time', async () => {
    const identity = '0, NVIDIA H100 80GB HBM3, 81559, 00000000:18:00.0, 565.57.01, 9.0\n';
    // calls 1-2 are the probe's (identity and -q); the sampler's polls are calls 3, 4, 5, then the
    // stand-in fails, so the summary holds exactly these three readings however the polls fall
    await tools.add('nvidia-smi', {
      byArgs: [
        { match: 'compute_cap', spec: { stdout: identity } },
        // before '-q', which also occurs inside '--query-gpu'
        { match: 'utilization.gpu', spec: { sequence: ['', '', '0, 1000, 10, 300\n', '0, 5000, 90, 300\n', '0, 3000, 50, 300\n'] } },
        { match: '-q', spec: { fixture: fixtureUrl('nvidia-smi_q_h100-sxm-x8_driver565.57.01.txt') } },
      ],
    });
    const server = await startOpenAiServer({ script: { firstChunkMs: 60, intervalMs: 5, chunks: 2 } });
    try {
      const out = join(mkdtempSync(join(tmpdir(), 'eval-telemetry-')), 'run');
      const r = await runCli(
        ['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--telemetry-interval', '0.02', '--out', out],
        { env: env() },
      );
      expect(r.code, r.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      expect(results.hardware).toMatchObject({ tool: 'nvidia-smi', gpuCount: 1 });
      expect(results.hardware.gpus[0].model).toBe('H100');
      expect(results.memory).toMatchObject({ tool: 'nvidia-smi', samples: 3, peakVramMiB: 5000, meanVramMiB: 3000 });
    } finally {
      await server.close();
    }
  });
});
