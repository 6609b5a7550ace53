// Synthetic VQAv2 validation rows in lmms-lab VQAv2's schema (../shared/spec/datasets.md §1.1):
// shape scenes with two questions each (counts, colours, yes/no), ten annotator answers per
// question as in VQA (mostly the true answer, sometimes a synonym or one noisy annotator).

import { imageFeature, valueFeature } from '../../src/data/write-parquet.ts';
import type { SampleSet } from './sample-set.ts';
import { circle, polygon, rect, regularPoints, renderJpeg, svg } from './svg.ts';

const COLOURS = {
  red: '#e02020',
  blue: '#2050e0',
  green: '#20a040',
  yellow: '#f0d020',
  orange: '#f08020',
  purple: '#8030c0',
  black: '#111111',
  white: '#ffffff',
} as const;

type Colour = keyof typeof COLOURS;
type Shape = { kind: 'circle' | 'square' | 'triangle' | 'star'; colour: Colour; x: number; y: number; size: number };

interface Question {
  question: string;
  questionType: string;
  answerType: 'yes/no' | 'number' | 'other';
  /** Ten answers: `main` repeated, then the listed variants (each from one annotator). */
  main: string;
  variants?: string[];
}

interface Scene {
  background: string;
  shapes: Shape[];
  questions: [Question, Question];
}

const s = (kind: Shape['kind'], colour: Colour, x: number, y: number, size = 36): Shape => ({ kind, colour, x, y, size });
const row = (n: number, y: number, from: number, step: number, f: (x: number) => Shape): Shape[] =>
  Array.from({ length: n }, (_, i) => f(from + i * step)).map((shape) => ({ ...shape, y }));

const SCENES: Scene[] = [
  {
    background: '#ffffff',
    shapes: [s('circle', 'red', 70, 90), s('circle', 'red', 190, 80), s('circle', 'red', 310, 100), s('square', 'blue', 120, 210), s('square', 'blue', 260, 210)],
    questions: [
      { question: 'How many circles are there?', questionType: 'how many', answerType: 'number', main: '3', variants: ['three', '4'] },
      { question: 'What color are the squares?', questionType: 'what color are the', answerType: 'other', main: 'blue' },
    ],
  },
  {
    background: '#dff0ff',
    shapes: [s('star', 'yellow', 120, 140, 60), s('triangle', 'green', 270, 150, 55)],
    questions: [
      { question: 'Is there a star in the picture?', questionType: 'is there a', answerType: 'yes/no', main: 'yes' },
      { question: 'How many triangles are there?', questionType: 'how many', answerType: 'number', main: '1', variants: ['one'] },
    ],
  },
  {
    background: '#ffffff',
    shapes: [s('circle', 'orange', 100, 90), s('circle', 'orange', 280, 90), s('circle', 'orange', 100, 200), s('circle', 'orange', 280, 200)],
    questions: [
      { question: 'Are all the circles the same color?', questionType: 'are all the', answerType: 'yes/no', main: 'yes' },
      { question: 'How many circles are there?', questionType: 'how many', answerType: 'number', main: '4', variants: ['four'] },
    ],
  },
  {
    background: '#ffffff',
    shapes: [s('square', 'purple', 192, 144, 80)],
    questions: [
      { question: 'Is there a circle in the picture?', questionType: 'is there a', answerType: 'yes/no', main: 'no' },
      { question: 'What color is the square?', questionType: 'what color is the', answerType: 'other', main: 'purple', variants: ['violet', 'violet'] },
    ],
  },
  {
    background: '#f5f0e0',
    shapes: [s('triangle', 'green', 90, 160, 50), s('triangle', 'green', 200, 160, 50), s('circle', 'red', 310, 150, 40)],
    questions: [
      { question: 'How many shapes are there?', questionType: 'how many', answerType: 'number', main: '3' },
      { question: 'What color is the circle?', questionType: 'what color is the', answerType: 'other', main: 'red' },
    ],
  },
  {
    background: '#ffffff',
    shapes: row(5, 144, 52, 70, (x) => s('circle', 'blue', x, 0, 28)),
    questions: [
      { question: 'How many circles are there?', questionType: 'how many', answerType: 'number', main: '5', variants: ['five', '6'] },
      { question: 'Is the background white?', questionType: 'is the', answerType: 'yes/no', main: 'yes' },
    ],
  },
  {
    background: '#b8b8b8',
    shapes: [s('square', 'black', 130, 144, 90), s('circle', 'white', 300, 144, 25)],
    questions: [
      { question: 'Which shape is bigger?', questionType: 'which', answerType: 'other', main: 'square', variants: ['black square', 'black square'] },
      { question: 'Is the circle black?', questionType: 'is the', answerType: 'yes/no', main: 'no' },
    ],
  },
  {
    background: '#203060',
    shapes: [...row(3, 90, 92, 100, (x) => s('square', 'yellow', x, 0, 30)), ...row(3, 200, 92, 100, (x) => s('square', 'yellow', x, 0, 30))],
    questions: [
      { question: 'How many squares are there?', questionType: 'how many', answerType: 'number', main: '6', variants: ['six'] },
      { question: 'What color are the squares?', questionType: 'what color are the', answerType: 'other', main: 'yellow' },
    ],
  },
];

