// startSampler against stand-in tools whose readings change on every call. Each stand-in walks a fixed
// sequence and then fails, so a test waits for that failure and the summary is the same however the
// polls fell in time: assertions are on values, not on timing.

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSampler, type SamplerOptions } from '../../src/telemetry/sampler.ts';
import { telemetrySummarySchema } from '../../src/telemetry/telemetry-summary-schema.ts';
import { createFakeTools, type FakeTools } from '../helpers/fake-tools.ts';

let tools: FakeTools;
beforeEach(async () => {
  tools = await createFakeTools();
});
afterEach(() => tools.cleanup());

const MiB = 1048576;

/** Returns the values in turn, then repeats the last one. */
const sequence = (values: number[]) => {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
};

async function until(cond: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Samples until the stand-in `name` has been called `calls` times, then stops. */
async function sampleUntil(name: string, calls: number, options: SamplerOptions) {
  const sampler = startSampler({ intervalMs: 20, env: tools.env, ...options });
  await until(async () => (await tools.calls(name)).length >= calls);
  const summary = await sampler.stop();
  expect(telemetrySummarySchema.parse(summary)).toEqual(summary);
  return summary;
}

// index, memory.used, utilization.gpu, power.draw (GPU 1's power is [N/A] in the last poll)
const NVIDIA_SEQUENCE = ['0, 1000, 10, 100.5\n1, 3000, 30, 300\n', '0, 5000, 50, 200.5\n1, 1000, 70, 500\n', '0, 2000, 20, 150.5\n1, 2000, 40, [N/A]\n'];

describe('startSampler', () => {
  it('nvidia-smi: peak and mean of the summed VRAM, per-GPU figures, RSS peak', async () => {
    await tools.add('nvidia-smi', { sequence: NVIDIA_SEQUENCE });
    const s = await sampleUntil('nvidia-smi', 4, { tool: 'nvidia-smi', rss: sequence([100 * MiB, 300 * MiB, 200 * MiB, 150 * MiB]) });
    // per poll: 4000, 6000, 4000 MiB; the 4th call fails (sequence exhausted)
    expect(s).toMatchObject({ tool: 'nvidia-smi', samples: 3, peakVramMiB: 6000, meanVramMiB: 4666.67, peakRssMiB: 300 });
    expect(s.failedTicks).toBeGreaterThanOrEqual(1);
    expect(s.ticks).toBe(s.samples + s.failedTicks);
    expect(s.perGpu).toEqual([
      { index: 0, peakVramMiB: 5000, meanVramMiB: 2666.67, meanUtilPct: 26.67, meanPowerW: 150.5 },
      { index: 1, peakVramMiB: 3000, meanVramMiB: 2000, meanUtilPct: 46.67, meanPowerW: 400 },
    ]);
    expect(s.notes[0]).toMatch(/^nvidia-smi --query-gpu=index,memory.used,utilization.gpu,power.draw --format=csv,noheader,nounits \(exit code 3\): nvidia-smi: empty output; stderr: sequence exhausted/);
    expect((await tools.calls('nvidia-smi'))[0]).toEqual(['--query-gpu=index,memory.used,utilization.gpu,power.draw', '--format=csv,noheader,nounits']);
  });

  it('keeps each poll\'s power with its time, for the selected GPUs, and names the field', async () => {
    await tools.add('nvidia-smi', { sequence: NVIDIA_SEQUENCE });
    let t = 0;
    const sampler = startSampler({ tool: 'nvidia-smi', gpus: [1], intervalMs: 20, env: tools.env, now: () => (t += 1000) });
    await until(async () => (await tools.calls('nvidia-smi')).length >= 4);
    await sampler.stop();
    const trace = sampler.powerTrace();
    expect(trace).toMatchObject({ tool: 'nvidia-smi', field: 'power.draw' });
    // GPU 1 reported power in the first two polls only ([N/A] in the third)
    expect(trace.samples.map((x) => [...x.watts])).toEqual([[[1, 300]], [[1, 500]]]);
    expect(trace.samples[1].atMs).toBeGreaterThan(trace.samples[0].atMs);
  });

  it('only the selected GPUs count', async () => {
    await tools.add('nvidia-smi', { sequence: NVIDIA_SEQUENCE });
    const s = await sampleUntil('nvidia-smi', 4, { tool: 'nvidia-smi', gpus: [1] });
    expect(s).toMatchObject({ samples: 3, peakVramMiB: 3000, meanVramMiB: 2000 });
    expect(s.perGpu.map((g) => g.index)).toEqual([1]);
  });

  it('rocm-smi: bytes from --showmeminfo vram --showuse --json', async () => {
    const card = (usedB: number, use: string) => ({ 'VRAM Total Memory (B)': '68702699520', 'VRAM Total Used Memory (B)': String(usedB), 'GPU use (%)': use });
    await tools.add('rocm-smi', {
      sequence: [
        JSON.stringify({ card0: card(1024 * MiB, '0'), system: { 'Driver version': '6.8.5' } }),
        JSON.stringify({ card0: card(4096 * MiB, 'N/A') }),
      ],
    });
    const s = await sampleUntil('rocm-smi', 3, { tool: 'rocm-smi' });
    expect(s).toMatchObject({ samples: 2, peakVramMiB: 4096, meanVramMiB: 2560 });
    expect(s.perGpu).toEqual([{ index: 0, peakVramMiB: 4096, meanVramMiB: 2560, meanUtilPct: 0, meanPowerW: null }]);
    expect((await tools.calls('rocm-smi'))[0]).toEqual(['--showmeminfo', 'vram', '--showuse', '--showpower', '--json']);
  });

  it('amd-smi: metric JSON in the gpu_data shape, after a warning', async () => {
    const metric = (used: number, gfx: number, watts: number) =>
      `WARNING: permission denied for /dev/kfd\n${JSON.stringify({ gpu_data: [{ gpu: 0, usage: { gfx_activity: { value: gfx, unit: '%' } }, power: { socket_power: { value: watts, unit: 'W' } }, mem_usage: { used_vram: { value: used, unit: 'MB' } } }] })}`;
    await tools.add('amd-smi', { sequence: [metric(500, 10, 200), metric(1500, 90, 600)] });
    const s = await sampleUntil('amd-smi', 3, { tool: 'amd-smi' });
    expect(s).toMatchObject({ samples: 2, peakVramMiB: 1500, meanVramMiB: 1000 });
    expect(s.perGpu[0]).toMatchObject({ meanUtilPct: 50, meanPowerW: 400 });
    expect((await tools.calls('amd-smi'))[0]).toEqual(['metric', '--mem-usage', '--usage', '--power', '--json']);
  });

  it('a selected GPU missing from the output fails that poll instead of understating the sum', async () => {
    await tools.add('nvidia-smi', { sequence: ['0, 100, 1, 50\n1, 200, 2, 60\n', '0, 900, 1, 70\n'] });
    const s = await sampleUntil('nvidia-smi', 3, { tool: 'nvidia-smi' , gpus: [0, 1] });
    expect(s).toMatchObject({ samples: 1, peakVramMiB: 300, meanVramMiB: 300 });
    expect(s.perGpu[0]).toMatchObject({ peakVramMiB: 900 });
    expect(s.notes).toContain('GPU 1: not in nvidia-smi output');
  });

  it('prefixes a remote command without a shell', async () => {
    await tools.add('ssh', { sequence: ['0, 7000, 5, 80\n'] });
    const s = await sampleUntil('ssh', 2, { tool: 'nvidia-smi', telemetryCmd: ['ssh', 'gpu-box'] });
    expect(s).toMatchObject({ samples: 1, peakVramMiB: 7000 });
    expect((await tools.calls('ssh'))[0]).toEqual(['gpu-box', 'nvidia-smi', '--query-gpu=index,memory.used,utilization.gpu,power.draw', '--format=csv,noheader,nounits']);
  });

  it('a missing tool never throws: polls fail and are noted once with a count', async () => {
    const sampler = startSampler({ tool: 'rocm-smi', intervalMs: 10, env: { PATH: tools.dir } });
    await new Promise((r) => setTimeout(r, 100));
    const s = await sampler.stop();
    expect(s).toMatchObject({ samples: 0, peakVramMiB: null, meanVramMiB: null, perGpu: [] });
    expect(s.failedTicks).toBeGreaterThan(1);
    expect(s.notes).toEqual([`rocm-smi not found on PATH (${s.failedTicks} times)`]);
    expect(s.peakRssMiB).toBeGreaterThan(0);
  });

  it('without a tool it samples RSS only', async () => {
    let t = 1000;
    const sampler = startSampler({ tool: null, intervalMs: 10, rss: () => 64 * MiB, now: () => (t += 5) });
    await new Promise((r) => setTimeout(r, 50));
    const s = await sampler.stop();
    expect(s).toMatchObject({ tool: null, samples: 0, failedTicks: 0, peakVramMiB: null, peakRssMiB: 64 });
    expect(s.ticks).toBeGreaterThan(0);
    expect(s.durationMs).toBeGreaterThan(0);
  });

  it('stop() does not wait for a hung poll past a short grace', async () => {
    await tools.add('nvidia-smi', { sleepMs: 30_000, stdout: '0, 1, 1\n' });
    const sampler = startSampler({ tool: 'nvidia-smi', intervalMs: 10, timeoutMs: 500, env: tools.env });
    await until(async () => (await tools.calls('nvidia-smi')).length >= 1);
    const started = Date.now();
    const s = await sampler.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(s.samples).toBe(0);
  });

  it('its timers do not keep the process alive', async () => {
    const script = join(tools.dir, 'keepalive.ts');
    const sampler = new URL('../../src/telemetry/sampler.ts', import.meta.url).pathname;
    await writeFile(script, `import { startSampler } from ${JSON.stringify(sampler)};\nstartSampler({ tool: null, intervalMs: 20 });\n`);
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: new URL('../..', import.meta.url).pathname, stdio: 'ignore' });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('a process with a running sampler did not exit'));
      }, 15_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code).toBe(0);
  });
});
