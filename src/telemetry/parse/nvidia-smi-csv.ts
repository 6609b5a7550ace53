// `nvidia-smi --query-gpu=<fields> --format=csv[,noheader][,nounits]` (spec/telemetry.md §4): one
// line per GPU, fields separated by `, `; memory in MiB, utilisation in %. With a header, each name
// carries its unit (`memory.used [MiB]`) and values carry it too (`1 MiB`). Unsupported values print
// `[N/A]` (GB10 unified memory, mostlygeek/llama-swap#782).

import { outputLines, parseNumber, parseText, preview, sizeToMiB, TelemetryParseError } from './parse-values.ts';
import { GPU_FLAGS } from '../hardware-schema.ts';
import { emptyGpuReading, type GpuReading, type ToolReading } from '../types.ts';

const HEADER = /^[a-z_]+(\.[a-z_]+)*(\s*\[[^\]]+\])?(\s*,\s*[a-z_]+(\.[a-z_]+)*(\s*\[[^\]]+\])?)*$/i;

/** CUDA compute capability `9.0` → `sm_90`, the spelling spec §3 uses for arch. */
export function smArch(computeCap: string | null): string | null {
  const m = computeCap ? /^(\d+)\.(\d+)$/.exec(computeCap) : null;
  return m ? `sm_${m[1]}${m[2]}` : null;
}

/**
 * `fields` names the columns of `noheader` output (in query order); output with a header names its
 * own. Throws when a line does not have one value per field (an error message instead of CSV).
 */
export function parseNvidiaSmiCsv(text: string, fields?: readonly string[]): ToolReading {
  const lines = outputLines(text).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) throw new TelemetryParseError('no-data', 'nvidia-smi: empty output');
  let names = fields?.map((f) => f.toLowerCase());
  if (HEADER.test(lines[0]) && /[a-z]\.[a-z]|^index\b|^name\b/i.test(lines[0])) {
    names = lines.shift()!.split(',').map((h) => h.replace(/\[[^\]]*\]/, '').trim().toLowerCase());
  }
  if (!names) throw new TelemetryParseError('malformed', 'nvidia-smi CSV without a header: the queried fields must be given');
  const gpus: GpuReading[] = [];
  const notes: string[] = [];
  let driver: string | null = null;
  for (const line of lines) {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== names.length) {
      throw new TelemetryParseError('malformed', `nvidia-smi: expected ${names.length} values (${names.join(', ')}), got '${preview(line)}'`);
    }
    const value = (f: string): string | undefined => cells[names.indexOf(f)];
    const r = emptyGpuReading(parseNumber(value('index')) ?? gpus.length);
    r.name = parseText(value('name'));
    r.vramTotalMiB = sizeToMiB(value('memory.total'), 'MiB');
    r.vramUsedMiB = sizeToMiB(value('memory.used'), 'MiB');
    r.utilPct = parseNumber(value('utilization.gpu'));
    r.powerW = parseNumber(value('power.draw'));
    if (r.powerW !== null) r.powerField = 'power.draw';
    r.busId = parseText(value('pci.bus_id'));
    r.arch = smArch(parseText(value('compute_cap')));
    driver ??= parseText(value('driver_version'));
    if (value('memory.total') !== undefined && r.vramTotalMiB === null) r.flags.push(GPU_FLAGS.vramNotReported);
    const missing = names.filter((f, i) => parseText(cells[i]) === null);
    if (missing.length) notes.push(`nvidia-smi GPU ${r.index}: ${missing.join(', ')} not reported (${cells[names.indexOf(missing[0])]})`);
    gpus.push(r);
  }
  return { gpus, driver, cuda: null, notes };
}
