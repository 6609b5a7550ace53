// A realistic MMMU response mix (seeded), for `npm run bench -- scorers` and for timing the official
// eval_utils.py on the same inputs (bench/write-mmmu-mix.ts writes it as a score file). What model
// outputs look like when they are not forced to a single letter:
//   - bare letters, "(B)", "The answer is (B).", "B. <option text>";
//   - the option text alone, and long reasoning that mentions several options
//     (response length: median about 23 characters, p90 about 680, at most 1,400);
//   - about 5% with nothing parseable (the official random fallback draws);
//   - open questions answered with thousands separators, decimals, scientific notation and lists.

import type { ScoreInput } from '../src/scorers/types.ts';
import { seededUniform } from '../src/run/stats.ts';

const OPTION_POOL = [
  '12', '24', '36', '48', '$1,250', '3.5 m/s', '0.25', '1.2e-3 mol', '45°', '7/8',
  'The mitochondria', 'Increased aggregate demand', 'Baroque', 'Cubism', 'Only I and III',
  'A decrease in the equilibrium price', 'Linear', 'Exponential growth', 'None of the above',
  'The graph shows a negative correlation', 'Renaissance', 'Pulmonary embolism', 'Sodium chloride',
  'Kirchhoff\'s voltage law', 'O(n log n)', 'Dynamic programming', 'Heat is released', 'Uniform',
];

const FILLER = (
  'Looking at the image, the diagram shows the relationship between the two quantities. ' +
  'First we identify the given values and the unknown. Using the formula from the figure we substitute ' +
  'the numbers and simplify step by step. The chart indicates that the trend continues over the period, ' +
  'so the other options can be ruled out because they contradict the labels. Considering the units and ' +
  'the scale of the axes, the result is consistent with the expected magnitude. '
).split(' ');

const LETTERS = 'ABCDEFGHI';

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}

function filler(rand: () => number, chars: number): string {
  const words: string[] = [];
  let length = 0;
  let i = Math.floor(rand() * FILLER.length);
  while (length < chars) {
    const w = FILLER[i++ % FILLER.length];
    words.push(w);
    length += w.length + 1;
  }
  return words.join(' ');
}

function reasoning(rand: () => number, options: string[], answer: string): string {
  // 120 to 1,400 characters, skewed short; mentions other options before settling
  const total = 100 + Math.floor(1300 * rand() ** 1.9);
  const other = LETTERS[Math.floor(rand() * options.length)];
  const parts = [
    filler(rand, total * 0.4),
    `Option (${other}) ${options[LETTERS.indexOf(other)]} seems plausible at first, but`,
    filler(rand, total * 0.4),
    rand() < 0.5 ? `Therefore, the answer is (${answer}).` : `So the correct choice is ${answer}.`,
  ];
  return parts.join(' ').slice(0, 1400);
}

function multipleChoice(rand: () => number, id: string): ScoreInput {
  const k = 4 + Math.floor(rand() * 3); // 4 to 6 options
  const options: string[] = [];
  while (options.length < k) {
    const o = pick(rand, OPTION_POOL);
    if (!options.includes(o)) options.push(o);
  }
  const gold = LETTERS[Math.floor(rand() * k)];
  const answer = rand() < 0.6 ? gold : LETTERS[Math.floor(rand() * k)];
  const text = options[LETTERS.indexOf(answer)];
  const u = rand();
  let prediction: string;
  if (u < 0.18) prediction = answer;
  else if (u < 0.26) prediction = `(${answer})`;
  else if (u < 0.38) prediction = `${pick(rand, ['The answer is', 'The correct answer is', 'Answer:'])} (${answer}).`;
  else if (u < 0.5) prediction = `${answer}. ${text}`;
  else if (u < 0.58) prediction = text;
  else if (u < 0.63) prediction = pick(rand, ['I cannot determine this from the image.', 'Sorry, I cannot help with that.', '', 'None', 'N/A']);
  else prediction = reasoning(rand, options, answer);
  return { id, prediction, references: [gold], options, questionType: 'multiple-choice' };
}

function open(rand: () => number, id: string): ScoreInput {
  const forms: Array<[string, string]> = [
    ['1,250', 'The total is 1,250 dollars.'],
    ['3.5', 'x = 3.5'],
    ['0.00012', 'The concentration is 1.2e-4 mol/L, so the answer is 1.2e-4'],
    ['24', 'Counting the cells gives 24.\nTherefore the final answer is 24'],
    ["['6', '8']", 'The two solutions are 6 and 8.'],
    ['hydrogen', 'The gas produced is hydrogen.'],
    ['45', `${filler(rand, 200)} Thus the angle is 45 degrees.`],
    ['7,243,000', 'Revenue was 7,243,000 in 2019.'],
  ];
  const [gold, prediction] = pick(rand, forms);
  return { id, prediction, references: [gold], options: [], questionType: 'open' };
}

/** `n` MMMU responses: 90% multiple-choice, 10% open, seeded. */
export function mmmuRealisticInputs(n = 10_500, seed = 13): ScoreInput[] {
  const rand = seededUniform(seed);
  return Array.from({ length: n }, (_, i) => (rand() < 0.1 ? open(rand, `q${i}`) : multipleChoice(rand, `q${i}`)));
}
