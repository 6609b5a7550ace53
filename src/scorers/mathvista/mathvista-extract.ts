// MathVista's answer extraction, as the official evaluation/extract_answer.py does it
// (lupantech/MathVista 53d5258): the rules that decide without a model (empty response, a response
// that is one of the choices, an integer or float literal, and with quick_extract the
// `The answer is "…".` pattern), and the few-shot prompt (evaluation/prompts/ext_ans.py) that
// asks an LLM to read the answer out of a free-form response. Checked against outputs of the
// official code in test/fixtures/mathvista/official-cases.json.

import { pyFloat, pyFloatRepr, pyInt, pyStrip } from '../python.ts';

/** The official few-shot demonstration, verbatim (the prompt strips its surrounding newlines). */
export const EXTRACTION_DEMO_PROMPT = `
Please read the following example. Then extract the answer from the model response and type it at the end of the prompt.

Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.
Question: Which number is missing?

Model response: The number missing in the sequence is 14.

Extracted answer: 14

Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.
Question: What is the fraction of females facing the camera?

Model response: The fraction of females facing the camera is 0.6, which means that six out of ten females in the group are facing the camera.

Extracted answer: 0.6

Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.
Question: How much money does Luca need to buy a sour apple candy and a butterscotch candy? (Unit: $)

Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.

Extracted answer: 1.45

Hint: Please answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.
Question: Between which two years does the line  graph saw its maximum peak?

Model response: The line graph saw its maximum peak between 2007 and 2008.

Extracted answer: [2007, 2008]

Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.
Question: What fraction of the shape is blue?
Choices:
(A) 3/11
(B) 8/11
(C) 6/11
(D) 3/5

Model response: The correct answer is (B) 8/11.

Extracted answer: B
`;

export type MathVistaQuestionType = 'multi_choice' | 'free_form';
export type MathVistaAnswerType = 'text' | 'integer' | 'float' | 'list';

/** What extraction needs to know about a problem (MathVista's own field names, camel-cased). */
export interface MathVistaProblem {
  questionType: MathVistaQuestionType;
  answerType: MathVistaAnswerType;
  choices: readonly string[] | null;
  /** The dataset's `query` column: hint, question, unit and choices as the model saw them. */
  query: string;
}

/** `re.search(r'The answer is "(.*)"\.', response)`: Python's `.` stops only at `\n`, JS's also at `\r`, U+2028/9. */
const QUICK_PATTERN = /The answer is "([^\n]*)"\./;

/**
 * extract_answer() up to the point where it would call the LLM: the extraction when a rule decides,
 * null when the official code would send the few-shot prompt. `quickExtract` is the official
 * `--quick_extract` flag (off by default there and in lmms-eval).
 */
export function ruleExtraction(response: string, problem: MathVistaProblem, opts: { quickExtract: boolean }): string | null {
  if (response === '') return '';
  if (problem.questionType === 'multi_choice' && (problem.choices ?? []).includes(response)) return response;
  if (problem.answerType === 'integer') {
    const n = pyInt(response);
    if (n !== null) return n.toString();
  }
  if (problem.answerType === 'float') {
    const x = pyFloat(response);
    if (x !== null) return pyFloatRepr(x);
  }
  if (opts.quickExtract) {
    const m = QUICK_PATTERN.exec(response);
    if (m) return m[1];
  }
  return null;
}

/** create_test_prompt(): the demonstration, then the problem's query and the model's response. */
export function extractionPrompt(query: string, response: string): string {
  return `${pyStrip(EXTRACTION_DEMO_PROMPT)}\n\n${query}\n\n${response}\n\nExtracted answer: `;
}

/** The official client returns the judge's reply stripped (models/gpt.py `prediction.strip()`). */
export function extractionFromReply(reply: string): string {
  return pyStrip(reply);
}
