// comparison.md (the hardware comparison for people and PRs) and the same tables as plain text for
// the terminal. Cells go through mdCell, so model ids or labels with pipes or HTML stay inert.

import type { Comparison, Disagreements } from './compare-model.ts';
import { runsTable, suiteTables, type StringTable } from './compare-table.ts';
import { mdCell } from '../report-md.ts';
import { textTable } from '../text-table.ts';

export const CHART_FILES = { throughput: 'comparison-throughput.png', memory: 'comparison-memory.png' } as const;

export function mdTable(t: StringTable): string[] {
  const align = t.align.map((a) => (a === 'left' ? '---' : '---:'));
  return [`| ${t.header.map(mdCell).join(' | ')} |`, `|${align.join('|')}|`, ...t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)];
}

/** Whether any row measured GPU memory; CPU runs (no GPU tool, in-process ONNX) have none. */
export function hasGpuMemory(c: Comparison): boolean {
  return c.rows.some((r) => r.peakVramMiB !== null || r.vramTotalMiB !== null);
}

/** GPU memory when any row measured it; otherwise the host memory the runs used, rather than an empty chart. */
export function memoryChartTitle(c: Comparison): string {
  return hasGpuMemory(c) ? 'GPU memory by GPU and dtype' : 'Host memory (peak RSS): no run measured GPU memory';
}

export function referenceNote(c: Comparison): string {
  return `Reference row: ${c.rows[c.referenceIndex].label}. Ratios are row ÷ reference: tok/s above ×1 is faster; TTFT and VRAM below ×1 are better.`;
}

export function compareMarkdown(c: Comparison, disagreements: readonly Disagreements[]): string {
  const lines = ['# vlm-harness hardware comparison', '', mdCell(referenceNote(c)), ''];
  for (const w of c.warnings) lines.push(`> ⚠️ **Warning:** ${mdCell(w)}`, '');
  const runs = runsTable(c);
  lines.push(`## ${runs.title}`, '', ...mdTable(runs), '');
  for (const t of suiteTables(c)) {
    lines.push(`## ${mdCell(t.title)}`, '');
    if (t.warning) lines.push(`> ⚠️ **Not comparable:** ${mdCell(t.warning)}`, '');
    lines.push(...mdTable(t), '');
  }
  lines.push(
    '## Charts',
    '',
    `![Output throughput by GPU and dtype](${CHART_FILES.throughput})`,
    '',
    `![${memoryChartTitle(c)}](${CHART_FILES.memory})`,
    '',
  );
  const known = disagreements.filter((d) => d.compared > 0);
  if (known.length) {
    lines.push('## Where the outputs differ', '');
    for (const d of known) lines.push(`- ${mdCell(d.suite)}: predictions differ on ${d.differing} of ${d.compared} samples scored in two or more rows${d.differing ? ' (examples in comparison.html)' : ''}.`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The terminal version: the same tables, aligned (the warnings are returned beside it). */
export function compareText(c: Comparison): string {
  const parts = [referenceNote(c)];
  for (const t of [runsTable(c), ...suiteTables(c)]) parts.push('', t.title, textTable(t.header, t.rows));
  return parts.join('\n');
}
