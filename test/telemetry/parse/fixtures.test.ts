// Every captured output in test/fixtures/telemetry through its parser (spec/telemetry.md §5):
// normalised model, GPU count and VRAM total where the output has them.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAmdSmiProcessCsv } from '../../../src/telemetry/parse/amd-smi-text.ts';
import { toGpuInfo } from '../../../src/telemetry/gpu-info.ts';
import { parseNvidiaSmiCsv } from '../../../src/telemetry/parse/nvidia-smi-csv.ts';
import { parseNvidiaSmiQuery } from '../../../src/telemetry/parse/nvidia-smi-query.ts';
import { parseAmdSmi } from '../../../src/telemetry/parse/parse-amd-smi.ts';
import { parseRocmSmi } from '../../../src/telemetry/parse/parse-rocm-smi.ts';
import { extractJson } from '../../../src/telemetry/parse/parse-values.ts';
import { parseRocminfo } from '../../../src/telemetry/parse/rocminfo.ts';
import type { ToolReading } from '../../../src/telemetry/types.ts';
import { fixture, fixtureUrl } from '../fixture.ts';

const models = (r: ToolReading, vendor: 'amd' | 'nvidia' = 'amd') => [...new Set(r.gpus.map((g) => toGpuInfo(g, vendor).model))];
const totals = (r: ToolReading) => [...new Set(r.gpus.map((g) => g.vramTotalMiB))];

const tested = new Set<string>();
const use = (name: string) => {
  tested.add(name);
  return fixture(name);
};

describe('rocm-smi fixtures', () => {
  it('concise table, 8x MI300X (markdown copy, trailing spaces lost)', () => {
    const r = parseRocmSmi(use('rocm-smi_concise_mi300x-x8_rocm6.x.txt'));
    expect(r.gpus).toHaveLength(8);
    expect(models(r)).toEqual(['MI300X']);
    expect(totals(r)).toEqual([null]); // the table has VRAM% only
    expect(r.gpus[0]).toMatchObject({ deviceId: '0x74a1', name: 'AMD Instinct MI300X', partition: { compute: 'SPX', memory: 'NPS1' }, utilPct: 0 });
    expect(r.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.notes).toEqual([]);
  });

  it('concise table, 1x MI300X (raw, trailing spaces)', () => {
    const r = parseRocmSmi(use('rocm-smi_concise_mi300x-x1_rocm6.x.txt'));
    expect(r.gpus).toHaveLength(1);
    expect(models(r)).toEqual(['MI300X']);
  });

  it('concise table, 4x MI300X VF', () => {
    const r = parseRocmSmi(use('rocm-smi_concise_mi300x-x4-sriov_rocm6.x.txt'));
    expect(r.gpus).toHaveLength(4);
    expect(models(r)).toEqual(['MI300X']);
    expect(totals(r)).toEqual([null]);
  });

  it('-a text with real tabs, 4x MI300X SR-IOV VF', () => {
    const r = parseRocmSmi(use('rocm-smi_all_mi300x-x4-sriov_rocm6.x.txt'));
    expect(r.gpus).toHaveLength(4);
    expect(r.driver).toBe('6.7.0');
    expect(r.gpus[0]).toMatchObject({
      name: 'AMD Instinct MI300X OAM', // old spelling `Card series` in a ROCm 6 capture
      deviceId: '0x74a1', // new spelling `Device ID`
      sku: 'MI3SRIOV',
      busId: '0000:26:00.0',
      utilPct: 0,
      partition: { compute: 'SPX', memory: 'NPS1' },
      vramTotalMiB: null, // no --showmeminfo section
    });
    const info = toGpuInfo(r.gpus[3], 'amd');
    expect(info).toMatchObject({ model: 'MI300X', busId: '0000:85:00.0', partition: 'SPX/NPS1', flags: ['sriov-vf'] });
  });

  it('--showmeminfo vram text, tabs rendered as spaces (4 GB Radeon)', () => {
    const r = parseRocmSmi(use('rocm-smi_showmeminfo-vram_text_radeon-4gb_rocm5.4-era.txt'));
    expect(r.gpus).toHaveLength(1);
    expect(r.gpus[0]).toMatchObject({ vramTotalMiB: 4080, vramUsedMiB: 103.77, name: null });
    expect(models(r)).toEqual([null]);
  });

  it('--showproductname --csv, 2x MI100 in a series string', () => {
    const r = parseRocmSmi(use('rocm-smi_showproductname-csv_mi100_rocm5.0-era.csv.txt'));
    expect(r.gpus).toHaveLength(2);
    expect(r.gpus[1]).toMatchObject({ index: 1, name: 'Arcturus GL-XL [AMD Instinct MI100]', sku: 'D34316' });
    expect(models(r)).toEqual(['MI100']);
    expect(totals(r)).toEqual([null]);
  });

  it('--showproductname --showbus --showmeminfo vram --json, MI210 (ROCm 5 keys, no system object)', () => {
    const r = parseRocmSmi(use('rocm-smi_showproductname-showbus-showmeminfo-vram-json_mi210_rocm5.x.json.txt'));
    expect(r.gpus).toHaveLength(1);
    expect(r.gpus[0]).toMatchObject({ name: 'Instinct MI210', vramTotalMiB: 65520, vramUsedMiB: 10.45, busId: '0000:E7:00.0' });
    // `Card model` holds the subsystem id 0x0c34, not the device id
    expect(r.gpus[0].deviceId).toBeNull();
    expect(models(r)).toEqual(['MI210']);
    expect(r.driver).toBeNull();
  });
});

