// GPU power from the captured tool outputs (test/fixtures/telemetry), and energy integrated over the
// generation windows (src/telemetry/energy.ts).

import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiCsv } from '../../src/telemetry/parse/nvidia-smi-csv.ts';
import { parseNvidiaSmiQuery } from '../../src/telemetry/parse/nvidia-smi-query.ts';
import { computeEnergy, integratePower, type PowerTrace } from '../../src/telemetry/energy.ts';
import { energySchema } from '../../src/telemetry/energy-schema.ts';
import { parseAmdSmi } from '../../src/telemetry/parse/parse-amd-smi.ts';
import { parseRocmSmi } from '../../src/telemetry/parse/parse-rocm-smi.ts';
import type { ToolReading } from '../../src/telemetry/types.ts';
import { fixture } from './fixture.ts';

const power = (r: ToolReading) => r.gpus.map((g) => g.powerW);
const fields = (r: ToolReading) => [...new Set(r.gpus.map((g) => g.powerField))];

describe('power in the captured outputs', () => {
  it('amd-smi metric (human format): POWER / SOCKET_POWER', () => {
    const r = parseAmdSmi(fixture('amd-smi_metric_human_mi300x_rocm6.2.txt'));
    expect(power(r)).toEqual([234]);
    expect(fields(r)).toEqual(['socket_power']);
  });

  it('amd-smi metric --power --json: power.socket_power in either JSON shape, never the limit', () => {
    const entry = { gpu: 0, power: { socket_power: { value: 541, unit: 'W' }, gfx_voltage: { value: 'N/A', unit: 'mV' } }, limit: { socket_power: { value: 750, unit: 'W' } } };
    expect(power(parseAmdSmi(JSON.stringify([entry])))).toEqual([541]);
    expect(power(parseAmdSmi(JSON.stringify({ gpu_data: [entry] })))).toEqual([541]);
    // the early CLI's plain numbers, a later release's name, and N/A
    expect(power(parseAmdSmi(JSON.stringify([{ gpu: 0, power: { average_socket_power: 300 } }])))).toEqual([300]);
    expect(power(parseAmdSmi(JSON.stringify([{ gpu: 0, power: { socket_power: 'N/A' } }])))).toEqual([null]);
    // static --json carries only the cap (limit.socket_power): no reading
    expect(power(parseAmdSmi(fixture('amd-smi_static-json_mi210_rocm7.x-gpu_data.json.txt')))).toEqual([null]);
  });

  it('amd-smi monitor: the POWER column', () => {
    const r = parseAmdSmi(fixture('amd-smi_monitor-putm_mi300x-x8_rocm6.2.txt'));
    expect(power(r)).toEqual([182, 143, 117, 116, 118, 118, 116, 118]);
  });

  it('rocm-smi --showpower: Current Socket Graphics Package Power (MI300X), Average … (older GPUs), in text and JSON', () => {
    const r = parseRocmSmi(fixture('rocm-smi_all_mi300x-x4-sriov_rocm6.x.txt'));
    expect(power(r)).toEqual([133, 130, 131, 136]);
    expect(fields(r)).toEqual(['Current Socket Graphics Package Power (W)']);
    const json = parseRocmSmi(JSON.stringify({ card0: { 'Average Graphics Package Power (W)': '87.0' }, card1: { 'Average Graphics Package Power (W)': 'N/A' } }));
    expect(power(json)).toEqual([87, null]);
  });

  it('rocm-smi concise table: the Power (Socket) column, not PwrCap', () => {
    expect(power(parseRocmSmi(fixture('rocm-smi_concise_mi300x-x8_rocm6.x.txt')))).toEqual([173, 179, 180, 178, 175, 175, 175, 176]);
    expect(power(parseRocmSmi(fixture('rocm-smi_concise_mi300x-x4-sriov_rocm6.x.txt')))).toEqual([133, 131, 131, 137]);
  });

  it('nvidia-smi: power.draw in the query CSV (with or without units), Power Draw in -q', () => {
    expect(power(parseNvidiaSmiCsv('0, 100.89\n1, [N/A]\n', ['index', 'power.draw']))).toEqual([100.89, null]);
    expect(power(parseNvidiaSmiCsv('index, power.draw [W]\n0, 100.89 W\n'))).toEqual([100.89]);
    const q = parseNvidiaSmiQuery(fixture('nvidia-smi_q_h100-sxm-x8_driver565.57.01.txt'));
    // GPU Power Readings, not GPU Memory Power Readings or Module Power Readings
    expect(power(q)).toEqual([100.89, 82.81, 85.98, 85.48, 84.94, 85.27, 86.05, 75.09]);
  });
});

