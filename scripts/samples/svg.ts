// SVG building blocks for the bundled sample images, rendered by sharp (librsvg). Everything is
// computed from fixed inputs and rounded before it is written, so the same code gives the same
// bytes on the same sharp/libvips build and fonts. Text uses the generic `sans-serif` family, so
// another machine's fonts may change the pixels but not what the image shows.

import sharp from 'sharp';

export type Point = readonly [number, number];

export interface TextStyle {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
  fill?: string;
  italic?: boolean;
}

/** Escapes text for use inside SVG elements and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

const n = (v: number): string => String(Math.round(v * 10) / 10);

export function svg(width: number, height: number, body: readonly string[], background = '#ffffff'): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="${background}"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

export function text(x: number, y: number, content: string, style: TextStyle = {}): string {
  const { size = 14, anchor = 'start', weight = 'normal', fill = '#111111', italic = false } = style;
  return (
    `<text x="${n(x)}" y="${n(y)}" font-family="sans-serif" font-size="${size}" font-weight="${weight}"` +
    `${italic ? ' font-style="italic"' : ''} text-anchor="${anchor}" fill="${fill}">${escapeXml(content)}</text>`
  );
}

export function rect(x: number, y: number, width: number, height: number, fill: string, stroke?: string, strokeWidth = 1): string {
  const outline = stroke ? ` stroke="${stroke}" stroke-width="${strokeWidth}"` : '';
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" fill="${fill}"${outline}/>`;
}

export function circle(cx: number, cy: number, r: number, fill: string, stroke?: string, strokeWidth = 2): string {
  const outline = stroke ? ` stroke="${stroke}" stroke-width="${strokeWidth}"` : '';
  return `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="${fill}"${outline}/>`;
}

export function ellipse(cx: number, cy: number, rx: number, ry: number, fill: string): string {
  return `<ellipse cx="${n(cx)}" cy="${n(cy)}" rx="${n(rx)}" ry="${n(ry)}" fill="${fill}"/>`;
}

export function line(a: Point, b: Point, stroke = '#111111', width = 2, dash?: string): string {
  const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
  return `<line x1="${n(a[0])}" y1="${n(a[1])}" x2="${n(b[0])}" y2="${n(b[1])}" stroke="${stroke}" stroke-width="${width}"${dashed}/>`;
}

export function polygon(points: readonly Point[], fill: string, stroke?: string, strokeWidth = 2): string {
  const outline = stroke ? ` stroke="${stroke}" stroke-width="${strokeWidth}" stroke-linejoin="round"` : '';
  return `<polygon points="${points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="${fill}"${outline}/>`;
}

export function polyline(points: readonly Point[], stroke: string, width = 2): string {
  return `<polyline points="${points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="none" stroke="${stroke}" stroke-width="${width}" stroke-linejoin="round"/>`;
}

/** A path given as SVG path data (for curves); numbers in `d` should already be rounded. */
export function path(d: string, stroke: string, width = 2, fill = 'none'): string {
  return `<path d="${d}" fill="${fill}" stroke="${stroke}" stroke-width="${width}"/>`;
}

/** Vertices of a regular polygon (or star when `inner` is given) centred at (cx, cy), first vertex up. */
export function regularPoints(cx: number, cy: number, r: number, sides: number, inner?: number): Point[] {
  const points: Point[] = [];
  const count = inner === undefined ? sides : sides * 2;
  for (let i = 0; i < count; i++) {
    const radius = inner !== undefined && i % 2 === 1 ? inner : r;
    const angle = -Math.PI / 2 + (i * 2 * Math.PI) / count;
    points.push([cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)]);
  }
  return points;
}

/** PNG with a small palette and maximum compression: charts, documents and figures are flat colours. */
export async function renderPng(source: string): Promise<Uint8Array> {
  const png = await sharp(Buffer.from(source))
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 9, palette: true, colours: 64, dither: 0, effort: 10 })
    .toBuffer();
  return new Uint8Array(png);
}

/** JPEG, as the COCO photos behind VQAv2 and COCO Captions are. */
export async function renderJpeg(source: string, quality = 85): Promise<Uint8Array> {
  const jpeg = await sharp(Buffer.from(source)).flatten({ background: '#ffffff' }).jpeg({ quality }).toBuffer();
  return new Uint8Array(jpeg);
}
