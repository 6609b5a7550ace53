// The optimised MMMU multiple-choice parser (no padded copy, shared parses, letter passes on the bare
// response) against a literal transcription of eval_utils.py `parse_multi_choice_response` on
// seeded random responses built from the fragments that matter: letters, brackets, spaces,
// stripped punctuation and option texts.

import { describe, expect, it } from 'vitest';
import { parseMultiChoiceOptions, parseMultiChoiceResponse } from '../../../src/scorers/mmmu/mmmu-parse.ts';
import { seededUniform } from '../../../src/run/stats.ts';

/** parse_multi_choice_response line by line (Python str methods on these ASCII inputs), without the random draw. */
function literal(response: string, allChoices: string[], index2ans: Record<string, string>): string | null {
  let r = response;
  for (const ch of [',', '.', '!', '?', ';', ':', "'"]) {
    let a = 0;
    let b = r.length;
    while (a < b && r[a] === ch) a++;
    while (b > a && r[b - 1] === ch) b--;
    r = r.slice(a, b);
  }
  r = ` ${r} `;
  let indexAns = true;
  let withBrack = false;
  let candidates: string[] = [];
  for (const c of allChoices) {
    if (r.includes(`(${c})`)) {
      candidates.push(c);
      withBrack = true;
    }
  }
  if (candidates.length === 0) candidates = allChoices.filter((c) => r.includes(` ${c} `));
  if (candidates.length === 0 && r.split(/\s+/).filter((w) => w !== '').length > 5) {
    for (const [index, ans] of Object.entries(index2ans)) {
      if (r.toLowerCase().includes(ans.toLowerCase())) {
        candidates.push(index);
        indexAns = false;
      }
    }
  }
  if (candidates.length === 0) return null;
  if (candidates.length === 1) return candidates[0];
  const starts = candidates.map((c) =>
    indexAns ? (withBrack ? r.lastIndexOf(`(${c})`) : r.lastIndexOf(` ${c} `)) : r.toLowerCase().lastIndexOf(index2ans[c].toLowerCase()),
  );
  let best = 0;
  for (let i = 1; i < starts.length; i++) if (starts[i] > starts[best]) best = i;
  return candidates[best];
}

const FRAGMENTS = ['A', 'B', 'C', 'D', '(A)', '(B)', '(C)', ' ', ' ', ' ', 'the', 'answer', 'is', '.', ',', ':', "'", '!', '?', ';', '(', ')', 'blue whale', 'red', ' A ', 'B.', 'xA', 'Ax', 'answer is C'];
const OPTIONS = ['blue whale', 'red', 'A', ' b', '12'];

describe('parseMultiChoiceOptions equals a literal eval_utils.py transcription', () => {
  it('on 30,000 seeded random responses', () => {
    const rand = seededUniform(2024);
    const wrong: string[] = [];
    for (let n = 0; n < 30_000; n++) {
      const parts = 1 + Math.floor(rand() * 9);
      let response = '';
      for (let i = 0; i < parts; i++) response += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
      const options = OPTIONS.slice(0, 2 + Math.floor(rand() * 3));
      const allChoices = options.map((_, i) => String.fromCharCode(65 + i));
      const index2ans = Object.fromEntries(allChoices.map((c, i) => [c, options[i]]));
      const expected = literal(response, allChoices, index2ans);
      const fast = parseMultiChoiceOptions(response, options).letter;
      const general = parseMultiChoiceResponse(response, allChoices, index2ans).letter;
      if (fast !== expected || general !== expected) wrong.push(`${JSON.stringify(response)} ${options.length}: ${fast}/${general} != ${expected}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
