// Output shapes spec/telemetry.md describes without a fixture (§5, last paragraph), built from the
// format descriptions of §1–§4, plus the broken outputs §6 asks parsers to survive.

import { describe, expect, it } from 'vitest';
import { toGpuInfo } from '../../../src/telemetry/gpu-info.ts';
import { parseNvidiaSmiCsv } from '../../../src/telemetry/parse/nvidia-smi-csv.ts';
import { parseNvidiaSmiQuery } from '../../../src/telemetry/parse/nvidia-smi-query.ts';
import { parseAmdSmi } from '../../../src/telemetry/parse/parse-amd-smi.ts';
import { parseRocmSmi } from '../../../src/telemetry/parse/parse-rocm-smi.ts';
import { TelemetryParseError } from '../../../src/telemetry/parse/parse-values.ts';
import { fixture } from '../fixture.ts';

const parseError = (fn: () => unknown): TelemetryParseError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TelemetryParseError);
    return e as TelemetryParseError;
  }
  throw new Error('expected a TelemetryParseError');
};

describe('amd-smi JSON shapes (spec §2 table)', () => {
  it('ROCm 5.7–6.0: bare list, plain numbers in MB, "N/A"', () => {
    const text = JSON.stringify([
      { gpu: 0, mem_usage: { total_vram: 196592, used_vram: 283, free_vram: 196309 }, usage: { gfx_activity: 'N/A' } },
      { gpu: 1, mem_usage: { total_vram: 196592, used_vram: 'N/A' }, usage: { gfx_activity: 12 } },
    ]);
    const r = parseAmdSmi(text);
    expect(r.gpus.map((g) => [g.index, g.vramTotalMiB, g.vramUsedMiB, g.utilPct])).toEqual([
      [0, 196592, 283, null],
      [1, 196592, null, 12],
    ]);
  });

  it('ROCm 6.1–6.4: bare list of {value, unit} leaves, including {"value": "N/A"}', () => {
    const text = JSON.stringify([
      {
        gpu: 0,
        asic: { market_name: 'MI300X-O', device_id: '0x74a1', target_graphics_version: 'gfx942', num_compute_units: 304 },
        vram: { type: 'HBM', size: { value: 196592, unit: 'MB' } },
        bus: { bdf: '0000:05:00.0' },
        driver: { name: 'amdgpu', version: '6.7.0' },
        mem_usage: { total_vram: { value: 196592, unit: 'MB' }, used_vram: { value: 'N/A', unit: 'MB' } },
        partition: { compute_partition: 'SPX', memory_partition: 'NPS1' },
      },
    ]);
    const r = parseAmdSmi(text);
    expect(r.driver).toBe('6.7.0');
    expect(r.gpus[0]).toMatchObject({ vramTotalMiB: 196592, vramUsedMiB: null, busId: '0000:05:00.0', arch: 'gfx942' });
    expect(toGpuInfo(r.gpus[0], 'amd')).toMatchObject({ model: 'MI300X', partition: 'SPX/NPS1' });
  });

  it('ROCm 7.x: {"gpu_data": [...]} metric with units other than MB', () => {
    const text = JSON.stringify({
      gpu_data: [
        { gpu: 0, mem_usage: { total_vram: { value: 192, unit: 'GB' }, used_vram: { value: 1073741824, unit: 'B' } }, usage: { gfx_activity: { value: 7, unit: '%' } } },
      ],
    });
    expect(parseAmdSmi(text).gpus[0]).toMatchObject({ vramTotalMiB: 196608, vramUsedMiB: 1024, utilPct: 7 });
  });

  it('ROCm 7 partition object with accelerator_partition', () => {
    const text = JSON.stringify({ gpu_data: [{ gpu: 0, partition: { accelerator_partition: 'CPX', memory_partition: 'NPS4', partition_id: 0 } }] });
    expect(parseAmdSmi(text).gpus[0].partition).toEqual({ compute: 'CPX', memory: 'NPS4' });
  });

  it('skips permission warnings printed before the JSON', () => {
    const text = `WARNING: User is missing the following required groups: render, video. Please add user to these groups.\n[{"gpu": 0, "mem_usage": {"used_vram": 5}}]`;
    const r = parseAmdSmi(text);
    expect(r.gpus[0].vramUsedMiB).toBe(5);
    expect(r.notes[0]).toMatch(/printed before its JSON: WARNING: User is missing/);
  });

  it('takes the first of duplicated JSON outputs (ROCm/rocm-systems#3067)', () => {
    const once = JSON.stringify([{ gpu: 0, mem_usage: { used_vram: { value: 9, unit: 'MB' } } }], null, 4);
    const r = parseAmdSmi(`${once}\n${once}\n`);
    expect(r.gpus).toHaveLength(1);
    expect(r.notes.join(' ')).toMatch(/after its JSON/);
  });

  it('a watch banner on its own is "no data" (ROCm/amdsmi#168)', () => {
    const e = parseError(() => parseAmdSmi("'CTRL' + 'C' to stop watching output:\n"));
    expect(e.kind).toBe('no-data');
    expect(e.message).toMatch(/CTRL/);
  });

  it('truncated JSON is reported as truncated', () => {
    const full = fixture('amd-smi_static-json_mi210_rocm7.x-gpu_data.json.txt');
    const e = parseError(() => parseAmdSmi(full.slice(0, 2000)));
    expect(e.kind).toBe('truncated');
    expect(e.message).toMatch(/amd-smi --json: JSON output ends before it is complete/);
  });

  it('truncated deep inside nested objects is still truncated, not an inner object', () => {
    const full = fixture('amd-smi_static-json_mi210_rocm7.x-gpu_data.json.txt');
    expect(parseError(() => parseAmdSmi(full.slice(0, full.indexOf('"cache": 3')))).kind).toBe('truncated');
  });

  it('human static format: sizes keep their unit', () => {
    const text = ['GPU: 0', '    ASIC:', '        MARKET_NAME: AMD Instinct MI300X', '        TARGET_GRAPHICS_VERSION: gfx942', '    VRAM:', '        TYPE: HBM', '        SIZE: 196592 MB', '    BUS:', '        BDF: 0000:05:00.0', ''].join('\n');
    const r = parseAmdSmi(text);
    expect(r.gpus[0]).toMatchObject({ name: 'AMD Instinct MI300X', arch: 'gfx942', vramTotalMiB: 196592, busId: '0000:05:00.0' });
  });

  it('an unexpected top level is malformed', () => {
    expect(parseError(() => parseAmdSmi('{"version": "26.0"}')).kind).toBe('malformed');
  });
});

