// amd-smi `static`/`metric`/`list` output as JSON, in every shape spec/telemetry.md §2 lists: a bare
// list of per-GPU objects (ROCm 5.7–6.4 and some 26.x captures), `{"gpu_data": [...]}` (amd-smi ≥ 26),
// plain numbers (early CLI, MB), `{"value", "unit"}` leaves (ROCm ≥ 6.1), `"N/A"` anywhere (also
// inside `{"value": "N/A"}`), and warnings printed before the JSON. The human format (amd-smi-text.ts)
// builds the same nested objects with string leaves (`196592 MB`), so both share amdEntryToReading.

import { extractJson, hexId, parseNumber, parseText, preview, sizeToMiB, TelemetryParseError } from './parse-values.ts';
import { emptyGpuReading, type GpuReading, type ToolReading } from '../types.ts';

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Case-insensitive path look-up (JSON keys are lower-case, the human format's are upper-case). */
function get(obj: unknown, ...path: string[]): unknown {
  let node = obj;
  for (const key of path) {
    if (!isObj(node)) return undefined;
    const hit = Object.keys(node).find((k) => k.toLowerCase() === key);
    node = hit === undefined ? undefined : node[hit];
  }
  return node;
}

/** `{"value": x, "unit": u}` → x (rule 3); a bare value as it is. */
function unwrap(x: unknown): unknown {
  return isObj(x) && 'value' in x ? x.value : x;
}

/** A memory size in MiB: honours `unit` (rule 5: `MB` is MiB-sized), bare numbers are MB (early CLI). */
export function amdSizeMiB(x: unknown): number | null {
  if (isObj(x) && 'value' in x) return sizeToMiB(x.value, typeof x.unit === 'string' ? x.unit : 'MB');
  return sizeToMiB(x, 'MB');
}

/**
 * Board power from `metric --power` (`power.socket_power`; some releases name it
 * `average_socket_power` or `current_socket_power`), in W. Never `limit.socket_power`: that is the cap.
 */
const POWER_FIELDS = ['socket_power', 'average_socket_power', 'current_socket_power'] as const;

function powerOf(entry: Obj): { watts: number; field: string } | null {
  for (const field of POWER_FIELDS) {
    const x = get(entry, 'power', field);
    const unit = isObj(x) && typeof x.unit === 'string' ? x.unit.trim().toLowerCase() : typeof x === 'string' ? /\d\s*([a-z]+)\s*$/i.exec(x)?.[1]?.toLowerCase() : undefined;
    const value = parseNumber(unwrap(x));
    if (value === null) continue;
    return { watts: unit === 'mw' ? value / 1000 : value, field };
  }
  return null;
}

function partitionOf(x: unknown): GpuReading['partition'] {
  if (typeof x === 'string') {
    const compute = parseText(x);
    return compute ? { compute, memory: null } : null;
  }
  if (!isObj(x)) return null;
  const compute = parseText(
    unwrap(get(x, 'compute_partition') ?? get(x, 'accelerator_partition') ?? get(x, 'current_compute_partition')),
  );
  const memory = parseText(unwrap(get(x, 'memory_partition') ?? get(x, 'current_memory_partition')));
  return compute || memory ? { compute, memory } : null;
}

export function amdEntryToReading(entry: Obj, position: number): GpuReading {
  const index = parseNumber(unwrap(get(entry, 'gpu')));
  const r = emptyGpuReading(index ?? position);
  r.name = parseText(unwrap(get(entry, 'asic', 'market_name')));
  r.deviceId = hexId(unwrap(get(entry, 'asic', 'device_id')));
  r.sku = parseText(unwrap(get(entry, 'vbios', 'part_number')));
  const gfx = parseText(unwrap(get(entry, 'asic', 'target_graphics_version')));
  r.arch = gfx && /^gfx[0-9a-f]+$/i.test(gfx) ? gfx.toLowerCase() : null;
  r.computeUnits = parseNumber(unwrap(get(entry, 'asic', 'num_compute_units')));
  r.vramTotalMiB = amdSizeMiB(get(entry, 'vram', 'size')) ?? amdSizeMiB(get(entry, 'mem_usage', 'total_vram'));
  r.vramUsedMiB = amdSizeMiB(get(entry, 'mem_usage', 'used_vram'));
  r.utilPct = parseNumber(unwrap(get(entry, 'usage', 'gfx_activity')));
  const power = powerOf(entry);
  if (power) {
    r.powerW = power.watts;
    r.powerField = power.field;
  }
  r.busId = parseText(unwrap(get(entry, 'bus', 'bdf') ?? get(entry, 'bdf')));
  r.partition = partitionOf(get(entry, 'partition'));
  return r;
}

/**
 * `driver.version`, or the kernel version when the field holds a kernel build string with its spaces
 * removed (the MI210 fixture: `Linuxversion6.14.0-24-generic(buildd@…)`), with a note saying so.
 */
export function amdDriverVersion(entry: Obj, notes: string[]): string | null {
  const raw = parseText(unwrap(get(entry, 'driver', 'version')));
  if (!raw || /^\d+(\.\d+)+[\w.+-]*$/.test(raw)) return raw;
  const kernel = /^Linux\s*version\s*(\d+\.\d+\.\d+[\w.+-]*)/i.exec(raw)?.[1];
  if (kernel) {
    notes.push(`amd-smi driver.version holds a kernel build string; recorded the kernel version ${kernel} (in-kernel amdgpu)`);
    return kernel;
  }
  notes.push(`amd-smi driver.version is not a version number: ${preview(raw, 60)}`);
  return null;
}

/** The per-GPU objects, whatever the top level (rule 2). */
export function amdEntries(value: unknown): Obj[] {
  let list: unknown = value;
  if (isObj(value)) {
    const wrapped = get(value, 'gpu_data');
    // one GPU's object on its own, as `metric --gpu N --json` may print it
    list = wrapped !== undefined ? wrapped : get(value, 'gpu') !== undefined ? [value] : undefined;
  }
  if (!Array.isArray(list)) {
    throw new TelemetryParseError('malformed', `amd-smi JSON: expected a list or {"gpu_data": [...]}, got ${preview(JSON.stringify(value))}`);
  }
  return list.filter(isObj);
}

export function parseAmdSmiJson(text: string): ToolReading {
  const { value, before, after } = extractJson(text, 'amd-smi --json');
  const entries = amdEntries(value);
  if (entries.length === 0) throw new TelemetryParseError('no-data', 'amd-smi --json: no GPU entries');
  const notes: string[] = [];
  if (before.length) notes.push(`amd-smi printed before its JSON: ${preview(before.join(' | '))}`);
  // `metric --gpu N --json` printed its JSON twice before ROCm/rocm-systems#3067
  if (after) notes.push(`amd-smi printed more after its JSON (ignored): ${preview(after)}`);
  const gpus = entries.map((e, i) => amdEntryToReading(e, i));
  const withDriver = entries.find((e) => get(e, 'driver', 'version') !== undefined);
  const driver = withDriver ? amdDriverVersion(withDriver, notes) : null;
  return { gpus, driver, cuda: null, notes };
}
