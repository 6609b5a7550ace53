// Synthetic MathVista testmini rows in AI4Math/MathVista's schema (../shared/spec/datasets.md §1.6):
// geometry figures, charts, a table, a ruler, a timeline and counting scenes whose answers follow from
// what is drawn. The mix covers what the official scoring distinguishes: multiple-choice (2, 4 and 5
// choices, units inside the choices, a Chinese question), integers (two with a unit), floats with
// precision 1 and 2, and a list. `query` is built the way the real column is (hint, question,
// " (Unit: …)", lettered choices, stripped), so the prompt and the judge see what they would see.

import { imageFeature, sequenceFeature, valueFeature } from '../../src/data/write-parquet.ts';
import type { Features } from '../../src/data/write-parquet.ts';
import { anglesTriangle, circleWithRadius, rightTriangle } from './mmmu.ts';
import type { SampleSet } from './sample-set.ts';
import { circle, line, polygon, polyline, rect, regularPoints, renderPng, svg, text } from './svg.ts';
import type { Point } from './svg.ts';

const W = 400;
const H = 300;
const INK = '#1a1a1a';
const FILL = '#dbe8f7'; // the MMMU sample's figures' colours, whose helpers this reuses

type AnswerType = 'text' | 'integer' | 'float' | 'list';

interface Item {
  question: string;
  choices?: string[];
  answer: string;
  answerType: AnswerType;
  precision?: number;
  unit?: string;
  body: string[];
  task: string;
  skills: string[];
  context: string;
  grade: string;
  language?: string;
}

// The hints of the real `query` column, by question and answer type (lupantech/MathVista build_query.py).
const HINTS = {
  choice: 'Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.',
  integer: 'Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.',
  float1: 'Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.',
  float2: 'Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.',
  list: 'Hint: Please answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.',
};

function query(item: Item): string {
  const hint = item.choices
    ? HINTS.choice
    : item.answerType === 'float'
      ? item.precision === 1 ? HINTS.float1 : HINTS.float2
      : item.answerType === 'list' ? HINTS.list : HINTS.integer;
  let q = `${hint}\nQuestion: ${item.question}`;
  if (item.unit) q += ` (Unit: ${item.unit})`;
  if (item.choices) q += `\nChoices:\n${item.choices.map((c, i) => `(${String.fromCharCode(65 + i)}) ${c}`).join('\n')}`;
  return q.trim();
}

const label = (x: number, y: number, s: string, size = 18) => text(x, y, s, { size, anchor: 'middle', weight: 'bold' });

function bars(title: string, data: Array<[string, number]>, max: number, colour = '#3b75af'): string[] {
  const top = 50;
  const bottom = 250;
  const body = [text(W / 2, 28, title, { size: 16, anchor: 'middle', weight: 'bold' }), line([40, bottom], [380, bottom], INK, 1.5)];
  const slot = 340 / data.length;
  data.forEach(([name, v], i) => {
    const cx = 40 + slot * (i + 0.5);
    const h = (v / max) * (bottom - top);
    body.push(rect(cx - 22, bottom - h, 44, h, colour), label(cx, bottom - h - 8, String(v), 14), text(cx, bottom + 20, name, { size: 14, anchor: 'middle' }));
  });
  return body;
}

function lineChart(title: string, data: Array<[string, number]>, max: number): string[] {
  const top = 50;
  const bottom = 250;
  const body = [text(W / 2, 28, title, { size: 16, anchor: 'middle', weight: 'bold' }), line([40, bottom], [380, bottom], INK, 1.5)];
  const slot = 340 / data.length;
  const points: Point[] = data.map(([, v], i) => [40 + slot * (i + 0.5), bottom - (v / max) * (bottom - top)]);
  body.push(polyline(points, '#c0392b', 3));
  data.forEach(([name, v], i) => {
    const [x, y] = points[i];
    const below = i > 0 && v < data[i - 1][1];
    body.push(circle(x, y, 4.5, '#c0392b'), label(x, y + (below ? 22 : -10), String(v), 13), text(x, bottom + 20, name, { size: 13, anchor: 'middle' }));
  });
  return body;
}

function table(rows: Array<[string, string]>): string[] {
  const body: string[] = [];
  rows.forEach(([k, v], i) => {
    const y = 60 + i * 50;
    body.push(rect(70, y, 260, 50, i % 2 ? '#ffffff' : '#eef3f8', INK, 1.5), text(90, y + 32, k, { size: 18 }), text(310, y + 32, v, { size: 18, anchor: 'end', weight: 'bold' }));
  });
  return body;
}

const SHAPE_COLOURS: Record<string, string> = { red: '#d62728', blue: '#1f77b4', green: '#2ca02c', yellow: '#e6c229' };

function shapes(items: Array<[kind: 'circle' | 'square' | 'triangle', colour: string]>): string[] {
  return items.map(([kind, colour], i) => {
    const cx = 60 + (i % 4) * 95;
    const cy = 90 + Math.floor(i / 4) * 120;
    const fill = SHAPE_COLOURS[colour];
    if (kind === 'circle') return circle(cx, cy, 32, fill, INK, 1.5);
    if (kind === 'square') return rect(cx - 30, cy - 30, 60, 60, fill, INK, 1.5);
    return polygon(regularPoints(cx, cy + 6, 38, 3), fill, INK, 1.5);
  });
}