describe('rocm-smi JSON with ROCm 6 spellings', () => {
  const rocm6 = JSON.stringify({
    card0: {
      'Device ID': '0x74a1',
      'Card Series': 'AMD Instinct MI300X OAM',
      'Card Model': '0x74a1',
      'Card SKU': 'M3000100',
      'GFX Version': 'gfx942',
      'PCI Bus': '0000:05:00.0',
      'VRAM Total Memory (B)': '206141652992',
      'VRAM Total Used Memory (B)': '295063552',
      'GPU use (%)': '3',
    },
    card1: { 'Device ID': '0x74a1', 'Card Series': 'AMD Instinct MI300X OAM', 'VRAM Total Memory (B)': 'N/A', 'GPU use (%)': 'N/A' },
    system: { 'Driver version': '6.8.5' },
  });

  it('reads cards, skips the system entry, keeps its driver version', () => {
    const r = parseRocmSmi(rocm6);
    expect(r.gpus).toHaveLength(2);
    expect(r.driver).toBe('6.8.5');
    expect(r.gpus[0]).toMatchObject({ deviceId: '0x74a1', arch: 'gfx942', vramTotalMiB: 196592, vramUsedMiB: 281.39, utilPct: 3 });
    expect(r.gpus[1]).toMatchObject({ vramTotalMiB: null, utilPct: null });
  });

  it('skips a warning printed before the JSON', () => {
    const r = parseRocmSmi(`WARNING: AMD GPU device(s) is/are in a low-power state. Check power control/runtime_status\n\n${rocm6}`);
    expect(r.gpus).toHaveLength(2);
    expect(r.notes[0]).toMatch(/low-power state/);
  });

  it('ROCm 5 spelling GPU ID is read as the device id', () => {
    const r = parseRocmSmi('{"card0": {"GPU ID": "0x740c", "Card series": "AMD INSTINCT MI250 (MCM) OAM AC MBA"}}');
    expect(r.gpus[0].deviceId).toBe('0x740c');
  });

  it('"WARNING: No JSON data to report" is "no data", whatever the exit status', () => {
    const e = parseError(() => parseRocmSmi('WARNING: No JSON data to report\n'));
    expect(e.kind).toBe('no-data');
    expect(e.message).toMatch(/No JSON data to report/);
  });

  it('malformed JSON says so', () => {
    const e = parseError(() => parseRocmSmi('{"card0": {"GPU use (%)": }}'));
    expect(e.kind).toBe('malformed');
    expect(e.message).toMatch(/not valid JSON/);
  });

  it('a text table cut before its closing banner still parses, with a note', () => {
    const full = fixture('rocm-smi_concise_mi300x-x4-sriov_rocm6.x.txt');
    const cut = full.split('\n').slice(0, 9).join('\n');
    const r = parseRocmSmi(cut);
    expect(r.gpus).toHaveLength(2);
    expect(r.notes[0]).toMatch(/truncated/);
  });

  it('ROCm 5 concise table rows without an id or name', () => {
    const text = [
      '======================= ROCm System Management Interface =======================',
      '================================= Concise Info =================================',
      'GPU  Temp (DieEdge)  AvgPwr  SCLK    MCLK     Fan  Perf  PwrCap  VRAM%  GPU%',
      '0    36.0c           43.0W   800Mhz  1600Mhz  0%   auto  300.0W    3%   41%',
      '================================================================================',
      '============================= End of ROCm SMI Log ==============================',
    ].join('\n');
    expect(parseRocmSmi(text).gpus).toEqual([expect.objectContaining({ index: 0, utilPct: 41, deviceId: null, name: null })]);
  });

  it('text without any GPU[i] lines is "no data"', () => {
    expect(parseError(() => parseRocmSmi('ERROR: GPU[0] : Unable to read\nrocm-smi: permission denied\n')).kind).toBe('no-data');
  });
});

