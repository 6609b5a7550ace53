// Line and scatter charts as standalone SVG text, for load curves (sweep.html, the sweep comparison)
// and their PNG copies in Markdown. Same conventions as the bar charts (charts-svg.ts): no fonts or
// scripts fetched, every label escaped, 1-2-5 axis ticks. The x axis may be log2 (concurrency
// doubles between points); error bars draw 95% intervals; vertical marks flag the knee and the
// max-goodput point.

import { clip, COLORS, FONT, LEGEND_FONT, LEGEND_ROW, legendLayout, niceStep, short, svgOpening } from './charts-svg.ts';
import { escapeHtml } from '../html-escape.ts';

export interface LinePoint {
  x: number;
  y: number;
  /** An interval drawn as an error bar. */
  low?: number;
  high?: number;
  /** Tooltip text. */
  title?: string;
}

export interface LineSeries {
  name: string;
  points: LinePoint[];
  dashed?: boolean;
  /** Markers only (a scatter); the points are still drawn in x order when false. */
  scatter?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** log2 x axis (positive x only). */
  xLog?: boolean;
  series: LineSeries[];
  /** Vertical marks at x, labelled at the top. */
  marks?: Array<{ x: number; label: string }>;
}

const W = 680;
const PLOT_H = 240;
const LEFT = 76;
const RIGHT = 20;
const BOTTOM = 54;

function ticksLinear(max: number): { ticks: number[]; top: number } {
  if (!(max > 0)) return { ticks: [0, 1, 2, 3, 4, 5], top: 5 };
  const step = niceStep(max, 5);
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { ticks, top };
}

export function lineChartSvg(spec: LineChartSpec): string {
  const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  const pts = spec.series.flatMap((s) => s.points).filter((p) => finite(p.x) && finite(p.y) && (!spec.xLog || p.x > 0));
  const legend = spec.series.length > 1 ? legendLayout(spec.series.map((x) => x.name), LEFT, W - RIGHT) : [];
  const legendRows = legend.length ? legend[legend.length - 1].row + 1 : 0;
  const top = 40 + legendRows * LEGEND_ROW;
  const height = top + PLOT_H + BOTTOM;
  const plotW = W - LEFT - RIGHT;
  const out = svgOpening({ title: spec.title, width: W, height, left: LEFT });
  legend.forEach((item, i) => {
    const y = 40 + item.row * LEGEND_ROW;
    out.push(`<line x1="${item.x.toFixed(1)}" x2="${(item.x + 12).toFixed(1)}" y1="${y}" y2="${y}" stroke="${COLORS[i % COLORS.length]}" stroke-width="2.5"${spec.series[i].dashed ? ' stroke-dasharray="4 2"' : ''}/>`);
    out.push(`<text x="${(item.x + 16).toFixed(1)}" y="${y + 4}" ${FONT} font-size="${LEGEND_FONT}" fill="#333">${escapeHtml(item.name)}</text>`);
  });
  if (pts.length === 0) {
    out.push(`<text x="${W / 2}" y="${top + PLOT_H / 2}" text-anchor="middle" ${FONT} font-size="13" fill="#999">no data</text>`, '</svg>');
    return out.join('\n');
  }
  const yMaxData = Math.max(...pts.map((p) => Math.max(p.y, finite(p.high) ? p.high : p.y)));
  const yAxis = ticksLinear(yMaxData);
  const y = (v: number) => top + PLOT_H - (Math.max(0, v) / yAxis.top) * PLOT_H;
  let x: (v: number) => number;
  let xTicks: number[];
  const xs = [...pts.map((p) => p.x), ...(spec.marks ?? []).map((m) => m.x).filter((v) => finite(v) && (!spec.xLog || v > 0))];
  if (spec.xLog) {
    const lo = Math.floor(Math.log2(Math.min(...xs)));
    const hi = Math.max(lo + 1, Math.ceil(Math.log2(Math.max(...xs))));
    x = (v) => LEFT + ((Math.log2(v) - lo) / (hi - lo)) * plotW;
    const every = Math.max(1, Math.ceil((hi - lo) / 10));
    xTicks = [];
    for (let e = lo; e <= hi; e += every) xTicks.push(2 ** e);
  } else {
    const axis = ticksLinear(Math.max(...xs));
    x = (v) => LEFT + (v / axis.top) * plotW;
    xTicks = axis.ticks;
  }
  for (const t of yAxis.ticks) {
    const ty = y(t).toFixed(1);
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${ty}" y2="${ty}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${LEFT - 6}" y="${ty}" dy="4" text-anchor="end" ${FONT} font-size="11" fill="#555">${short(t)}</text>`);
  }
  for (const t of xTicks) {
    const tx = x(t).toFixed(1);
    out.push(`<line x1="${tx}" x2="${tx}" y1="${top + PLOT_H}" y2="${top + PLOT_H + 5}" stroke="#888"/>`);
    out.push(`<text x="${tx}" y="${top + PLOT_H + 18}" text-anchor="middle" ${FONT} font-size="11" fill="#555">${short(t)}</text>`);
  }
  out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${top + PLOT_H}" y2="${top + PLOT_H}" stroke="#888"/>`);
  out.push(`<line x1="${LEFT}" x2="${LEFT}" y1="${top}" y2="${top + PLOT_H}" stroke="#888"/>`);
  out.push(`<text x="${LEFT + plotW / 2}" y="${top + PLOT_H + 40}" text-anchor="middle" ${FONT} font-size="12" fill="#333">${escapeHtml(spec.xLabel)}${spec.xLog ? ' (log scale)' : ''}</text>`);
  out.push(`<text transform="translate(18 ${top + PLOT_H / 2}) rotate(-90)" text-anchor="middle" ${FONT} font-size="12" fill="#333">${escapeHtml(spec.yLabel)}</text>`);
  (spec.marks ?? []).forEach((m, k) => {
    if (!finite(m.x) || (spec.xLog && m.x <= 0)) return;
    const mx = x(m.x).toFixed(1);
    out.push(`<line x1="${mx}" x2="${mx}" y1="${top}" y2="${top + PLOT_H}" stroke="#b8433b" stroke-dasharray="4 4"/>`);
    // one line lower per mark, so two marks at one x stay readable
    out.push(`<text x="${mx}" y="${top + 12 + 13 * k}" dx="4" ${FONT} font-size="11" fill="#b8433b">${escapeHtml(clip(m.label, 200, 11))}</text>`);
  });
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const sp = s.points.filter((p) => finite(p.x) && finite(p.y) && (!spec.xLog || p.x > 0)).sort((a, b) => a.x - b.x);
    if (sp.length > 1 && !s.scatter) {
      const d = sp.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
      out.push(`<polyline points="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    }
    for (const p of sp) {
      const px = x(p.x).toFixed(1);
      if (finite(p.low) && finite(p.high)) {
        const [y1, y2] = [y(p.low).toFixed(1), y(p.high).toFixed(1)];
        out.push(`<path d="M${px} ${y1}V${y2}M${Number(px) - 4} ${y1}h8M${Number(px) - 4} ${y2}h8" stroke="${color}" stroke-width="1.2" fill="none"/>`);
      }
      const tip = p.title ?? `${s.name}: ${short(p.y)} at ${short(p.x)}`;
      out.push(`<circle cx="${px}" cy="${y(p.y).toFixed(1)}" r="3.5" fill="${color}"><title>${escapeHtml(tip)}</title></circle>`);
    }
  });
  out.push('</svg>');
  return out.join('\n');
}
