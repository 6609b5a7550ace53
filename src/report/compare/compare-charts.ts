// The two comparison charts: output throughput and GPU memory (host peak RSS when no run measured
// GPU memory, as on CPU), one bar group per row (GPU x count and dtype), as SVG text (inlined in the
// HTML) and PNG (rendered with sharp, linked from the Markdown).

import sharp from 'sharp';
import { barChartSvg } from '../charts/charts-svg.ts';
import { hasGpuMemory, memoryChartTitle } from './compare-md.ts';
import type { Comparison } from './compare-model.ts';
import { gpuText } from './compare-table.ts';

export interface ComparisonCharts {
  throughput: string;
  memory: string;
}

export function comparisonChartsSvg(c: Comparison): ComparisonCharts {
  const categories = c.rows.map((r) => ({ label: r.label, sublabel: `${gpuText(r)} · ${r.dtype ?? 'n/a'}` }));
  const throughput = barChartSvg({
    title: 'Output throughput by GPU and dtype',
    yLabel: 'output tokens/s',
    categories,
    series: c.suites.map((s) => ({ name: s.id, values: s.cells.map((cell) => cell?.outputTokensPerSec ?? null) })),
  });
  const gib = (v: number | null) => (v === null ? null : v / 1024);
  const memory = hasGpuMemory(c)
    ? barChartSvg({
        title: memoryChartTitle(c),
        yLabel: 'GiB',
        categories,
        series: [
          { name: 'peak VRAM used', values: c.rows.map((r) => gib(r.peakVramMiB)) },
          { name: 'GPU memory total', values: c.rows.map((r) => gib(r.vramTotalMiB)) },
        ],
      })
    : barChartSvg({ title: memoryChartTitle(c), yLabel: 'GiB', categories, series: [{ name: 'peak RSS', values: c.rows.map((r) => gib(r.peakRssMiB)) }] });
  return { throughput, memory };
}

/** Renders an SVG chart to PNG at twice its size (crisp on high-density screens). */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
}
