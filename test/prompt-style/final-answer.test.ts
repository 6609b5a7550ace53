// The FINAL ANSWER rule (src/prompt-style/final-answer.ts): the last marker wins, the answer is the
// first non-empty line after it without whitespace, emphasis or a trailing period; no marker means
// the whole cleaned output, flagged.

import { describe, expect, it } from 'vitest';
import { cleanAnswer, finalAnswer } from '../../src/prompt-style/final-answer.ts';
import { optionNumber } from '../../suites/ai2d.ts';

describe('finalAnswer', () => {
  it.each([
    ['a plain marker at the end', 'The tallest bar is Rome.\nFINAL ANSWER: 71', '71'],
    ['a trailing period and spaces', 'So it is 71.\n\nFINAL ANSWER:   71.  ', '71'],
    ['markdown bold around the answer', 'FINAL ANSWER: **71**', '71'],
    ['markdown bold around the marker, colon inside', '**FINAL ANSWER:** 71', '71'],
    ['markdown bold around the marker, colon outside', '**FINAL ANSWER**: 71', '71'],
    ['italics', 'FINAL ANSWER: _Rome_.', 'Rome'],
    ['the answer on the next line', 'FINAL ANSWER:\n\n 5.2\n', '5.2'],
    ['text after the answer line', 'FINAL ANSWER: 2019\n\nI hope this helps!', '2019'],
    ['several markers: the last one', 'FINAL ANSWER: 60 (draft)\nWait, 2020 was 60 thousand, so\nFINAL ANSWER: 60', '60'],
    ['several markers, the last differs', 'Step 1 … FINAL ANSWER: 3\nChecking again: FINAL ANSWER: 4', '4'],
    ['title case with a colon', 'Final Answer: Yes', 'Yes'],
    ['capitals without a colon (the AI2D wording)', 'so the answer is option 2.\nFINAL ANSWER 2', '2'],
    ['the phrase quoted', '"FINAL ANSWER": 3', '3'],
    ['a percentage keeps its sign', 'FINAL ANSWER: 35%', '35%'],
    ['a decimal keeps its digits', 'FINAL ANSWER: 3.17.', '3.17'],
  ])('%s', (_name, text, answer) => {
    expect(finalAnswer(text)).toEqual({ answer, noFinalAnswer: false });
  });

  it('"the final answer is" in running text is not a marker', () => {
    expect(finalAnswer('The final answer is 42.')).toEqual({ answer: 'The final answer is 42', noFinalAnswer: true });
  });

  it('no marker: the whole output, stripped, flagged', () => {
    expect(finalAnswer('  **71**.\n')).toEqual({ answer: '71', noFinalAnswer: true });
    expect(finalAnswer('')).toEqual({ answer: '', noFinalAnswer: true });
  });

  it('a marker with nothing after it gives an empty answer, not the whole output', () => {
    expect(finalAnswer('reasoning… FINAL ANSWER:')).toEqual({ answer: '', noFinalAnswer: false });
  });

  it('cleanAnswer strips nested emphasis and periods but keeps inner characters', () => {
    expect(cleanAnswer(' __*2_000*__. ')).toBe('2_000');
    expect(cleanAnswer('5*3')).toBe('5*3');
  });
});

describe('AI2D option number', () => {
  const options = ['frog', 'grass', 'hawk', 'snake'];
  it.each([
    ['2', '2'],
    ['2. grass', '2'],
    ['(2)', '2'],
    ['Option 2', '2'],
    ['The correct option is 2', '2'],
    ['02', '2'],
    ['grass', '2'],
    ['Grass', '2'],
    ['a tree', 'a tree'],
  ])('%j gives %j', (answer, expected) => {
    expect(optionNumber(answer, options)).toBe(expected);
  });
});
