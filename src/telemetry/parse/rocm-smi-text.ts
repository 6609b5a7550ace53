// rocm-smi's text output (spec/telemetry.md §1): `GPU[i]\t\t: <key>: <value>` lines between `=====`
// banners, with tabs or (after an issue renderer) spaces, plus lines without a `GPU[i]` prefix
// (driver version, the KFD process table, `Not supported` messages) that are skipped; and the
// default "Concise Info" table, where each device row may be followed by an indented name line.

import { outputLines, preview, TelemetryParseError } from './parse-values.ts';
import { rocmFields, rocmFieldsToReading } from './rocm-smi-fields.ts';
import { emptyGpuReading, type GpuReading, type ToolReading } from '../types.ts';

const GPU_LINE = /^\s*GPU\[(\d+)\]\s*:\s*(.*)$/;

/** `rocm-smi -a`, `--showmeminfo vram`, `--showproductname` … in text form. */
export function parseRocmSmiText(text: string): ToolReading {
  const pairs = new Map<number, Array<[string, string]>>();
  let driver: string | null = null;
  for (const line of outputLines(text)) {
    const m = GPU_LINE.exec(line);
    if (!m) {
      driver ??= /^\s*driver version\s*:\s*(\S+)/i.exec(line)?.[1] ?? null;
      continue;
    }
    const rest = m[2];
    const colon = rest.indexOf(':');
    if (colon <= 0) continue; // `GPU[0] : Not supported`, blank continuation lines
    const list = pairs.get(Number(m[1])) ?? [];
    list.push([rest.slice(0, colon), rest.slice(colon + 1)]);
    pairs.set(Number(m[1]), list);
  }
  if (pairs.size === 0) {
    throw new TelemetryParseError('no-data', `rocm-smi: no 'GPU[i] : key: value' lines in ${preview(text)}`);
  }
  const gpus = [...pairs].sort(([a], [b]) => a - b).map(([i, p]) => rocmFieldsToReading(i, rocmFields(p)));
  return { gpus, driver, cuda: null, notes: [] };
}

export function isRocmSmiConcise(text: string): boolean {
  return /Concise Info/i.test(text) || /^\s*(Device|GPU)\s.*VRAM%/m.test(text);
}

/**
 * The default table. ROCm 6: `0  [0x74a1 : 0x00]  41.0°C  121.0W  NPS1, SPX  …  750.0W  0%  0%`
 * then `   AMD Instinct MI300X`; ROCm 5 rows have no id and no name. VRAM% and GPU% are the last two
 * columns. The table has no VRAM total, so vramTotalMiB stays null.
 */
export function parseRocmSmiConcise(text: string): ToolReading {
  const lines = outputLines(text);
  const headerAt = lines.findIndex((l) => /VRAM%/.test(l));
  if (headerAt === -1) throw new TelemetryParseError('no-data', `rocm-smi concise table: no header in ${preview(text)}`);
  const gpus: GpuReading[] = [];
  const notes: string[] = [];
  let ended = false;
  for (const line of lines.slice(headerAt + 1)) {
    // ROCm 6 puts a `=====` line between header and rows, ROCm 5 does not; one after rows ends the table
    if (/^={5,}/.test(line.trim())) {
      if (gpus.length) {
        ended = true;
        break;
      }
      continue;
    }
    const row = /^(\d+)\s+(.*)$/.exec(line);
    if (row) {
      gpus.push(conciseRow(Number(row[1]), row[2]));
    } else if (/^\s+\S/.test(line) && gpus.length && gpus[gpus.length - 1].name === null) {
      gpus[gpus.length - 1].name = line.trim();
    }
  }
  if (gpus.length === 0) throw new TelemetryParseError('no-data', 'rocm-smi concise table: no device rows');
  if (!ended) notes.push('rocm-smi concise table: no closing banner (output truncated?)');
  return { gpus, driver: null, cuda: null, notes };
}

function conciseRow(index: number, rest: string): GpuReading {
  const r = emptyGpuReading(index);
  r.deviceId = /\b0x[0-9a-f]{4}\b/i.exec(rest)?.[0].toLowerCase() ?? null;
  // Partitions column, "(Mem, Compute)": `NPS1, SPX`
  const part = /\b(NPS\d+)\s*,\s*([A-Z]PX)\b/.exec(rest);
  if (part) r.partition = { compute: part[2], memory: part[1] };
  // the first figure in watts is the Power column (socket or average); PwrCap comes later
  const watts = /(?:^|\s)(\d+(?:\.\d+)?)\s*W\b/.exec(rest);
  if (watts) {
    r.powerW = Number(watts[1]);
    r.powerField = 'Power';
  }
  const pct = /(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)%\s*$/.exec(rest);
  if (pct) r.utilPct = Number(pct[2]);
  return r;
}
