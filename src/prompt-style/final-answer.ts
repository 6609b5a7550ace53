// `FINAL ANSWER:` extraction for the Llama 3.2 prompts that ask for one (ChartQA, AI2D 11B; Meta
// eval_details.md). Rule (../shared/spec/model-card.md, open details): the text after the LAST
// marker, stripped of whitespace, markdown emphasis and a trailing period; with no marker, the whole
// stripped output, flagged so the run can count it (`no_final_answer`). Like lm-eval's
// ExplicitPromptRelaxedCorrectness (tasks/chartqa/utils.py), the answer is the first non-empty line
// after the marker, so "FINAL ANSWER:\n42" and "FINAL ANSWER: 42\n\nHope this helps" both give 42.

import { pyStrip } from '../scorers/python.ts';
import type { Extraction } from '../types.ts';

// The marker: `final answer` in any case followed by a colon (emphasis may sit in between, as in
// `**Final Answer:**` or `**FINAL ANSWER**:`), or `FINAL ANSWER` in capitals without one (the AI2D
// prompt asks for the answer 'as "FINAL ANSWER"', with no colon).
const WITH_COLON = /final\s+answer[\s*_"']*:/gi;
const CAPITALS = /FINAL\s+ANSWER/g;

/** Where the last marker ends, or -1. Of two markers starting at one place, the longer counts. */
function lastMarkerEnd(text: string): number {
  let start = -1;
  let end = -1;
  for (const re of [WITH_COLON, CAPITALS]) {
    for (const m of text.matchAll(re)) {
      const s = m.index;
      const e = s + m[0].length;
      if (s > start || (s === start && e > end)) {
        start = s;
        end = e;
      }
    }
  }
  return end;
}

/** Strips whitespace, markdown emphasis (`**`, `__`, and `*`/`_` at either end) and trailing periods. */
export function cleanAnswer(text: string): string {
  let s = text.replaceAll('**', '').replaceAll('__', '');
  for (;;) {
    const next = pyStrip(s).replace(/^[*_]+/, '').replace(/[*_]+$/, '').replace(/\.+$/, '');
    if (next === s) return s;
    s = next;
  }
}

/** The answer after the last `FINAL ANSWER` marker, or the whole cleaned output with `noFinalAnswer`. */
export function finalAnswer(text: string): Extraction {
  const end = lastMarkerEnd(text);
  if (end < 0) return { answer: cleanAnswer(text), noFinalAnswer: true };
  // what follows the marker: quotes, colons and emphasis first, then the first non-empty line
  const rest = text.slice(end).replace(/^[\s*_"':]+/, '');
  const line = rest.split('\n').find((l) => pyStrip(l) !== '') ?? '';
  return { answer: cleanAnswer(line), noFinalAnswer: false };
}
