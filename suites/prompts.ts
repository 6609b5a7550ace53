// Prompt pieces shared by the suites. lmms-eval's defaults put the images before the text in a
// single user turn (its `doc_to_visual` + `doc_to_text`), so every suite builds that shape here.

import type { Extraction, Prompt } from '../src/types.ts';
import { pyStrip } from '../src/scorers/python.ts';

/** One user turn: every image (in order), then the text. */
export function imagesThenText(imageCount: number, text: string): Prompt {
  const content: Prompt['messages'][number]['content'] = [];
  for (let i = 0; i < imageCount; i++) content.push({ type: 'image', index: i });
  content.push({ type: 'text', text });
  return { messages: [{ role: 'user', content }] };
}

/** lmms-eval strips generated text before scoring (its `generate_until` post-processing). */
export function stripOutput(text: string): Extraction {
  return { answer: pyStrip(text) };
}

/** The output as generated: the official MMMU parser reads the raw response. */
export function rawOutput(text: string): Extraction {
  return { answer: text };
}

export const SHORT_ANSWER = '\nAnswer the question using a single word or phrase.';

/** `A. text` lines, lettered from A (lmms-eval's and VLMEvalKit's option rendering). */
export function letteredOptions(options: readonly string[]): string {
  return options.map((c, i) => `${String.fromCharCode(65 + i)}. ${c}`).join('\n');
}