function ruler(length: number): string[] {
  const body = [rect(40, 170, 320, 50, '#f4e3b5', INK, 1.5), rect(60, 110, (length / 10) * 280, 26, '#e9b44c', INK, 1.5)];
  for (let cm = 0; cm <= 10; cm++) {
    const x = 60 + cm * 28;
    body.push(line([x, 170], [x, 188], INK, 1.5), text(x, 206, String(cm), { size: 12, anchor: 'middle' }));
  }
  body.push(line([60, 100], [60, 170], '#888888', 1, '4 3'), line([60 + length * 28, 100], [60 + length * 28, 170], '#888888', 1, '4 3'));
  return body;
}

function timeline(a: number, b: number): string[] {
  const x = (year: number) => 50 + ((year - 1990) / 30) * 300;
  const body = [line([40, 160], [360, 160], INK, 3)];
  for (let year = 1990; year <= 2020; year += 10) body.push(line([x(year), 152], [x(year), 168], INK, 2), text(x(year), 190, String(year), { size: 13, anchor: 'middle' }));
  body.push(circle(x(a), 160, 8, '#d62728'), label(x(a), 130, String(a), 16), circle(x(b), 160, 8, '#1f77b4'), label(x(b), 130, String(b), 16));
  return body;
}

function slopeGraph(): string[] {
  const at = (x: number, y: number): Point => [60 + x * 45, 260 - (y + 1) * 25];
  const body = [line(at(-1, 0), at(7, 0), INK, 1.5), line(at(0, -1), at(0, 9), INK, 1.5)];
  body.push(polyline([at(-0.5, 0), at(3.5, 8)], '#c0392b', 2.5));
  body.push(circle(...at(0, 1), 4, INK), text(at(0, 1)[0] + 8, at(0, 1)[1] - 6, '(0, 1)', { size: 14, weight: 'bold' }));
  body.push(circle(...at(2, 5), 4, INK), text(at(2, 5)[0] + 8, at(2, 5)[1] - 6, '(2, 5)', { size: 14, weight: 'bold' }));
  return body;
}

const FQA = 'figure question answering';
const GPS = 'geometry problem solving';
const MWP = 'math word problem';
const TQA = 'textbook question answering';
const VQA = 'visual question answering';

