// Synthetic AI2D test rows in lmms-lab ai2d's schema (lmms-eval tasks/ai2d/upload_ai2d.py:
// `question` str, `options` Sequence(str), `answer` str holding the 0-based index of the right
// option, `image` Image): grade-school science diagrams (a food chain, a life cycle, the Earth's
// layers, the parts of a plant, moon phases, the water cycle), two questions each, answered from
// what the diagram shows or labels, as AI2D's are.

import { imageFeature, sequenceFeature, valueFeature } from '../../src/data/write-parquet.ts';
import type { SampleSet } from './sample-set.ts';
import { circle, ellipse, line, path, polygon, rect, renderPng, svg, text } from './svg.ts';
import type { Point } from './svg.ts';

const W = 600;
const H = 360;
const INK = '#1a1a1a';

interface Question {
  question: string;
  options: string[];
  /** Index of the right option. */
  answer: number;
}

interface Diagram {
  body: string[];
  questions: [Question, Question];
}

const label = (x: number, y: number, s: string, size = 15) => text(x, y, s, { size, anchor: 'middle', weight: 'bold' });

/** An arrow from a to b with a filled head. */
function arrow(a: Point, b: Point, colour = INK): string[] {
  const angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
  const head = (da: number): Point => [b[0] - 12 * Math.cos(angle + da), b[1] - 12 * Math.sin(angle + da)];
  return [line(a, b, colour, 2.5), polygon([b, head(0.45), head(-0.45)], colour)];
}

function foodChain(): Diagram {
  const names = ['grass', 'grasshopper', 'frog', 'snake', 'hawk'];
  const body = [label(W / 2, 36, 'A food chain', 20)];
  names.forEach((name, i) => {
    const x = 14 + i * 118;
    body.push(rect(x, 150, 96, 56, i === 0 ? '#cfe8c4' : '#f3e3c3', INK, 2), label(x + 48, 184, name, 13));
    if (i > 0) body.push(...arrow([x - 20, 178], [x - 3, 178]));
  });
  body.push(text(W / 2, 300, 'Arrows point from the food to the eater.', { size: 14, anchor: 'middle', italic: true }));
  return {
    body,
    questions: [
      { question: 'Which organism is a producer in this food chain?', options: ['frog', 'grass', 'hawk', 'snake'], answer: 1 },
      { question: 'What does the frog eat?', options: ['grass', 'snake', 'grasshopper', 'hawk'], answer: 2 },
    ],
  };
}

function lifeCycle(): Diagram {
  const stages: Array<[string, string, Point]> = [
    ['A', 'egg', [260, 80]],
    ['B', 'larva', [420, 190]],
    ['C', 'pupa', [260, 300]],
    ['D', 'adult', [100, 190]],
  ];
  const body = [label(W / 2, 30, 'Life cycle of a butterfly', 20)];
  stages.forEach(([letter, name, [x, y]], i) => {
    body.push(circle(x, y, 34, '#fdf0c8', INK), label(x, y - 2, letter, 18), text(x, y + 18, name, { size: 12, anchor: 'middle' }));
    const [nx, ny] = stages[(i + 1) % stages.length][2];
    const dx = nx - x;
    const dy = ny - y;
    const d = Math.hypot(dx, dy);
    body.push(...arrow([x + (dx / d) * 40, y + (dy / d) * 40], [nx - (dx / d) * 40, ny - (dy / d) * 40]));
  });
  return {
    body,
    questions: [
      { question: 'Which stage comes after the larva?', options: ['egg', 'adult', 'pupa', 'larva'], answer: 2 },
      { question: 'How many stages are shown in the life cycle?', options: ['2', '3', '4', '5'], answer: 2 },
    ],
  };
}

function earthLayers(): Diagram {
  const layers: Array<[string, number, string]> = [
    ['crust', 150, '#8d6e4f'],
    ['mantle', 140, '#e07b39'],
    ['outer core', 85, '#f2b134'],
    ['inner core', 40, '#fbe38e'],
  ];
  const body = [label(W / 2, 28, 'Layers of the Earth', 20)];
  for (const [, r, fill] of layers) body.push(circle(200, 195, r, fill, INK, 1.5));
  layers.forEach(([name, r], i) => {
    const y = 80 + i * 60;
    body.push(line([200 + r * 0.7, 195 - r * 0.7 + (i === 3 ? 28 : 0)], [380, y], INK, 1.5), text(388, y + 5, name, { size: 15, weight: 'bold' }));
  });
  return {
    body,
    questions: [
      { question: 'Which layer is at the center of the Earth?', options: ['crust', 'mantle', 'inner core', 'outer core'], answer: 2 },
      { question: 'Which layer lies between the crust and the outer core?', options: ['mantle', 'inner core', 'crust', 'atmosphere'], answer: 0 },
    ],
  };
}