describe('integratePower', () => {
  it('is linear between polls and flat beyond the first and last', () => {
    const pts = [
      [1000, 100],
      [2000, 300],
    ] as const;
    expect(integratePower(pts, 1000, 2000)).toBeCloseTo(200, 10); // mean 200 W over 1 s
    expect(integratePower(pts, 0, 1000)).toBeCloseTo(100, 10); // held before the first poll
    expect(integratePower(pts, 2000, 4000)).toBeCloseTo(600, 10); // held after the last
    expect(integratePower(pts, 1500, 2500)).toBeCloseTo(0.5 * 250 + 0.5 * 300, 10);
    expect(integratePower([[500, 42]], 0, 10_000)).toBeCloseTo(420, 10);
    expect(integratePower(pts, 3000, 3000)).toBe(0);
  });
});

describe('computeEnergy', () => {
  const trace = (samples: Array<[number, Array<[number, number]>]>): PowerTrace => ({
    tool: 'amd-smi',
    field: 'socket_power',
    samples: samples.map(([atMs, w]) => ({ atMs, watts: new Map(w) })),
  });

  it('sums the GPUs over the windows: energy, mean power and joules per output token', () => {
    // GPU 0 at 200 W, GPU 1 rising from 100 W to 300 W; two windows of 1 s and 2 s
    const t = trace([
      [0, [[0, 200], [1, 100]]],
      [4000, [[0, 200], [1, 300]]],
    ]);
    const { energy, note } = computeEnergy({ trace: t, windows: [{ startMs: 0, endMs: 1000 }, { startMs: 2000, endMs: 4000 }], outputTokens: 1000 });
    expect(note).toBeNull();
    expect(energySchema.parse(energy)).toEqual(energy);
    // GPU 0: 200 W × 3 s = 600 J; GPU 1: ∫ over [0,1] of 100→150 (125 J) + over [2,4] of 200→300 (500 J)
    expect(energy!.perGpu.map((g) => g.energyJ)).toEqual([600, 625]);
    expect(energy!.energyJ).toBeCloseTo(1225, 9);
    expect(energy!.durationSec).toBe(3);
    expect(energy!.avgPowerW).toBeCloseTo(1225 / 3, 9);
    expect(energy!.joulesPerOutputToken).toBeCloseTo(1.225, 12);
    expect(energy!.outputTokensPerJoule).toBeCloseTo(1000 / 1225, 12);
    expect(energy!.source).toBe('amd-smi socket_power');
    expect(energy!.readings).toBe(2);
  });

  it('is null with the reason when there is nothing to integrate', () => {
    expect(computeEnergy({ trace: { tool: null, field: null, samples: [] }, windows: [{ startMs: 0, endMs: 1 }], outputTokens: 1 })).toEqual({
      energy: null,
      note: 'energy: no GPU power readings (no GPU tool answered)',
    });
    expect(computeEnergy({ trace: { tool: 'rocm-smi', field: null, samples: [] }, windows: [{ startMs: 0, endMs: 1 }], outputTokens: 1 }).note).toBe(
      'energy: rocm-smi reported no power draw for the selected GPUs',
    );
    expect(computeEnergy({ trace: trace([[0, [[0, 1]]]]), windows: [], outputTokens: 0 }).note).toMatch(/generated nothing/);
  });

  it('no output token: energy, but no joules per token', () => {
    const { energy } = computeEnergy({ trace: trace([[0, [[0, 50]]]]), windows: [{ startMs: 0, endMs: 2000 }], outputTokens: 0 });
    expect(energy).toMatchObject({ energyJ: 100, joulesPerOutputToken: null, outputTokensPerJoule: 0 });
  });
});