describe('amd-smi fixtures', () => {
  it('static --json in the gpu_data envelope, MI210', () => {
    const r = parseAmdSmi(use('amd-smi_static-json_mi210_rocm7.x-gpu_data.json.txt'));
    expect(r.gpus).toHaveLength(1);
    expect(r.gpus[0]).toMatchObject({
      index: 0,
      name: 'AMD Instinct MI210',
      deviceId: '0x740f',
      arch: 'gfx90a',
      computeUnits: 104,
      vramTotalMiB: 65520,
      busId: null, // no bus.bdf
      partition: null, // no partition
    });
    expect(models(r)).toEqual(['MI210']);
    expect(r.driver).toBe('6.14.0-24-generic');
    expect(r.notes.join(' ')).toMatch(/kernel build string/);
  });

  it('static --json | jq .[0].vram: a bare-list element with a {value, unit} size, MI300X', () => {
    const text = use('amd-smi_static-json-vram-jq_mi300x_rocm6.2.json.txt');
    const vram = extractJson(text, 'fixture').value; // skips the `$ amd-smi …` command line
    const r = parseAmdSmi(JSON.stringify([{ gpu: 0, vram }]));
    expect(r.gpus[0].vramTotalMiB).toBe(196592); // MB is MiB-sized: 192 GiB
  });

  it('human metric, truncated by its author', () => {
    const r = parseAmdSmi(use('amd-smi_metric_human_mi300x_rocm6.2.txt'));
    expect(r.gpus).toHaveLength(1);
    expect(r.gpus[0]).toMatchObject({ index: 0, utilPct: 100, vramTotalMiB: null });
    expect(r.notes.join(' ')).toMatch(/truncated/);
  });

  it('monitor -putm table, 8x MI300X', () => {
    const r = parseAmdSmi(use('amd-smi_monitor-putm_mi300x-x8_rocm6.2.txt'));
    expect(r.gpus).toHaveLength(8);
    expect(r.gpus.map((g) => g.utilPct)).toEqual([83, 13, 0, 1, 0, 0, 0, 0]);
    expect(r.notes).toEqual([]);
  });

  it('list: BDFs of the first three GPUs', () => {
    const r = parseAmdSmi(use('amd-smi_list_mi300x_rocm6.2.txt'));
    expect(r.gpus.map((g) => g.busId)).toEqual(['0000:05:00.0', '0000:26:00.0', '0000:46:00.0']);
    expect(models(r)).toEqual([null]);
  });

  it('process --csv: memory in bytes', () => {
    const procs = parseAmdSmiProcessCsv(use('amd-smi_process-csv_mi300x-x8_rocm6.2.csv.txt'));
    expect(procs).toHaveLength(8);
    expect(new Set(procs.map((p) => p.gpu)).size).toBe(8);
    expect(procs[0]).toEqual({ gpu: 0, pid: 207590, name: 'pt_main_thread', vramMiB: 7524 });
  });
});

describe('nvidia-smi fixtures', () => {
  it('-q, 8x H100 SXM', () => {
    const r = parseNvidiaSmiQuery(use('nvidia-smi_q_h100-sxm-x8_driver565.57.01.txt'));
    expect(r.gpus).toHaveLength(8);
    expect(models(r, 'nvidia')).toEqual(['H100']);
    expect(totals(r)).toEqual([81559]);
    expect(r.gpus[0]).toMatchObject({ name: 'NVIDIA H100 80GB HBM3', busId: '00000000:18:00.0', vramUsedMiB: 1, utilPct: 0 });
    expect(r.driver).toBe('565.57.01');
    expect(r.cuda).toBe('12.7');
    expect(r.notes).toEqual([]);
  });

  it('--query-gpu=memory.used,memory.total,utilization.memory on GB10: [N/A] memory', () => {
    const r = parseNvidiaSmiCsv(use('nvidia-smi_query-memory-csv_gb10-unified-NA.txt'), ['memory.used', 'memory.total', 'utilization.memory']);
    expect(r.gpus).toHaveLength(1);
    expect(r.gpus[0]).toMatchObject({ vramUsedMiB: null, vramTotalMiB: null, flags: ['vram-not-reported'] });
    expect(r.notes).toEqual(['nvidia-smi GPU 0: memory.used, memory.total not reported ([N/A])']);
  });
});

describe('rocminfo fixture', () => {
  it('excerpt with the GPU agent header elided: gfx942, MI300X', () => {
    const r = parseRocminfo(use('rocminfo_excerpt_mi300x_rocm6.x.txt'));
    expect(r.gpus).toHaveLength(1); // the CPU agent is skipped
    expect(r.gpus[0]).toMatchObject({ arch: 'gfx942', name: 'AMD Instinct MI300X', computeUnits: 304, deviceId: '0x74a1', vramTotalMiB: 196592 });
    expect(models(r)).toEqual(['MI300X']);
  });
});

it('every fixture is covered', () => {
  const all = readdirSync(fixtureUrl('')).sort();
  expect(all.filter((f) => !tested.has(f))).toEqual([]);
});
