import { describe, expect, it } from 'vitest';
import { countPackages, hardwareLabel, toGpuInfo } from '../../src/telemetry/gpu-info.ts';
import { normalizeGpuModel } from '../../src/telemetry/normalize-gpu-model.ts';
import { emptyGpuReading } from '../../src/telemetry/types.ts';

describe('normalizeGpuModel (spec §3)', () => {
  it.each([
    ['AMD Instinct MI300X', 'MI300X'],
    ['AMD Instinct MI300X OAM', 'MI300X'],
    ['MI300X-O', 'MI300X'],
    ['AMD Instinct MI300X VF', 'MI300X'],
    ['AMD Instinct MI300A', 'MI300A'],
    ['AMD Instinct MI325X', 'MI325X'],
    ['Instinct MI210', 'MI210'],
    ['AMD Instinct MI210', 'MI210'],
    ['Arcturus GL-XL [AMD Instinct MI100]', 'MI100'],
    ['AMD INSTINCT MI250 (MCM) OAM AC MBA', 'MI250'],
    ['AMD Instinct MI250X', 'MI250X'],
    ['AMD Instinct MI250X/MI250', 'MI250X/MI250'],
    ['NVIDIA H100 80GB HBM3', 'H100'],
    ['NVIDIA H100 NVL', 'H100'],
    ['NVIDIA H200', 'H200'],
    ['NVIDIA A100-SXM4-80GB', 'A100'],
    ['NVIDIA L40S', 'L40S'],
    ['NVIDIA GB10', 'GB10'],
    ['NVIDIA GH200 480GB', 'GH200'],
    ['NVIDIA A10G', 'A10G'],
    ['NVIDIA GeForce RTX 4090', 'RTX 4090'],
    ['AMD Radeon Graphics', null],
    ['', null],
  ])('%s → %s', (name, model) => expect(normalizeGpuModel(name)).toBe(model));

  it('falls back to the PCI device id', () => {
    expect(normalizeGpuModel(null, { deviceId: '0x74A1' })).toBe('MI300X');
    expect(normalizeGpuModel(undefined, { deviceId: '0x74b5' })).toBe('MI300X');
    expect(normalizeGpuModel(null, { deviceId: '0x740f' })).toBe('MI210');
    expect(normalizeGpuModel(null, { deviceId: '0x1234' })).toBeNull();
  });

  it('tells MI250 from MI250X by compute units per GCD, which the name cannot', () => {
    expect(normalizeGpuModel('AMD Instinct MI250X/MI250', { computeUnits: 110 })).toBe('MI250X');
    expect(normalizeGpuModel('AMD Instinct MI250X/MI250', { computeUnits: 104 })).toBe('MI250');
    expect(normalizeGpuModel(null, { deviceId: '0x740c' })).toBe('MI250X/MI250');
  });
});

describe('GPU identity', () => {
  const reading = (index: number, patch: Partial<ReturnType<typeof emptyGpuReading>>) => ({ ...emptyGpuReading(index), ...patch });

  it('MI250: every GCD is a GPU, two GCDs a package', () => {
    const gpus = [0, 1, 2, 3].map((i) => toGpuInfo(reading(i, { name: 'AMD Instinct MI250X/MI250', vramTotalMiB: 65520 }), 'amd'));
    expect(gpus[0].flags).toEqual(['gcd']);
    expect(countPackages(gpus)).toEqual({ packageCount: 2 });
    expect(hardwareLabel(gpus)).toBe('2x MI250X/MI250 (4 GCDs)');
  });

  it('CPX partitions of an MI300X reporting the full device VRAM are flagged (ROCm/ROCm#4750)', () => {
    const gpus = Array.from({ length: 8 }, (_, i) =>
      toGpuInfo(reading(i, { deviceId: '0x74a1', vramTotalMiB: 196592, partition: { compute: 'CPX', memory: 'NPS1' } }), 'amd'),
    );
    expect(gpus[0]).toMatchObject({ model: 'MI300X', partition: 'CPX/NPS1', flags: ['partition-reports-full-device-vram'] });
    expect(countPackages(gpus)).toEqual({ packageCount: 1 });
    expect(hardwareLabel(gpus)).toBe('8x MI300X (CPX)');
  });

  it('a CPX partition reporting its own share is not flagged', () => {
    const g = toGpuInfo(reading(0, { name: 'AMD Instinct MI300X', vramTotalMiB: 24574, partition: { compute: 'CPX', memory: 'NPS4' } }), 'amd');
    expect(g.flags).toBeUndefined();
  });

  it('an unknown partition mode leaves the package count unknown', () => {
    const g = toGpuInfo(reading(0, { name: 'Some GPU', partition: { compute: 'CPX', memory: null } }), 'amd');
    expect(countPackages([g]).packageCount).toBeNull();
  });

  it('SR-IOV VFs are flagged by SKU or device id', () => {
    expect(toGpuInfo(reading(0, { deviceId: '0x74b5' }), 'amd').flags).toEqual(['sriov-vf']);
    expect(toGpuInfo(reading(0, { sku: '113-MI3SRIOV-001' }), 'amd').flags).toEqual(['sriov-vf']);
  });

  it('labels mixed hosts and no GPUs', () => {
    const a = toGpuInfo(reading(0, { name: 'NVIDIA H100 80GB HBM3' }), 'nvidia');
    const b = toGpuInfo(reading(1, { name: 'NVIDIA L40S' }), 'nvidia');
    expect(hardwareLabel([a, b])).toBe('1x H100 + 1x L40S');
    expect(hardwareLabel([])).toBeNull();
  });
});