describe('nvidia-smi CSV (spec §4)', () => {
  it('noheader,nounits H100 lines', () => {
    const text = '0, NVIDIA H100 80GB HBM3, 1, 81559, 0\n1, NVIDIA H100 80GB HBM3, 40000, 81559, 97\n';
    const r = parseNvidiaSmiCsv(text, ['index', 'name', 'memory.used', 'memory.total', 'utilization.gpu']);
    expect(r.gpus.map((g) => [g.index, g.vramUsedMiB, g.vramTotalMiB, g.utilPct])).toEqual([
      [0, 1, 81559, 0],
      [1, 40000, 81559, 97],
    ]);
  });

  it('with a header and units', () => {
    const text = 'name, memory.used [MiB], memory.total [MiB], utilization.gpu [%]\nNVIDIA A100-SXM4-80GB, 1234 MiB, 81920 MiB, 55 %\n';
    const r = parseNvidiaSmiCsv(text);
    expect(r.gpus[0]).toMatchObject({ index: 0, vramUsedMiB: 1234, vramTotalMiB: 81920, utilPct: 55 });
    expect(toGpuInfo(r.gpus[0], 'nvidia').model).toBe('A100');
  });

  it('compute capability becomes sm_XY', () => {
    const r = parseNvidiaSmiCsv('0, 12.1\n', ['index', 'compute_cap']);
    expect(r.gpus[0].arch).toBe('sm_121');
  });

  it('an error message instead of CSV is malformed, with the message', () => {
    const text = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n";
    const e = parseError(() => parseNvidiaSmiCsv(text, ['index', 'memory.used', 'utilization.gpu']));
    expect(e.kind).toBe('malformed');
    expect(e.message).toMatch(/couldn't communicate/);
  });

  it('-q cut short says how many GPUs it lists', () => {
    const full = fixture('nvidia-smi_q_h100-sxm-x8_driver565.57.01.txt');
    const r = parseNvidiaSmiQuery(full.slice(0, full.indexOf('GPU 00000000:3A:00.0') + 200));
    expect(r.gpus).toHaveLength(3);
    expect(r.gpus[2].vramTotalMiB).toBeNull();
    expect(r.notes.join(' ')).toMatch(/lists 3 of 8 attached GPUs/);
  });
});
