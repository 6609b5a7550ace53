// From a parser's GpuReading to the GpuInfo stored in results.json: the normalised model, the flags
// spec/telemetry.md asks for (SR-IOV VFs, MI250 GCDs, partitions reporting the full device's VRAM,
// ROCm/ROCm#4750), the physical package count and a short label for comparison tables.

import { GPU_FLAGS, type GpuInfo } from './hardware-schema.ts';
import { CPX_PARTITIONS, FULL_DEVICE_VRAM_MIB, MI250_AMBIGUOUS, normalizeGpuModel } from './normalize-gpu-model.ts';
import type { GpuReading, PartitionMode } from './types.ts';

const MI250_FAMILY = new Set(['MI250', 'MI250X', MI250_AMBIGUOUS]);

/** `SPX/NPS1`, `CPX`, or null when the tool said nothing about partitions. */
export function formatPartition(p: PartitionMode | null): string | null {
  if (!p || (!p.compute && !p.memory)) return null;
  return [p.compute, p.memory].filter(Boolean).join('/');
}

export function toGpuInfo(r: GpuReading, vendor: GpuInfo['vendor']): GpuInfo {
  const model = normalizeGpuModel(r.name, { deviceId: r.deviceId, computeUnits: r.computeUnits });
  const flags = new Set(r.flags);
  if ((r.sku && /SRIOV/i.test(r.sku)) || r.deviceId === '0x74b5' || (r.name && /\bVF\b/.test(r.name))) {
    flags.add(GPU_FLAGS.sriovVf);
  }
  if (model && MI250_FAMILY.has(model)) flags.add(GPU_FLAGS.gcd);
  const compute = r.partition?.compute?.toUpperCase() ?? null;
  const full = model ? FULL_DEVICE_VRAM_MIB[model] : undefined;
  if (compute && compute !== 'SPX' && full && r.vramTotalMiB !== null && r.vramTotalMiB > 0.6 * full) {
    flags.add(GPU_FLAGS.partitionFullVram);
  }
  const info: GpuInfo = {
    index: r.index,
    vendor,
    name: r.name,
    model,
    arch: r.arch,
    vramTotalMiB: r.vramTotalMiB,
    partition: formatPartition(r.partition),
    busId: r.busId,
  };
  if (flags.size) info.flags = [...flags];
  return info;
}

/** How many logical GPUs share one package: 2 for MI250 GCDs, N for an N-way compute partition. */
function gpusPerPackage(g: GpuInfo): number | null {
  if (g.flags?.includes(GPU_FLAGS.gcd)) return 2;
  const compute = g.partition?.split('/')[0]?.toUpperCase();
  if (!compute || !/PX$/.test(compute) || compute === 'SPX') return 1;
  if (compute === 'DPX') return 2;
  if (compute === 'TPX') return 3;
  if (compute === 'QPX') return 4;
  if (compute === 'CPX' && g.model) return CPX_PARTITIONS[g.model] ?? null;
  return null;
}

/** Physical packages, or null (with the reason) when a partition mode does not say how many share one. */
export function countPackages(gpus: readonly GpuInfo[]): { packageCount: number | null; note?: string } {
  let total = 0;
  for (const g of gpus) {
    const per = gpusPerPackage(g);
    if (per === null) {
      return { packageCount: null, note: `package count unknown: GPU ${g.index} is in partition mode ${g.partition}` };
    }
    total += 1 / per;
  }
  return { packageCount: Math.ceil(total - 1e-9) };
}

/** `8x MI300X`, `4x MI250X/MI250 (8 GCDs)`, `8x MI300X (CPX)`; null with no GPUs. */
export function hardwareLabel(gpus: readonly GpuInfo[]): string | null {
  if (gpus.length === 0) return null;
  const groups = new Map<string, GpuInfo[]>();
  for (const g of gpus) {
    const key = g.model ?? g.name ?? 'unknown GPU';
    groups.set(key, [...(groups.get(key) ?? []), g]);
  }
  return [...groups]
    .map(([model, gs]) => {
      if (gs.every((g) => g.flags?.includes(GPU_FLAGS.gcd))) {
        return `${Math.ceil(gs.length / 2)}x ${model} (${gs.length} GCDs)`;
      }
      const compute = gs[0].partition?.split('/')[0];
      const partitioned = compute && compute !== 'SPX' && gs.every((g) => g.partition?.split('/')[0] === compute);
      return `${gs.length}x ${model}${partitioned ? ` (${compute})` : ''}`;
    })
    .join(' + ');
}
