// amd-smi's non-JSON formats (spec/telemetry.md §2 and the fixtures of §5): the default human format
// (`GPU: 0` blocks of indented `KEY: value` lines, as `amd-smi static|metric|list` print them), the
// `amd-smi monitor` table, and `amd-smi process --csv` (memory columns in bytes).

import { amdDriverVersion, amdEntryToReading } from './amd-smi-json.ts';
import { parseIndentedTree } from './indented-tree.ts';
import { outputLines, parseNumber, preview, sizeToMiB, splitCsvLine, TelemetryParseError, toMiB } from './parse-values.ts';
import { emptyGpuReading, type GpuReading, type ToolReading } from '../types.ts';

/** `amd-smi static`, `metric`, `list` without `--json`. Values keep their units (`196592 MB`, `100 %`). */
export function parseAmdSmiHuman(text: string): ToolReading {
  const tree = parseIndentedTree(
    // keep each `GPU: N` block under its own key so that repeated `GPU:` lines do not collide
    outputLines(text).map((l) => l.replace(/^GPU:\s*(\d+)\s*$/, 'GPU_$1:')),
  );
  const gpus: GpuReading[] = [];
  const notes: string[] = [];
  let driver: string | null = null;
  for (const [key, block] of Object.entries(tree)) {
    const m = /^gpu_(\d+)$/.exec(key);
    if (!m || typeof block === 'string') continue;
    gpus.push(amdEntryToReading({ ...block, gpu: m[1] }, gpus.length));
    driver ??= amdDriverVersion(block, notes);
  }
  if (gpus.length === 0) throw new TelemetryParseError('no-data', `amd-smi: no 'GPU: N' blocks in ${preview(text)}`);
  if (/\[output truncated\]|\[\.\.\.\]/.test(text)) notes.push('amd-smi output was truncated; later GPUs may be missing');
  return { gpus, driver, cuda: null, notes };
}

/**
 * `amd-smi monitor [-putmv]`: a header of column names and one row per GPU, columns separated by two
 * or more spaces (`  0  182 W     42 °C …      83 %   1613 MHz`).
 */
export function parseAmdSmiMonitor(text: string): ToolReading {
  const lines = outputLines(text).filter((l) => l.trim() !== '');
  const headerAt = lines.findIndex((l) => /^\s*GPU\s{2,}[A-Z]/.test(l));
  if (headerAt === -1) throw new TelemetryParseError('no-data', `amd-smi monitor: no header in ${preview(text)}`);
  const header = lines[headerAt].trim().split(/\s{2,}/).map((h) => h.toUpperCase());
  const col = (row: string[], name: string): string | undefined => row[header.indexOf(name)];
  const gpus: GpuReading[] = [];
  const notes: string[] = [];
  for (const line of lines.slice(headerAt + 1)) {
    const cells = line.trim().split(/\s{2,}/);
    const index = parseNumber(cells[0]);
    if (index === null || !/^\d+$/.test(cells[0])) continue;
    if (cells.length !== header.length) notes.push(`amd-smi monitor: row ${index} has ${cells.length} columns, header has ${header.length}`);
    const r = emptyGpuReading(index);
    r.utilPct = parseNumber(col(cells, 'GFX_UTIL') ?? col(cells, 'GFX%'));
    r.vramUsedMiB = sizeToMiB(col(cells, 'VRAM_USED'), 'MB');
    r.vramTotalMiB = sizeToMiB(col(cells, 'VRAM_TOTAL'), 'MB');
    r.powerW = parseNumber(col(cells, 'POWER'));
    if (r.powerW !== null) r.powerField = 'POWER';
    gpus.push(r);
  }
  if (gpus.length === 0) throw new TelemetryParseError('no-data', 'amd-smi monitor: no GPU rows');
  return { gpus, driver: null, cuda: null, notes };
}

export interface AmdSmiProcess {
  gpu: number;
  pid: number;
  name: string;
  vramMiB: number | null;
}

/** `amd-smi process --csv`: `gpu,name,pid,gtt_mem,cpu_mem,vram_mem,mem_usage,gfx,enc`, memory in bytes. */
export function parseAmdSmiProcessCsv(text: string): AmdSmiProcess[] {
  const lines = outputLines(text).filter((l) => l.trim() !== '');
  const headerAt = lines.findIndex((l) => /^gpu,/i.test(l.trim()));
  if (headerAt === -1) throw new TelemetryParseError('no-data', `amd-smi process --csv: no 'gpu,…' header in ${preview(text)}`);
  const header = splitCsvLine(lines[headerAt].trim()).map((h) => h.toLowerCase());
  const at = (name: string) => header.indexOf(name);
  return lines.slice(headerAt + 1).flatMap((line) => {
    const cells = splitCsvLine(line.trim());
    const gpu = parseNumber(cells[at('gpu')]);
    const pid = parseNumber(cells[at('pid')]);
    if (gpu === null || pid === null) return [];
    return [{ gpu, pid, name: cells[at('name')] ?? '', vramMiB: toMiB(parseNumber(cells[at('vram_mem')]), 'B') }];
  });
}
