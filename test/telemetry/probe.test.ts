// probeHardware against stand-in executables on PATH (test/helpers/fake-tools.ts): which tool answers,
// what it read, and how missing, slow, failing and unparseable tools end up as notes.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatHardware } from '../../src/telemetry/format-hardware.ts';
import { hardwareSchema } from '../../src/telemetry/hardware-schema.ts';
import { probeHardware, type ProbeDeps } from '../../src/telemetry/probe.ts';
import { createFakeTools, type FakeTools } from '../helpers/fake-tools.ts';
import { fixture, fixtureUrl } from './fixture.ts';

let tools: FakeTools;
beforeEach(async () => {
  tools = await createFakeTools();
});
afterEach(() => tools.cleanup());

const host: ProbeDeps['host'] = { cpus: () => [{ model: 'AMD EPYC 9534 64-Core Processor' }, { model: 'AMD EPYC 9534 64-Core Processor' }], totalmem: () => 64 * 2 ** 30 };
const noRocm = () => Promise.reject(new Error('ENOENT'));
const probe = async (deps: ProbeDeps = {}) => {
  const h = await probeHardware({ env: tools.env, host, readFile: noRocm, ...deps });
  expect(hardwareSchema.parse(h)).toEqual(h); // what results.json stores
  return h;
};

const H100_CSV = Array.from({ length: 8 }, (_, i) => `${i}, NVIDIA H100 80GB HBM3, 81559, 00000000:${(0x18 + i).toString(16).toUpperCase()}:00.0, 565.57.01, 9.0`).join('\n');