function plantParts(): Diagram {
  const body = [
    label(W / 2, 28, 'Parts of a plant', 20),
    line([260, 300], [260, 120], '#3f8f3a', 6),
    ellipse(215, 210, 42, 16, '#5cb85c'),
    ellipse(305, 180, 42, 16, '#5cb85c'),
    circle(260, 100, 26, '#f06292', INK, 1.5),
    circle(260, 100, 9, '#ffd54f'),
    rect(150, 300, 220, 6, '#8d6e4f'),
    path('M 260 306 L 230 345 M 260 306 L 260 350 M 260 306 L 292 344', '#8d6e4f', 3),
  ];
  const callouts: Array<[string, Point, Point]> = [
    ['A', [280, 92], [420, 80]],
    ['B', [330, 180], [420, 160]],
    ['C', [262, 250], [420, 240]],
    ['D', [280, 330], [420, 320]],
  ];
  for (const [letter, from, to] of callouts) body.push(line(from, to, INK, 1.5), label(to[0] + 14, to[1] + 6, letter, 18));
  return {
    body,
    questions: [
      { question: 'Which label points to the roots?', options: ['A', 'B', 'C', 'D'], answer: 3 },
      { question: 'Which part of the plant is labelled B?', options: ['flower', 'stem', 'leaf', 'root'], answer: 2 },
    ],
  };
}

function moonPhases(): Diagram {
  const phases: Array<[string, string]> = [
    ['new moon', 'M 0 0'],
    ['first quarter', 'right'],
    ['full moon', 'full'],
    ['last quarter', 'left'],
  ];
  const body = [label(W / 2, 40, 'Phases of the Moon', 20)];
  phases.forEach(([name, lit], i) => {
    const cx = 80 + i * 120;
    body.push(circle(cx, 170, 40, '#37474f', INK, 1.5));
    if (lit === 'full') body.push(circle(cx, 170, 40, '#fff59d', INK, 1.5));
    if (lit === 'right') body.push(path(`M ${cx} 130 A 40 40 0 0 1 ${cx} 210 Z`, INK, 1, '#fff59d'));
    if (lit === 'left') body.push(path(`M ${cx} 130 A 40 40 0 0 0 ${cx} 210 Z`, INK, 1, '#fff59d'));
    body.push(text(cx, 240, name, { size: 14, anchor: 'middle', weight: 'bold' }));
    if (i > 0) body.push(...arrow([cx - 74, 170], [cx - 46, 170]));
  });
  return {
    body,
    questions: [
      { question: 'Which phase shows the whole face of the moon lit?', options: ['new moon', 'first quarter', 'full moon', 'last quarter'], answer: 2 },
      { question: 'Which phase comes right after the new moon in the diagram?', options: ['full moon', 'first quarter', 'last quarter', 'new moon'], answer: 1 },
    ],
  };
}

function waterCycle(): Diagram {
  const body = [
    label(W / 2, 28, 'The water cycle', 20),
    circle(70, 80, 30, '#ffd54f', '#f9a825'),
    ellipse(330, 90, 90, 32, '#cfd8dc'),
    rect(0, 290, W, 70, '#64b5f6'),
    text(120, 330, 'sea', { size: 16, anchor: 'middle', weight: 'bold' }),
    ...arrow([150, 280], [250, 130], '#1565c0'),
    text(150, 200, 'evaporation', { size: 14, anchor: 'end', weight: 'bold' }),
    ...arrow([400, 130], [420, 275], '#1565c0'),
    text(428, 210, 'precipitation', { size: 14, weight: 'bold' }),
    text(330, 96, 'condensation', { size: 14, anchor: 'middle', weight: 'bold' }),
  ];
  return {
    body,
    questions: [
      { question: 'What process moves water from the sea up to the clouds?', options: ['precipitation', 'evaporation', 'runoff', 'freezing'], answer: 1 },
      { question: 'Which process brings water from the clouds back down?', options: ['evaporation', 'condensation', 'precipitation', 'transpiration'], answer: 2 },
    ],
  };
}

const DIAGRAMS = [foodChain, lifeCycle, earthLayers, plantParts, moonPhases, waterCycle];

export const ai2dSamples: SampleSet = {
  suite: 'ai2d',
  repo: 'lmms-lab/ai2d',
  file: 'data/test-00000-of-00001.parquet',
  features: { question: valueFeature('string'), options: sequenceFeature(valueFeature('string')), answer: valueFeature('string'), image: imageFeature() },
  async rows() {
    const rows: Array<Record<string, unknown>> = [];
    for (const make of DIAGRAMS) {
      const diagram = make();
      const bytes = await renderPng(svg(W, H, diagram.body));
      for (const q of diagram.questions) rows.push({ question: q.question, options: q.options, answer: String(q.answer), image: { bytes, path: null } });
    }
    return rows;
  },
};
