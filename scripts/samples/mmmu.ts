// Synthetic MMMU Math validation rows in MMMU/MMMU's schema (../shared/spec/datasets.md §1.2):
// labelled geometry figures and graphs whose answers follow from the labels. `options` and
// `img_type` are Python list literals as in the real files; most rows are multiple-choice with a
// letter answer, three are open, and two use two images (<image 1>, <image 2>).

import { imageFeature, valueFeature } from '../../src/data/write-parquet.ts';
import type { Features } from '../../src/data/write-parquet.ts';
import type { SampleSet } from './sample-set.ts';
import { circle, line, path, polygon, polyline, rect, renderPng, svg, text } from './svg.ts';
import type { Point } from './svg.ts';

const W = 400;
const H = 300;
const INK = '#1a1a1a';
const FILL = '#dbe8f7';

/** Python's repr() of a list of str, as `str(['a', 'b'])` prints it. */
export function pyList(items: readonly string[]): string {
  const repr = (s: string) => {
    const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
    const body = s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`);
    return `${quote}${body}${quote}`;
  };
  return `[${items.map(repr).join(', ')}]`;
}

const figure = (body: string[]) => renderPng(svg(W, H, body));
const label = (x: number, y: number, s: string) => text(x, y, s, { size: 18, anchor: 'middle', weight: 'bold' });
const rightAngle = (x: number, y: number, dx: number, dy: number) =>
  polyline([[x + dx, y], [x + dx, y + dy], [x, y + dy]], INK, 1.5);

export function rightTriangle(horizontal: string, vertical: string, hypotenuse?: string): string[] {
  const a: Point = [90, 240];
  const b: Point = [330, 240];
  const c: Point = [90, 60];
  return [
    polygon([a, b, c], FILL, INK),
    rightAngle(a[0], a[1], 16, -16),
    label(210, 268, horizontal),
    label(66, 156, vertical),
    ...(hypotenuse ? [label(226, 140, hypotenuse)] : []),
  ];
}

export function circleWithRadius(radiusLabel: string, r = 110): string[] {
  return [
    circle(200, 150, r, FILL, INK),
    circle(200, 150, 3.5, INK),
    line([200, 150], [200 + r, 150], INK, 2),
    label(200 + r / 2, 140, radiusLabel),
  ];
}

export function squareFigure(side: string): string[] {
  return [rect(120, 70, 160, 160, FILL, INK, 2), label(200, 258, side), label(98, 156, side), rightAngle(120, 230, 14, -14)];
}

/** Axes with a unit grid over [x0, x1] × [y0, y1], and a mapper from plot to pixel coordinates. */
function axes(x0: number, x1: number, y0: number, y1: number): { body: string[]; at: (x: number, y: number) => Point } {
  const left = 50;
  const right = W - 30;
  const top = 25;
  const bottom = H - 35;
  const at = (x: number, y: number): Point => [
    left + ((x - x0) / (x1 - x0)) * (right - left),
    bottom - ((y - y0) / (y1 - y0)) * (bottom - top),
  ];
  const body: string[] = [];
  for (let x = x0; x <= x1; x++) {
    body.push(line(at(x, y0), at(x, y1), '#d0d0d0', 1));
    if (x !== 0) body.push(text(at(x, 0)[0], at(x, 0)[1] + 16, String(x), { size: 12, anchor: 'middle', fill: '#444444' }));
  }
  for (let y = y0; y <= y1; y++) {
    body.push(line(at(x0, y), at(x1, y), '#d0d0d0', 1));
    if (y !== 0) body.push(text(at(0, y)[0] - 8, at(0, y)[1] + 4, String(y), { size: 12, anchor: 'end', fill: '#444444' }));
  }
  body.push(line(at(x0, 0), at(x1, 0), INK, 1.5), line(at(0, y0), at(0, y1), INK, 1.5));
  body.push(text(at(x1, 0)[0] - 4, at(x1, 0)[1] - 6, 'x', { size: 14, anchor: 'end', italic: true }));
  body.push(text(at(0, y1)[0] + 8, at(0, y1)[1] + 12, 'y', { size: 14, italic: true }));
  return { body, at };
}

function graph(x0: number, x1: number, y0: number, y1: number, f: (x: number) => number, marks: Array<[number, number, string?]>): string[] {
  const { body, at } = axes(x0, x1, y0, y1);
  const points: Point[] = [];
  for (let i = 0; i <= 120; i++) {
    const x = x0 + ((x1 - x0) * i) / 120;
    const y = f(x);
    if (y >= y0 && y <= y1) points.push(at(x, y));
  }
  body.push(polyline(points, '#c0392b', 2.5));
  for (const [x, y, caption] of marks) {
    const [px, py] = at(x, y);
    body.push(circle(px, py, 4, INK));
    if (caption) body.push(text(px + 8, py - 8, caption, { size: 14, weight: 'bold' }));
  }
  return body;
}

interface Item {
  question: string;
  options: string[];
  answer: string;
  figures: string[][];
  imgType: string;
  difficulty: 'Easy' | 'Medium' | 'Hard';
  subfield: string;
}

const ITEMS: Item[] = [
  {
    question: 'What is the area of the right triangle shown in <image 1>?',
    options: ['14', '24', '48', '10'], answer: 'B',
    figures: [rightTriangle('8', '6')],
    imgType: 'Geometric Shapes', difficulty: 'Easy', subfield: 'Geometry',
  },
  {
    question: 'In <image 1>, what is the length of the hypotenuse c?',
    options: ['5', '6', '7', '12'], answer: 'A',
    figures: [rightTriangle('4', '3', 'c')],
    imgType: 'Geometric Shapes', difficulty: 'Easy', subfield: 'Geometry',
  },
  {
    question: 'What is the circumference of the circle in <image 1>? Use 3.14 for π.',
    options: ['15.7', '31.4', '78.5', '10'], answer: 'B',
    figures: [circleWithRadius('r = 5')],
    imgType: 'Geometric Shapes', difficulty: 'Easy', subfield: 'Geometry',
  },
  {
    question: 'What is the area of the circle in <image 1>? Use 3.14 for π.',
    options: ['9.42', '18.84', '28.26', '113.04'], answer: 'C',
    figures: [circleWithRadius('r = 3', 80)],
    imgType: 'Geometric Shapes', difficulty: 'Medium', subfield: 'Geometry',
  },
  {
    question: 'What is the slope of the line graphed in <image 1>?',
    options: ['1', '2', '3', '1/2'], answer: 'B',
    figures: [graph(-1, 6, -1, 8, (x) => 2 * x + 1, [[0, 1, '(0, 1)'], [2, 5, '(2, 5)']])],
    imgType: 'Plots and Charts', difficulty: 'Easy', subfield: 'Calculus',
  },
  {
    question: 'What is the perimeter of the rectangle in <image 1>?',
    options: ['11 cm', '22 cm', '28 cm', '14 cm'], answer: 'B',
    figures: [[rect(60, 80, 280, 160, FILL, INK, 2), label(200, 68, '7 cm'), label(370, 166, '4 cm')]],
    imgType: 'Geometric Shapes', difficulty: 'Easy', subfield: 'Geometry',
  },
  {
    question: 'What is the measure of angle x in <image 1>?',
    options: ['60°', '70°', '80°', '90°'], answer: 'B',
    figures: [anglesTriangle()],
    imgType: 'Geometric Shapes', difficulty: 'Easy', subfield: 'Geometry',
  },
  {
    question: 'The figure in <image 1> is a square. What is its area?',
    options: [], answer: '81',
    figures: [squareFigure('9')],
    imgType: 'Geometric Shapes', difficulty: 'Easy', subfield: 'Geometry',
  },
  {
    question: 'Which figure has the larger area: the circle in <image 1> or the square in <image 2>?',
    options: ['The circle', 'The square', 'They are equal', 'It cannot be determined'], answer: 'B',
    figures: [circleWithRadius('r = 2', 70), squareFigure('4')],
    imgType: 'Geometric Shapes', difficulty: 'Medium', subfield: 'Geometry',
  },
  {
    question: 'What is the mean of the four values shown in <image 1>?',
    options: ['4', '5', '6', '20'], answer: 'B',
    figures: [valueBars([['A', 2], ['B', 4], ['C', 6], ['D', 8]])],
    imgType: 'Plots and Charts', difficulty: 'Easy', subfield: 'Probability and Statistics',
  },
  {
    question: 'What is the y-intercept of the line graphed in <image 1>?',
    options: [], answer: '4',
    figures: [graph(-1, 6, -2, 6, (x) => 4 - x, [[0, 4], [4, 0]])],
    imgType: 'Plots and Charts', difficulty: 'Easy', subfield: 'Calculus',
  },
  {
    question: 'What is the area of the parallelogram in <image 1>?',
    options: ['13', '26', '30', '60'], answer: 'C',
    figures: [parallelogram()],
    imgType: 'Geometric Shapes', difficulty: 'Medium', subfield: 'Geometry',
  },
  {
    question: 'What is the perimeter of the isosceles triangle in <image 1>?',
    options: ['11', '15', '16', '30'], answer: 'C',
    figures: [[polygon([[80, 240], [320, 240], [200, 80]], FILL, INK), label(200, 268, '6'), label(122, 152, '5'), label(278, 152, '5')]],
    imgType: 'Geometric Shapes', difficulty: 'Easy', subfield: 'Geometry',
  },
  {
    question: 'The triangles in <image 1> and <image 2> are similar. What is the scale factor from the triangle in <image 1> to the triangle in <image 2>?',
    options: [], answer: '2',
    figures: [rightTriangle('4', '3', '5'), rightTriangle('8', '6', '10')],
    imgType: 'Geometric Shapes', difficulty: 'Medium', subfield: 'Geometry',
  },
  {
    question: 'How many x-intercepts does the graph in <image 1> have?',
    options: ['0', '1', '2', '3'], answer: 'C',
    figures: [graph(-4, 4, -5, 6, (x) => x * x - 4, [])],
    imgType: 'Plots and Charts', difficulty: 'Medium', subfield: 'Calculus',
  },
];

/** An arc of radius r around `center` from angle `from` to `to` (degrees, counter-clockwise, 0 = right). */
function arc(center: Point, r: number, from: number, to: number): string {
  const at = (deg: number) => {
    const rad = (deg * Math.PI) / 180;
    return `${Math.round((center[0] + r * Math.cos(rad)) * 10) / 10} ${Math.round((center[1] - r * Math.sin(rad)) * 10) / 10}`;
  };
  return path(`M ${at(from)} A ${r} ${r} 0 0 0 ${at(to)}`, INK, 1.5);
}

/** A triangle with base angles 50° and 60° drawn to scale; the apex angle x is 70°. */
export function anglesTriangle(): string[] {
  const base = 260;
  const t50 = Math.tan((50 * Math.PI) / 180);
  const t60 = Math.tan((60 * Math.PI) / 180);
  const apexX = (base * t60) / (t50 + t60);
  const a: Point = [70, 250];
  const b: Point = [70 + base, 250];
  const c: Point = [70 + apexX, 250 - apexX * t50];
  return [
    polygon([a, b, c], FILL, INK),
    arc(a, 34, 0, 50),
    arc(b, 30, 120, 180),
    text(a[0] + 44, a[1] - 10, '50°', { size: 16, weight: 'bold' }),
    text(b[0] - 42, b[1] - 10, '60°', { size: 16, weight: 'bold', anchor: 'end' }),
    text(c[0], c[1] + 40, 'x', { size: 20, weight: 'bold', anchor: 'middle', italic: true }),
  ];
}

function parallelogram(): string[] {
  return [
    polygon([[70, 230], [290, 230], [340, 120], [120, 120]], FILL, INK),
    line([120, 120], [120, 230], INK, 1.5, '6 4'),
    rightAngle(120, 230, 12, -12),
    label(180, 258, '10'),
    label(134, 182, '3'),
  ];
}

function valueBars(bars: Array<[string, number]>): string[] {
  const body = [line([60, 250], [360, 250], INK, 1.5)];
  bars.forEach(([name, v], i) => {
    const x = 80 + i * 72;
    const h = v * 22;
    body.push(rect(x, 250 - h, 44, h, '#4a78b5'), label(x + 22, 244 - h, String(v)), text(x + 22, 272, name, { size: 16, anchor: 'middle' }));
  });
  return body;
}

const IMAGE_COLUMNS = ['image_1', 'image_2', 'image_3', 'image_4', 'image_5', 'image_6', 'image_7'] as const;

const features: Features = {
  id: valueFeature('string'),
  question: valueFeature('string'),
  options: valueFeature('string'),
  explanation: valueFeature('string'),
  ...Object.fromEntries(IMAGE_COLUMNS.map((c) => [c, imageFeature()])),
  img_type: valueFeature('string'),
  answer: valueFeature('string'),
  topic_difficulty: valueFeature('string'),
  question_type: valueFeature('string'),
  subfield: valueFeature('string'),
};

export const mmmuSamples: SampleSet = {
  suite: 'mmmu',
  repo: 'MMMU/MMMU',
  file: 'Math/validation-00000-of-00001.parquet',
  features,
  async rows() {
    const rows: Array<Record<string, unknown>> = [];
    for (const [i, item] of ITEMS.entries()) {
      const images = await Promise.all(item.figures.map((body) => figure(body)));
      rows.push({
        id: `validation_Math_${i + 1}`,
        question: item.question,
        options: pyList(item.options),
        explanation: '',
        ...Object.fromEntries(IMAGE_COLUMNS.map((c, k) => [c, images[k] ? { bytes: images[k], path: null } : null])),
        img_type: pyList([item.imgType]),
        answer: item.answer,
        topic_difficulty: item.difficulty,
        question_type: item.options.length ? 'multiple-choice' : 'open',
        subfield: item.subfield,
      });
    }
    return rows;
  },
};
