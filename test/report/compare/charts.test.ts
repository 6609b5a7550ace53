// The comparison charts as rendered: legend labels never run into the next swatch (measured on the
// rendered pixels, not on the layout's own arithmetic), and runs without GPU memory get a chart of
// the host memory they used instead of an empty one.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { barChartSvg } from '../../../src/report/charts/charts-svg.ts';
import { compareRuns } from '../../../src/report/compare/compare.ts';
import { binarySamples, tmpDir, writeRun } from '../../helpers/runs.ts';

/** Columns of the rendered image, within rows [y0, y1), that hold any non-white pixel. */
async function inkColumns(svg: string, y0: number, y1: number): Promise<Set<number>> {
  const { data, info } = await sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
  const ink = new Set<number>();
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) ink.add(x);
    }
  }
  return ink;
}

describe('comparison charts', () => {
  it('legend labels end before the next swatch begins (mmmu, whose m is the widest lowercase glyph)', async () => {
    const names = ['mmmu', 'chartqa', 'docvqa', 'vqav2', 'coco-captions', 'MMMU-WWW'];
    const svg = barChartSvg({ title: 't', yLabel: 'y', categories: [{ label: 'a' }, { label: 'b' }], series: names.map((name, i) => ({ name, values: [i + 1, i + 2] })) });
    const swatches = [...svg.matchAll(/<rect x="([\d.]+)" y="(\d+)" width="12" height="12"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(swatches).toHaveLength(names.length);
    for (let i = 1; i < swatches.length; i++) {
      const prev = swatches[i - 1];
      const next = swatches[i];
      if (next.y !== prev.y) continue; // wrapped onto a new row
      const ink = await inkColumns(svg, prev.y - 1, prev.y + 14);
      // ink of the previous label: columns after its swatch and before this one
      let lastInk = -1;
      for (let x = Math.ceil(prev.x + 13); x < Math.floor(next.x); x++) if (ink.has(x)) lastInk = x;
      expect(lastInk, `${names[i - 1]} runs into ${names[i]}`).toBeGreaterThan(prev.x + 16);
      expect(lastInk, `${names[i - 1]} runs into ${names[i]}`).toBeLessThanOrEqual(next.x - 3);
    }
  });

  it('wraps a long legend onto a second row inside the chart', () => {
    const names = Array.from({ length: 8 }, (_, i) => `a-rather-long-series-name-${i}`);
    const svg = barChartSvg({ title: 't', yLabel: 'y', categories: [{ label: 'a' }], series: names.map((name) => ({ name, values: [1] })) });
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const swatches = [...svg.matchAll(/<rect x="([\d.]+)" y="(\d+)" width="12" height="12"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(new Set(swatches.map((s) => s.y)).size).toBeGreaterThan(1);
    for (const s of swatches) expect(s.x).toBeLessThan(width);
  });

  it('runs without GPU memory (CPU) chart the host memory they used instead of an empty GPU chart', async () => {
    const root = tmpDir('charts-cpu-');
    const runs = ['laptop', 'desktop'].map((label) => writeRun(join(root, label), { suites: [{ suite: 'chartqa', samples: binarySamples(10, () => true) }], gpu: null, peakVramMiB: null, label }));
    const out = join(root, 'out');
    await compareRuns({ inputs: runs, out });
    const md = readFileSync(join(out, 'comparison.md'), 'utf8');
    expect(md).toContain('![Host memory (peak RSS): no run measured GPU memory](comparison-memory.png)');
    const html = readFileSync(join(out, 'comparison.html'), 'utf8');
    const memorySvg = html.slice(html.lastIndexOf('<svg '));
    expect(memorySvg.match(/<title>[^<]* · peak RSS: 0\.879<\/title>/g)).toHaveLength(2);
    expect(memorySvg).not.toContain('>n/a<');
  });
});
