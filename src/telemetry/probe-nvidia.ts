// The NVIDIA half of the probe. `--query-gpu … --format=csv,noheader,nounits` gives index, name, VRAM,
// bus id, driver and compute capability in one cheap call (spec/telemetry.md §4); drivers older than
// `compute_cap` reject the whole query, so it is retried without. `nvidia-smi -q` adds the CUDA
// version and MIG mode, and stands in for the query when that fails.

import { parseNvidiaSmiCsv } from './parse/nvidia-smi-csv.ts';
import { parseNvidiaSmiQuery } from './parse/nvidia-smi-query.ts';
import type { ToolExec, ToolOutcome } from './tool-exec.ts';

export const NVIDIA_IDENTITY_FIELDS = ['index', 'name', 'memory.total', 'pci.bus_id', 'driver_version', 'compute_cap'] as const;

export function nvidiaQueryArgs(fields: readonly string[]): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

export async function probeNvidiaSmi(exec: ToolExec): Promise<ToolOutcome> {
  const query = (fields: readonly string[]) => exec('nvidia-smi', nvidiaQueryArgs(fields), (t) => parseNvidiaSmiCsv(t, fields));
  let csv = await query(NVIDIA_IDENTITY_FIELDS);
  if (!csv.ok && /compute_cap.*not a valid field/i.test(csv.message)) {
    csv = await query(NVIDIA_IDENTITY_FIELDS.filter((f) => f !== 'compute_cap'));
    if (csv.ok) csv.reading.notes.push('compute capability unknown: this driver does not support the compute_cap query field');
  }
  if (!csv.ok && csv.notFound) return csv;
  const q = await exec('nvidia-smi', ['-q'], parseNvidiaSmiQuery);
  if (!csv.ok) {
    if (!q.ok) return { ok: false, notFound: false, message: `${csv.message}; ${q.message}` };
    q.reading.notes.push(`${csv.message}; used nvidia-smi -q instead`);
    return q;
  }
  const { reading } = csv;
  if (q.ok) {
    reading.cuda = q.reading.cuda;
    reading.driver ??= q.reading.driver;
    for (const g of reading.gpus) {
      const same = q.reading.gpus.find((x) => x.busId !== null && x.busId === g.busId) ?? q.reading.gpus[g.index];
      if (same) g.flags.push(...same.flags.filter((f) => !g.flags.includes(f)));
    }
  } else {
    reading.notes.push(`CUDA version unknown: ${q.message}`);
  }
  return csv;
}