describe('probeHardware', () => {
  it('with no tool on PATH: no GPUs and a note saying why', async () => {
    const h = await probe();
    expect(h).toMatchObject({ gpus: [], gpuCount: 0, tool: null, label: null, software: {} });
    expect(h.notes).toEqual(['no GPU tool found on PATH (looked for amd-smi, rocm-smi, nvidia-smi)']);
    expect(h.host).toEqual({ cpuModel: 'AMD EPYC 9534 64-Core Processor', cpuCores: 2, memTotalMiB: 65536 });
    expect(formatHardware(h)).toMatch(/^GPUs: none found\nHost: AMD EPYC 9534 64-Core Processor, 2 CPUs, 65536 MiB memory/);
  });

  it('amd-smi answers first, through a warning banner, with the ROCm version from $ROCM_PATH', async () => {
    const json = fixture('amd-smi_static-json_mi210_rocm7.x-gpu_data.json.txt');
    await tools.add('amd-smi', { stdout: `WARNING: User is missing the following required groups: render\n${json}` });
    await tools.add('rocm-smi', { stdout: 'should not be asked' });
    const read = async (p: string) => (p === '/opt/rocm-7.0.1/.info/version' ? '7.0.1-42\n' : Promise.reject(new Error(p)));
    const h = await probe({ env: { ...tools.env, ROCM_PATH: '/opt/rocm-7.0.1' }, readFile: read });
    expect(h.tool).toBe('amd-smi');
    expect(h.gpus).toEqual([
      { index: 0, vendor: 'amd', name: 'AMD Instinct MI210', model: 'MI210', arch: 'gfx90a', vramTotalMiB: 65520, partition: null, busId: null },
    ]);
    expect(h).toMatchObject({ gpuCount: 1, packageCount: 1, label: '1x MI210', software: { driver: '6.14.0-24-generic', rocm: '7.0.1' } });
    expect(h.notes.join('\n')).toMatch(/printed before its JSON: WARNING: User is missing/);
    expect(await tools.calls('amd-smi')).toEqual([['static', '--json']]);
    expect(await tools.calls('rocm-smi')).toEqual([]);
    expect(h.raw?.[0]).toMatchObject({ command: ['amd-smi', 'static', '--json'], exitCode: 0 });
  });

  it('falls back to rocm-smi when amd-smi fails, and says why', async () => {
    await tools.add('amd-smi', { stderr: 'amdsmi.AmdSmiLibraryException: Error code: 2 | AMDSMI_STATUS_PERMISSION\n', exitCode: 1 });
    await tools.add('rocm-smi', { fixture: fixtureUrl('rocm-smi_showproductname-showbus-showmeminfo-vram-json_mi210_rocm5.x.json.txt') });
    const h = await probe();
    expect(h.tool).toBe('rocm-smi');
    expect(h.gpus[0]).toMatchObject({ model: 'MI210', vramTotalMiB: 65520, busId: '0000:E7:00.0', arch: null });
    expect(h.notes[0]).toMatch(/^amd-smi static --json \(exit code 1\): amd-smi --json: no JSON in output \(empty output\); stderr: .*PERMISSION/);
    // ROCm 5 rocm-smi has no GFX Version, and there is no rocminfo here
    expect(h.notes).toContain('gfx target unknown: rocminfo not found on PATH');
    expect(h.notes).toContain('GPU 0: arch not read from rocm-smi');
  });

  it('rocm-smi on a CPX-partitioned MI300X: partitions asked separately, gfx target from rocminfo, full-VRAM flag', async () => {
    const cards = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`card${i}`, { 'Device ID': '0x74a1', 'Card Series': 'AMD Instinct MI300X OAM', 'VRAM Total Memory (B)': '206141652992', 'PCI Bus': `0000:05:00.${i}` }]),
    );
    const parts = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`card${i}`, { 'Compute Partition': 'CPX', 'Memory Partition': 'NPS1' }]));
    await tools.add('rocm-smi', {
      byArgs: [
        { match: '--showcomputepartition', spec: { stdout: JSON.stringify(parts) } },
        { match: '--showproductname', spec: { stdout: JSON.stringify({ ...cards, system: { 'Driver version': '6.8.5' } }) } },
      ],
    });
    await tools.add('rocminfo', { fixture: fixtureUrl('rocminfo_excerpt_mi300x_rocm6.x.txt') });
    const h = await probe();
    expect(h.tool).toBe('rocm-smi');
    expect(h.gpuCount).toBe(8);
    expect(h.gpus[7]).toMatchObject({ model: 'MI300X', arch: 'gfx942', vramTotalMiB: 196592, partition: 'CPX/NPS1', flags: ['partition-reports-full-device-vram'] });
    expect(h).toMatchObject({ packageCount: 1, label: '8x MI300X (CPX)', software: { driver: '6.8.5' } });
    expect((await tools.calls('rocm-smi')).map((a) => a[0])).toEqual(['--showproductname', '--showcomputepartition']);
    expect(formatHardware(h)).toMatch(/GPUs: 8x MI300X \(CPX\) \(8 devices, 1 package; read with rocm-smi\)/);
  });

  it('MI250X GCDs from amd-smi: model from compute units, two GCDs per package', async () => {
    const gcds = Array.from({ length: 8 }, (_, i) => ({
      gpu: i,
      asic: { market_name: 'AMD Instinct MI250X/MI250', device_id: '0x740c', target_graphics_version: 'gfx90a', num_compute_units: 110 },
      vram: { size: { value: 65520, unit: 'MB' } },
    }));
    await tools.add('amd-smi', { stdout: JSON.stringify(gcds) });
    const h = await probe();
    expect(h.gpus[0]).toMatchObject({ model: 'MI250X', flags: ['gcd'] });
    expect(h).toMatchObject({ gpuCount: 8, packageCount: 4, label: '4x MI250X (8 GCDs)' });
  });

  it('a tool that hangs is killed after the timeout and the next one answers', async () => {
    await tools.add('amd-smi', { sleepMs: 20_000, stdout: '[]' });
    await tools.add('nvidia-smi', { byArgs: [{ match: '--query-gpu', spec: { stdout: H100_CSV } }, { match: '-q', spec: { fixture: fixtureUrl('nvidia-smi_q_h100-sxm-x8_driver565.57.01.txt') } }] });
    const started = Date.now();
    const h = await probe({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(h.tool).toBe('nvidia-smi');
    expect(h.notes[0]).toBe('amd-smi static --json: timed out after 300 ms');
  });

  it('nvidia-smi: identity from --query-gpu, CUDA version from -q', async () => {
    await tools.add('nvidia-smi', { byArgs: [{ match: '--query-gpu', spec: { stdout: H100_CSV } }, { match: '-q', spec: { fixture: fixtureUrl('nvidia-smi_q_h100-sxm-x8_driver565.57.01.txt') } }] });
    const h = await probe();
    expect(h.tool).toBe('nvidia-smi');
    expect(h.gpus[0]).toEqual({ index: 0, vendor: 'nvidia', name: 'NVIDIA H100 80GB HBM3', model: 'H100', arch: 'sm_90', vramTotalMiB: 81559, partition: null, busId: '00000000:18:00.0' });
    expect(h).toMatchObject({ gpuCount: 8, packageCount: 8, label: '8x H100', software: { driver: '565.57.01', cuda: '12.7' }, notes: [] });
    expect(await tools.calls('nvidia-smi')).toEqual([
      ['--query-gpu=index,name,memory.total,pci.bus_id,driver_version,compute_cap', '--format=csv,noheader,nounits'],
      ['-q'],
    ]);
  });

  it('nvidia-smi too old for compute_cap: retried without it', async () => {
    await tools.add('nvidia-smi', {
      byArgs: [
        { match: 'compute_cap', spec: { stdout: 'Field "compute_cap" is not a valid field to query.\n', exitCode: 2 } },
        { match: '--query-gpu', spec: { stdout: '0, NVIDIA A100-SXM4-80GB, 81920, 00000000:07:00.0, 470.57.02\n' } },
        { match: '-q', spec: { stdout: 'Driver Version : 470.57.02\nCUDA Version : 11.4\n' } },
      ],
    });
    const h = await probe();
    expect(h.gpus[0]).toMatchObject({ model: 'A100', arch: null, vramTotalMiB: 81920 });
    expect(h.software).toEqual({ driver: '470.57.02' });
    expect(h.notes).toContain('compute capability unknown: this driver does not support the compute_cap query field');
    expect(h.notes.some((n) => /CUDA version unknown: nvidia-smi -q: nvidia-smi -q: no 'GPU <bus id>' blocks/.test(n))).toBe(true);
  });

  it('GB10: [N/A] VRAM total is null, flagged and noted', async () => {
    await tools.add('nvidia-smi', { byArgs: [{ match: '--query-gpu', spec: { stdout: '0, NVIDIA GB10, [N/A], 0000000F:01:00.0, 580.95.05, 12.1\n' } }, { match: '-q', spec: { exitCode: 9 } }] });
    const h = await probe();
    expect(h.gpus[0]).toMatchObject({ model: 'GB10', arch: 'sm_121', vramTotalMiB: null, flags: ['vram-not-reported'] });
    expect(h.notes).toContain('nvidia-smi GPU 0: memory.total not reported ([N/A])');
  });

  it('truncated and malformed outputs, and "No JSON data" with exit 0, fall through to notes', async () => {
    const full = fixture('amd-smi_static-json_mi210_rocm7.x-gpu_data.json.txt');
    await tools.add('amd-smi', { stdout: full.slice(0, 3000) });
    await tools.add('rocm-smi', { stdout: 'WARNING: No JSON data to report\n' });
    await tools.add('nvidia-smi', { stdout: 'Segmentation fault\n', exitCode: 139 });
    const h = await probe();
    expect(h.tool).toBeNull();
    expect(h.notes[0]).toBe('no GPU tool answered with GPUs');
    expect(h.notes[1]).toMatch(/^amd-smi static --json: amd-smi --json: JSON output ends before it is complete/);
    expect(h.notes[2]).toMatch(/^rocm-smi --showproductname .* --json: rocm-smi --json: no JSON in output: WARNING: No JSON data to report/);
    expect(h.notes[3]).toMatch(/^nvidia-smi --query-gpu=\S+ --format=csv,noheader,nounits \(exit code 139\): nvidia-smi: expected 6 values .* got 'Segmentation fault'; nvidia-smi -q \(exit code 139\): .*Segmentation fault/);
    expect(await tools.calls('nvidia-smi')).toHaveLength(2); // no retry: the failure was not about compute_cap
    expect(h.raw?.length).toBeGreaterThanOrEqual(4);
  });

  it('usable output with a non-zero exit is kept, with a note', async () => {
    await tools.add('rocm-smi', { fixture: fixtureUrl('rocm-smi_showproductname-showbus-showmeminfo-vram-json_mi210_rocm5.x.json.txt'), exitCode: 2 });
    const h = await probe();
    expect(h.tool).toBe('rocm-smi');
    expect(h.notes).toContain('rocm-smi --showproductname --showbus --showmeminfo vram --showid --showdriverversion --json printed usable output but exited (exit code 2)');
  });

  it('runs the tools through a remote prefix, without a shell', async () => {
    await tools.add('ssh', { byArgs: [{ match: 'nvidia-smi --query-gpu', spec: { stdout: H100_CSV.split('\n')[0] } }, { match: 'nvidia-smi -q', spec: { exitCode: 1 } }, { match: 'smi', spec: { stderr: 'bash: amd-smi: command not found\n', exitCode: 127 } }] });
    const h = await probe({ telemetryCmd: ['ssh', '-o', 'BatchMode=yes', 'gpu-box'] });
    expect(h.tool).toBe('nvidia-smi');
    expect((await tools.calls('ssh'))[0]).toEqual(['-o', 'BatchMode=yes', 'gpu-box', 'amd-smi', 'static', '--json']);
    expect(h.notes[0]).toMatch(/GPU tools ran through 'ssh -o BatchMode=yes gpu-box'/);
  });
});
