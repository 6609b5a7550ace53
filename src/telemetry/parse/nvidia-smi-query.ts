// `nvidia-smi -q`: a header (`Driver Version`, `CUDA Version`, `Attached GPUs`) and one
// `GPU 00000000:18:00.0` block per GPU of indented `Key : value` lines and value-less section lines
// (`    FB Memory Usage`). Captured on 8x H100 SXM (spec/telemetry.md §5).

import { type Tree, parseIndentedTree, treeText } from './indented-tree.ts';
import { outputLines, parseNumber, parseText, preview, sizeToMiB, TelemetryParseError } from './parse-values.ts';
import { GPU_FLAGS } from '../hardware-schema.ts';
import { emptyGpuReading, type GpuReading, type ToolReading } from '../types.ts';

const GPU_HEADER = /^GPU\s+([0-9a-f]+:[0-9a-f]+:[0-9a-f]+\.[0-9a-f]+)\s*$/i;

export function parseNvidiaSmiQuery(text: string): ToolReading {
  const header: string[] = [];
  const blocks: Array<{ busId: string; lines: string[] }> = [];
  for (const line of outputLines(text)) {
    const m = GPU_HEADER.exec(line);
    if (m) blocks.push({ busId: m[1], lines: [] });
    else if (blocks.length) blocks[blocks.length - 1].lines.push(line);
    else header.push(line);
  }
  if (blocks.length === 0) {
    throw new TelemetryParseError('no-data', `nvidia-smi -q: no 'GPU <bus id>' blocks in ${preview(text)}`);
  }
  const top = parseIndentedTree(header);
  const notes: string[] = [];
  const attached = parseNumber(treeText(top, 'attached gpus'));
  if (attached !== null && attached !== blocks.length) {
    notes.push(`nvidia-smi -q lists ${blocks.length} of ${attached} attached GPUs (output truncated?)`);
  }
  const gpus = blocks.map((b, i) => gpuFromBlock(i, b.busId, parseIndentedTree(b.lines), notes));
  return {
    gpus,
    driver: parseText(treeText(top, 'driver version')),
    cuda: parseText(treeText(top, 'cuda version')),
    notes,
  };
}

function gpuFromBlock(index: number, busId: string, t: Tree, notes: string[]): GpuReading {
  const r = emptyGpuReading(index);
  r.name = parseText(treeText(t, 'product name'));
  r.busId = parseText(treeText(t, 'pci', 'bus id')) ?? busId;
  r.vramTotalMiB = sizeToMiB(treeText(t, 'fb memory usage', 'total'), 'MiB');
  r.vramUsedMiB = sizeToMiB(treeText(t, 'fb memory usage', 'used'), 'MiB');
  r.utilPct = parseNumber(treeText(t, 'utilization', 'gpu'));
  // `GPU Power Readings` since driver 530 or so, `Power Readings` before it
  r.powerW = parseNumber(treeText(t, 'gpu power readings', 'power draw') ?? treeText(t, 'power readings', 'power draw'));
  if (r.powerW !== null) r.powerField = 'Power Draw';
  if (/^enabled$/i.test(treeText(t, 'mig mode', 'current') ?? '')) r.flags.push(GPU_FLAGS.migEnabled);
  if (r.vramTotalMiB === null) {
    if (treeText(t, 'fb memory usage', 'total') !== undefined) r.flags.push(GPU_FLAGS.vramNotReported);
    notes.push(`nvidia-smi -q GPU ${index}: no FB Memory Usage total`);
  }
  return r;
}
