// The AMD half of the probe: amd-smi (ROCm ≥ 6) first, rocm-smi (deprecated, still shipped) second,
// each followed by rocminfo when the tool did not print the gfx target (rocm-smi before 6.x has no
// `GFX Version`; amd-smi before 6.3 has no `target_graphics_version`, spec/telemetry.md §2–§3).

import { normalizeGpuModel } from './normalize-gpu-model.ts';
import { parseAmdSmi } from './parse/parse-amd-smi.ts';
import { parseRocmSmi } from './parse/parse-rocm-smi.ts';
import { parseRocminfo } from './parse/rocminfo.ts';
import type { ToolExec, ToolOutcome } from './tool-exec.ts';
import type { GpuReading, ToolReading } from './types.ts';

/** asic, bus, vram, driver, partition … in one call (spec §2 "Fields the harness needs"). */
export const AMD_SMI_STATIC_ARGS = ['static', '--json'] as const;

/** The flags of the MI210 capture (spec §5) plus ids and the driver; all exist since ROCm 5. */
export const ROCM_SMI_IDENTITY_ARGS = ['--showproductname', '--showbus', '--showmeminfo', 'vram', '--showid', '--showdriverversion', '--json'] as const;

/** ROCm 6 only, so asked separately: an unknown flag would fail the identity call on ROCm 5. */
export const ROCM_SMI_PARTITION_ARGS = ['--showcomputepartition', '--showmemorypartition', '--json'] as const;

export async function probeAmdSmi(exec: ToolExec): Promise<ToolOutcome> {
  const outcome = await exec('amd-smi', AMD_SMI_STATIC_ARGS, parseAmdSmi);
  if (outcome.ok) await fillArchFromRocminfo(exec, outcome.reading);
  return outcome;
}

export async function probeRocmSmi(exec: ToolExec): Promise<ToolOutcome> {
  const outcome = await exec('rocm-smi', ROCM_SMI_IDENTITY_ARGS, parseRocmSmi);
  if (!outcome.ok) return outcome;
  const { reading } = outcome;
  const mi300 = reading.gpus.some((g) => normalizeGpuModel(g.name, { deviceId: g.deviceId })?.startsWith('MI3'));
  if (mi300 && reading.gpus.some((g) => g.partition === null)) {
    const parts = await exec('rocm-smi', ROCM_SMI_PARTITION_ARGS, parseRocmSmi);
    if (parts.ok) fillByIndex(reading.gpus, parts.reading.gpus, ['partition']);
    else reading.notes.push(`partition mode unknown: ${parts.message}`);
  }
  await fillArchFromRocminfo(exec, reading);
  return outcome;
}

async function fillArchFromRocminfo(exec: ToolExec, reading: ToolReading): Promise<void> {
  if (reading.gpus.every((g) => g.arch !== null)) return;
  const info = await exec('rocminfo', [], parseRocminfo);
  if (!info.ok) {
    reading.notes.push(`gfx target unknown: ${info.message}`);
    return;
  }
  const agents = info.reading.gpus;
  const archs = new Set(agents.map((a) => a.arch));
  if (agents.length === reading.gpus.length) {
    // same count: rocminfo lists agents in the order the SMI tools number GPUs
    for (let i = 0; i < agents.length; i++) fillFrom(reading.gpus[i], agents[i], ['arch', 'computeUnits', 'name']);
  } else if (archs.size === 1) {
    for (const g of reading.gpus) fillFrom(g, agents[0], ['arch', 'computeUnits']);
  } else {
    reading.notes.push(`gfx target unknown: rocminfo lists ${agents.length} GPU agents of several targets, the SMI tool ${reading.gpus.length} GPUs`);
  }
}

type Fillable = 'arch' | 'computeUnits' | 'name' | 'partition';

function fillFrom(target: GpuReading, source: GpuReading, fields: readonly Fillable[]): void {
  for (const f of fields) {
    if (target[f] === null && source[f] !== null) (target as unknown as Record<string, unknown>)[f] = source[f];
  }
}

function fillByIndex(target: GpuReading[], source: readonly GpuReading[], fields: readonly Fillable[]): void {
  for (const g of target) {
    const s = source.find((x) => x.index === g.index);
    if (s) fillFrom(g, s, fields);
  }
}