function drawShape({ kind, colour, x, y, size }: Shape): string {
  const fill = COLOURS[colour];
  const outline = colour === 'white' ? '#333333' : undefined;
  switch (kind) {
    case 'circle':
      return circle(x, y, size, fill, outline);
    case 'square':
      return rect(x - size, y - size, size * 2, size * 2, fill, outline, 2);
    case 'triangle':
      return polygon(regularPoints(x, y, size * 1.2, 3), fill, outline);
    case 'star':
      return polygon(regularPoints(x, y, size, 5, size * 0.45), fill, '#b09000');
  }
}

function answers(q: Question): Array<{ answer: string; answer_confidence: string; answer_id: number }> {
  const variants = q.variants ?? [];
  const list = [...Array.from({ length: 10 - variants.length }, () => q.main), ...variants];
  // Spread the variants through the ten, as real annotators' answers are unordered.
  const order = [0, 9, 1, 8, 2, 7, 3, 6, 4, 5];
  const placed: string[] = new Array<string>(10);
  list.forEach((answer, i) => (placed[order[i]] = answer));
  return placed.map((answer, i) => ({ answer, answer_confidence: answer === q.main ? 'yes' : 'maybe', answer_id: i + 1 }));
}

export const vqav2Samples: SampleSet = {
  suite: 'vqav2',
  repo: 'lmms-lab/VQAv2',
  file: 'data/validation-00000-of-00001.parquet',
  features: {
    question_type: valueFeature('string'),
    multiple_choice_answer: valueFeature('string'),
    answers: [{ answer: valueFeature('string'), answer_confidence: valueFeature('string'), answer_id: valueFeature('int64') }],
    image_id: valueFeature('int64'),
    answer_type: valueFeature('string'),
    question_id: valueFeature('int64'),
    question: valueFeature('string'),
    image: imageFeature(),
  },
  async rows() {
    const rows: Array<Record<string, unknown>> = [];
    for (const [i, scene] of SCENES.entries()) {
      const bytes = await renderJpeg(svg(384, 288, scene.shapes.map(drawShape), scene.background));
      const imageId = 900001 + i;
      for (const [k, q] of scene.questions.entries()) {
        rows.push({
          question_type: q.questionType,
          multiple_choice_answer: q.main,
          answers: answers(q),
          image_id: imageId,
          answer_type: q.answerType,
          question_id: imageId * 1000 + k,
          question: q.question,
          image: { bytes, path: null },
        });
      }
    }
    return rows;
  },
};
