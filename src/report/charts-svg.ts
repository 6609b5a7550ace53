// Grouped bar charts as standalone SVG text: inlined in comparison.html and rendered to PNG (sharp)
// for comparison.md, so both show the same picture. No fonts or scripts are fetched; every label is
// escaped. Axis ticks are the usual 1-2-5 "nice numbers" (Heckbert, Graphics Gems, 1990).

import { escapeHtml } from './html-escape.ts';

export interface BarChartSpec {
  title: string;
  /** Axis title, e.g. `output tokens/s`. */
  yLabel: string;
  /** One group of bars per category; `sublabel` is a second line (GPU x count · dtype). */
  categories: Array<{ label: string; sublabel?: string }>;
  /** One bar per series in each group; null draws `n/a`. */
  series: Array<{ name: string; values: Array<number | null> }>;
}

const COLORS = ['#3867b4', '#e07b39', '#3f9a6b', '#b8433b', '#7b5aa6', '#7f7f7f'];
const FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

function short(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e4) return `${(v / 1e3).toPrecision(3)}k`;
  return v >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function barChartSvg(spec: BarChartSpec): string {
  const nSeries = Math.max(1, spec.series.length);
  const barW = nSeries === 1 ? 44 : Math.max(14, Math.min(32, 96 / nSeries));
  const groupW = nSeries * barW + 36;
  const left = 72;
  const right = 16;
  const top = spec.series.length > 1 ? 62 : 44;
  const plotH = 220;
  const bottom = 52;
  const width = Math.max(480, left + right + spec.categories.length * groupW);
  const height = top + plotH + bottom;
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const max = Math.max(0, ...values);
  const step = max > 0 ? niceStep(max, 5) : 1;
  const yMax = max > 0 ? Math.ceil(max / step) * step : 5;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const plotW = width - left - right;
  const slot = plotW / Math.max(1, spec.categories.length);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(spec.title)}">`,
    `<title>${escapeHtml(spec.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" ${FONT} font-size="15" font-weight="bold" fill="#222">${escapeHtml(spec.title)}</text>`,
  ];
  if (spec.series.length > 1) {
    let x = left;
    spec.series.forEach((s, i) => {
      out.push(`<rect x="${x}" y="34" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
      out.push(`<text x="${x + 16}" y="44" ${FONT} font-size="12" fill="#333">${escapeHtml(clip(s.name, 28))}</text>`);
      x += 28 + Math.min(28, s.name.length) * 7;
    });
  }
  for (let t = 0; t <= yMax + step / 2; t += step) {
    const ty = y(t).toFixed(1);
    out.push(`<line x1="${left}" x2="${width - right}" y1="${ty}" y2="${ty}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${left - 6}" y="${ty}" dy="4" text-anchor="end" ${FONT} font-size="11" fill="#555">${short(t)}</text>`);
  }
  out.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" ${FONT} font-size="12" fill="#333">${escapeHtml(spec.yLabel)}</text>`);
  spec.categories.forEach((cat, c) => {
    const cx = left + slot * c + slot / 2;
    const x0 = cx - (nSeries * barW) / 2;
    spec.series.forEach((s, i) => {
      const v = s.values[c];
      const bx = (x0 + i * barW + 2).toFixed(1);
      const bw = (barW - 4).toFixed(1);
      const mid = (x0 + i * barW + barW / 2).toFixed(1);
      if (v === null || v === undefined || !Number.isFinite(v)) {
        out.push(`<text x="${mid}" y="${top + plotH - 4}" text-anchor="middle" ${FONT} font-size="10" fill="#999">n/a</text>`);
        return;
      }
      const by = y(v);
      out.push(`<rect x="${bx}" y="${by.toFixed(1)}" width="${bw}" height="${(top + plotH - by).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${escapeHtml(`${cat.label} · ${s.name}: ${short(v)}`)}</title></rect>`);
      out.push(`<text x="${mid}" y="${(by - 4).toFixed(1)}" text-anchor="middle" ${FONT} font-size="10" fill="#333">${short(v)}</text>`);
    });
    const maxChars = Math.max(8, Math.floor(slot / 7));
    out.push(`<text x="${cx.toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle" ${FONT} font-size="12" fill="#222">${escapeHtml(clip(cat.label, maxChars))}</text>`);
    if (cat.sublabel) {
      out.push(`<text x="${cx.toFixed(1)}" y="${top + plotH + 34}" text-anchor="middle" ${FONT} font-size="10" fill="#666">${escapeHtml(clip(cat.sublabel, maxChars + 2))}</text>`);
    }
  });
  out.push(`<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#888"/>`, '</svg>');
  return out.join('\n');
}
