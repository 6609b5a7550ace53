// `npm run probe` without --json: the probe's result as plain text lines (the CLI prints them).

import { textTable } from '../report/text-table.ts';
import type { HardwareInfo } from './hardware-schema.ts';

export function formatHardware(h: HardwareInfo): string {
  const lines: string[] = [];
  if (h.gpus.length === 0) {
    lines.push('GPUs: none found');
  } else {
    const packages = h.packageCount !== undefined && h.packageCount !== h.gpuCount ? `, ${h.packageCount} package${h.packageCount === 1 ? '' : 's'}` : '';
    lines.push(`GPUs: ${h.label ?? `${h.gpuCount} GPUs`} (${h.gpuCount} devices${packages}; read with ${h.tool})`);
    const rows = h.gpus.map((g) => [
      String(g.index),
      g.model ?? '?',
      g.name ?? '?',
      g.arch ?? '?',
      g.vramTotalMiB === null ? '?' : String(g.vramTotalMiB),
      g.busId ?? '',
      g.partition ?? '',
      (g.flags ?? []).join(', '),
    ]);
    lines.push(textTable(['#', 'model', 'name', 'arch', 'VRAM MiB', 'bus', 'partition', 'flags'], rows));
  }
  const software = Object.entries(h.software).map(([k, v]) => `${k} ${v}`);
  if (software.length) lines.push(`Software: ${software.join(', ')}`);
  lines.push(`Host: ${h.host.cpuModel ?? 'unknown CPU'}, ${h.host.cpuCores} CPUs, ${h.host.memTotalMiB} MiB memory`);
  if (h.notes.length) lines.push('Notes:', ...h.notes.map((n) => `  - ${n}`));
  return lines.join('\n');
}