const ITEMS: Item[] = [
  {
    question: 'Find the measure of angle x.', choices: ['60°', '70°', '80°', '90°'], answer: '70°', answerType: 'text',
    body: anglesTriangle(), task: GPS, skills: ['geometry reasoning', 'algebraic reasoning'], context: 'geometry diagram', grade: 'high school',
  },
  {
    question: 'Which city has the highest rainfall?', choices: ['Oslo', 'Lima', 'Rome', 'Cairo'], answer: 'Rome', answerType: 'text',
    body: bars('Monthly rainfall (mm)', [['Oslo', 62], ['Lima', 15], ['Rome', 71], ['Cairo', 9]], 80), task: FQA, skills: ['statistical reasoning'], context: 'bar chart', grade: 'not applicable',
  },
  {
    question: 'Is the bar for 2022 taller than the bar for 2021?', choices: ['Yes', 'No'], answer: 'Yes', answerType: 'text',
    body: bars('Bikes sold (thousands)', [['2020', 12], ['2021', 18], ['2022', 23]], 30, '#519e3e'), task: FQA, skills: ['statistical reasoning'], context: 'bar chart', grade: 'not applicable',
  },
  {
    question: 'What is the area of the circle? Use 3.14 for π.', choices: ['9.42', '18.84', '28.26', '113.04', '6'], answer: '28.26', answerType: 'text',
    body: circleWithRadius('r = 3', 80), task: GPS, skills: ['geometry reasoning', 'arithmetic reasoning'], context: 'geometry diagram', grade: 'elementary school',
  },
  {
    question: 'What is the perimeter of the rectangle?', choices: ['11cm', '22cm', '28cm', '14cm'], answer: '22cm', answerType: 'text',
    body: [rect(60, 80, 280, 160, FILL, INK, 2), label(200, 68, '7 cm'), label(370, 166, '4 cm')], task: GPS, skills: ['geometry reasoning', 'arithmetic reasoning'], context: 'geometry diagram', grade: 'elementary school',
  },
  {
    question: '如图，直角三角形的两条直角边分别为6和8，则斜边的长为（）', choices: ['10', '12', '14', '48'], answer: '10', answerType: 'text',
    body: rightTriangle('8', '6'), task: GPS, skills: ['geometry reasoning', 'algebraic reasoning'], context: 'geometry diagram', grade: 'high school', language: 'chinese',
  },
  {
    question: 'What is the slope of the line?', choices: ['1/2', '1', '2', '3'], answer: '2', answerType: 'text',
    body: slopeGraph(), task: TQA, skills: ['algebraic reasoning'], context: 'function plot', grade: 'high school',
  },
  {
    question: 'How many circles are there?', answer: '5', answerType: 'integer',
    body: shapes([['circle', 'red'], ['square', 'blue'], ['circle', 'green'], ['circle', 'yellow'], ['triangle', 'red'], ['circle', 'blue'], ['circle', 'red'], ['square', 'green']]),
    task: VQA, skills: ['arithmetic reasoning'], context: 'synthetic scene', grade: 'elementary school',
  },
  {
    question: 'Subtract all red objects. How many objects are left?', answer: '4', answerType: 'integer',
    body: shapes([['square', 'red'], ['circle', 'blue'], ['triangle', 'green'], ['circle', 'red'], ['square', 'yellow'], ['triangle', 'red'], ['circle', 'green']]),
    task: VQA, skills: ['arithmetic reasoning'], context: 'synthetic scene', grade: 'elementary school',
  },
  {
    question: 'How long is the bar?', unit: 'cm', answer: '7', answerType: 'integer',
    body: ruler(7), task: VQA, skills: ['numeric commonsense', 'arithmetic reasoning'], context: 'abstract scene', grade: 'elementary school',
  },
  {
    question: 'How many years passed between the two marked events on the timeline?', unit: 'years', answer: '13', answerType: 'integer',
    body: timeline(1998, 2011), task: FQA, skills: ['arithmetic reasoning'], context: 'abstract scene', grade: 'elementary school',
  },
  {
    question: 'What is the sum of the two values in the table?', answer: '83', answerType: 'integer',
    body: table([['Team A', '45'], ['Team B', '38']]), task: MWP, skills: ['arithmetic reasoning'], context: 'table', grade: 'elementary school',
  },
  {
    question: 'What is the average of the four values shown in the chart?', answer: '3.7', answerType: 'float', precision: 1,
    body: bars('Rainfall per week (cm)', [['W1', 2.4], ['W2', 3.1], ['W3', 4], ['W4', 5.3]], 6, '#8e6bb8'), task: FQA, skills: ['statistical reasoning', 'arithmetic reasoning'], context: 'bar chart', grade: 'high school',
  },
  {
    question: 'How much money does Mia need to buy a notebook and a pen?', unit: '$', answer: '3.45', answerType: 'float', precision: 2,
    body: table([['notebook', '$2.35'], ['pen', '$1.10'], ['ruler', '$0.85']]), task: MWP, skills: ['arithmetic reasoning'], context: 'table', grade: 'elementary school',
  },
  {
    question: 'What is the area of the circle? Use 3.14 for π.', answer: '7.07', answerType: 'float', precision: 2,
    body: circleWithRadius('r = 1.5'), task: GPS, skills: ['geometry reasoning', 'arithmetic reasoning'], context: 'geometry diagram', grade: 'high school',
  },
  {
    question: 'Between which two years did the number of visitors increase the most?', answer: '[2020, 2021]', answerType: 'list',
    body: lineChart('Museum visitors (thousands)', [['2016', 120], ['2017', 135], ['2018', 150], ['2019', 170], ['2020', 60], ['2021', 95]], 200),
    task: FQA, skills: ['statistical reasoning'], context: 'line plot', grade: 'not applicable',
  },
];

const features: Features = {
  pid: valueFeature('string'),
  question: valueFeature('string'),
  image: valueFeature('string'),
  decoded_image: imageFeature(),
  choices: sequenceFeature(valueFeature('string')),
  unit: valueFeature('string'),
  precision: valueFeature('float64'),
  answer: valueFeature('string'),
  question_type: valueFeature('string'),
  answer_type: valueFeature('string'),
  metadata: {
    category: valueFeature('string'),
    context: valueFeature('string'),
    grade: valueFeature('string'),
    img_height: valueFeature('int64'),
    img_width: valueFeature('int64'),
    language: valueFeature('string'),
    skills: sequenceFeature(valueFeature('string')),
    source: valueFeature('string'),
    split: valueFeature('string'),
    task: valueFeature('string'),
  },
  query: valueFeature('string'),
};

export const mathvistaSamples: SampleSet = {
  suite: 'mathvista',
  repo: 'AI4Math/MathVista',
  file: 'data/testmini-00000-of-00001.parquet',
  features,
  async rows() {
    const rows: Array<Record<string, unknown>> = [];
    for (const [i, item] of ITEMS.entries()) {
      const pid = String(9001 + i);
      rows.push({
        pid,
        question: item.question,
        image: `images/${pid}.png`,
        decoded_image: { bytes: await renderPng(svg(W, H, item.body)), path: null },
        choices: item.choices ?? null,
        unit: item.unit ?? null,
        precision: item.precision ?? null,
        answer: item.answer,
        question_type: item.choices ? 'multi_choice' : 'free_form',
        answer_type: item.answerType,
        metadata: {
          category: item.choices ? 'math-targeted-vqa' : 'general-vqa',
          context: item.context,
          grade: item.grade,
          img_height: H,
          img_width: W,
          language: item.language ?? 'english',
          skills: item.skills,
          source: 'vlm-harness synthetic',
          split: 'testmini',
          task: item.task,
        },
        query: query(item),
      });
    }
    return rows;
  },
};
