// Grouped bar charts as standalone SVG text: inlined in comparison.html and rendered to PNG (sharp)
// for comparison.md, so both show the same picture. No fonts or scripts are fetched; every label is
// escaped. Axis ticks are the usual 1-2-5 "nice numbers" (Heckbert, Graphics Gems, 1990).

import { escapeHtml } from '../html-escape.ts';

export interface BarChartSpec {
  title: string;
  /** Axis title, e.g. `output tokens/s`. */
  yLabel: string;
  /** One group of bars per category; `sublabel` is a second line (GPU x count · dtype). */
  categories: Array<{ label: string; sublabel?: string }>;
  /** One bar per series in each group; null draws `n/a`. */
  series: Array<{ name: string; values: Array<number | null> }>;
}

export const COLORS = ['#3867b4', '#e07b39', '#3f9a6b', '#b8433b', '#7b5aa6', '#7f7f7f'];
export const FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

export function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

export function short(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e4) return `${(v / 1e3).toPrecision(3)}k`;
  return v >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

/**
 * Advance widths of printable ASCII (32..126) in DejaVu Sans, the first font the charts ask for, in
 * font units of 2048 per em (its hmtx table). Labels are laid out without a font engine, so their
 * widths are summed from these; any other character counts as 1 em (wider than most).
 */
const DEJAVU_SANS_ADVANCE = [
  651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303,
  1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532,
  1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260,
  721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303,
  1716,
];

/** The width `text` takes at `fontSize` px in DejaVu Sans (an upper bound for other characters). */
function textWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    units += c >= 32 && c <= 126 ? DEJAVU_SANS_ADVANCE[c - 32] : 2048;
  }
  return (units / 2048) * fontSize;
}

/** `text`, cut with an ellipsis to fit `maxPx` at `fontSize`. */
export function clip(text: string, maxPx: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= maxPx) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(`${chars.join('')}…`, fontSize) > maxPx) chars.pop();
  return `${chars.join('')}…`;
}

interface LegendItem {
  name: string;
  x: number;
  row: number;
}

export const LEGEND_FONT = 12;
export const LEGEND_ROW = 18;

/** Legend entries left to right (swatch, gap, label, gap), wrapping onto a new row when one is full. */
export function legendLayout(names: readonly string[], left: number, right: number): LegendItem[] {
  const items: LegendItem[] = [];
  let x = left;
  let row = 0;
  for (const full of names) {
    const name = clip(full, right - left - 16, LEGEND_FONT);
    const w = 16 + textWidth(name, LEGEND_FONT) + 14;
    if (x > left && x + w > right) {
      row++;
      x = left;
    }
    items.push({ name, x, row });
    x += w;
  }
  return items;
}

/** The opening of every chart: the svg element, its accessible title, a white ground, the visible title. */
export function svgOpening({ title, width, height, left }: { title: string; width: number; height: number; left: number }): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" ${FONT} font-size="15" font-weight="bold" fill="#222">${escapeHtml(title)}</text>`,
  ];
}

export function barChartSvg(spec: BarChartSpec): string {
  const nSeries = Math.max(1, spec.series.length);
  const barW = nSeries === 1 ? 44 : Math.max(14, Math.min(32, 96 / nSeries));
  const groupW = nSeries * barW + 36;
  const left = 72;
  const right = 16;
  const width = Math.max(480, left + right + spec.categories.length * groupW);
  const legend = spec.series.length > 1 ? legendLayout(spec.series.map((x) => x.name), left, width - right) : [];
  const legendRows = legend.length ? legend[legend.length - 1].row + 1 : 0;
  const top = 44 + legendRows * LEGEND_ROW;
  const plotH = 220;
  const bottom = 52;
  const height = top + plotH + bottom;
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const max = Math.max(0, ...values);
  const step = max > 0 ? niceStep(max, 5) : 1;
  const yMax = max > 0 ? Math.ceil(max / step) * step : 5;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const plotW = width - left - right;
  const slot = plotW / Math.max(1, spec.categories.length);
  const out = svgOpening({ title: spec.title, width, height, left });
  legend.forEach((item, i) => {
    const y = 34 + item.row * LEGEND_ROW;
    out.push(`<rect x="${item.x.toFixed(1)}" y="${y}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${(item.x + 16).toFixed(1)}" y="${y + 10}" ${FONT} font-size="${LEGEND_FONT}" fill="#333">${escapeHtml(item.name)}</text>`);
  });
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
    const room = Math.max(56, slot - 6);
    out.push(`<text x="${cx.toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle" ${FONT} font-size="12" fill="#222">${escapeHtml(clip(cat.label, room, 12))}</text>`);
    if (cat.sublabel) {
      out.push(`<text x="${cx.toFixed(1)}" y="${top + plotH + 34}" text-anchor="middle" ${FONT} font-size="10" fill="#666">${escapeHtml(clip(cat.sublabel, room, 10))}</text>`);
    }
  });
  out.push(`<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#888"/>`, '</svg>');
  return out.join('\n');
}
