// rocm-smi prints the same per-card key/value pairs in text, --csv and --json; this maps them to a
// GpuReading. Keys are matched case-insensitively and in both spellings, because ROCm 6 renamed them
// (`GPU ID` → `Device ID`, `Card series` → `Card Series`) and old and new spellings coexist in one
// capture (spec/telemetry.md §1; wandb `xpu/src/gpu_amd.rs` test mocks).

import { normalizeKey } from './indented-tree.ts';
import { hexId, parseNumber, parseText, toMiB } from './parse-values.ts';
import { emptyGpuReading, type GpuReading } from '../types.ts';

/** Alternative spellings of one field, normalised (lower case, single spaces), first match wins. */
const KEYS = {
  name: ['card series', 'device name', 'marketing name'],
  deviceId: ['device id', 'gpu id'],
  sku: ['card sku'],
  arch: ['gfx version'],
  vramTotalB: ['vram total memory (b)'],
  vramUsedB: ['vram total used memory (b)'],
  util: ['gpu use (%)'],
  // `--showpower`: ROCm 5 and most GPUs say Average; MI300X says Current Socket (spec §1)
  power: ['average graphics package power (w)', 'current socket graphics package power (w)', 'socket graphics package power (w)'],
  busId: ['pci bus'],
  computePartition: ['compute partition', 'current compute partition'],
  memoryPartition: ['memory partition', 'current memory partition'],
} as const;

export type RocmFields = ReadonlyMap<string, string>;

/** Builds a normalised-key map from raw pairs; the first occurrence of a key wins. */
export function rocmFields(pairs: Iterable<readonly [string, unknown]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of pairs) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const key = normalizeKey(k);
    if (!out.has(key)) out.set(key, String(v).trim());
  }
  return out;
}

function pick(fields: RocmFields, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = fields.get(k);
    if (v !== undefined) return parseText(v);
  }
  return null;
}

export function rocmFieldsToReading(index: number, fields: RocmFields): GpuReading {
  const r = emptyGpuReading(index);
  r.name = pick(fields, KEYS.name);
  r.deviceId = hexId(pick(fields, KEYS.deviceId));
  r.sku = pick(fields, KEYS.sku);
  const gfx = pick(fields, KEYS.arch);
  r.arch = gfx && /^gfx[0-9a-f]+$/i.test(gfx) ? gfx.toLowerCase() : null;
  // rocm-smi reports memory in bytes (`(B)` keys); spec §1.
  r.vramTotalMiB = toMiB(parseNumber(pick(fields, KEYS.vramTotalB)), 'B');
  r.vramUsedMiB = toMiB(parseNumber(pick(fields, KEYS.vramUsedB)), 'B');
  r.utilPct = parseNumber(pick(fields, KEYS.util));
  const powerKey = KEYS.power.find((k) => parseNumber(fields.get(k) ?? null) !== null);
  if (powerKey) {
    r.powerW = parseNumber(fields.get(powerKey));
    r.powerField = powerKey.replace(/\b\w/g, (c) => c.toUpperCase());
  }
  r.busId = pick(fields, KEYS.busId);
  const compute = pick(fields, KEYS.computePartition);
  const memory = pick(fields, KEYS.memoryPartition);
  if (compute || memory) r.partition = { compute, memory };
  return r;
}
