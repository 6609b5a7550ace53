// AI2D (test, 3,088 questions) from lmms-lab's copy, as lmms-eval's `ai2d` task (lmms-eval
// tasks/ai2d/ai2d.yaml and utils.py): the question, `A. option` lines and "Answer with the option's
// letter…", scored by exact match against the gold letter (case and punctuation ignored,
// src/scorers/exact-match.ts). Rows: `question` str, `options` list<str>, `answer` str (the 0-based
// index of the right option), `image` Image; no id column, so a sample is named by its position.
//
// The `llama-3.2` styles are Meta's model-card prompts (eval_details.md): 11B thinks step by step
// and answers the option number as "FINAL ANSWER", 90B answers the option digit alone; 400 tokens.
// Meta's `{question}` holds the options too, but Meta does not write down how. Here it is the
// question, then one `N. option` line per option numbered from 1 (the prompt asks for the option
// "number"/"digit"; VLMEvalKit's Llama preset appends `A. option` lines instead). The answer's option
// number is then compared exactly with the gold one (see optionNumber).

import { image, RowError, str, strList } from '../src/data/row-fields.ts';
import { cleanAnswer, finalAnswer } from '../src/prompt-style/final-answer.ts';
import { exactMatchScorer } from '../src/scorers/exact-match.ts';
import type { Extraction, Sample, Suite } from '../src/types.ts';
import { META_MAX_TOKENS, META_PROMPTS, metaPrompt } from './llama-3.2-prompts.ts';
import { imagesThenText, letteredOptions, stripOutput } from './prompts.ts';

/** The 0-based index of the right option (the `answer` column), checked against the options. */
function goldIndex(s: Sample): number {
  return Number(s.references[0]);
}

function numberedOptions(options: readonly string[]): string {
  return options.map((c, i) => `${i + 1}. ${c}`).join('\n');
}

/**
 * The option number in an answer: the number it starts with ("2", "2. tree", "(2)"), else the last
 * number in it ("Option 2", "the correct option is 2"), else the number of the option whose text it
 * is ("tree"); otherwise the answer itself, which then matches no number.
 */
export function optionNumber(answer: string, options: readonly string[]): string {
  const leading = /^\(?\s*(\d+)(?!\d)/.exec(answer);
  if (leading) return String(Number(leading[1]));
  const all = answer.match(/\d+/g);
  if (all) return String(Number(all[all.length - 1]));
  const byText = options.findIndex((o) => cleanAnswer(o).toLowerCase() === answer.toLowerCase());
  return byText >= 0 ? String(byText + 1) : answer;
}

function metaAi2dPrompt(template: string) {
  return (s: Sample) => metaPrompt(template, s.images.length, { question: `${s.question}\n${numberedOptions(s.choices ?? [])}` });
}

function optionFrom(read: (text: string) => Extraction) {
  return (text: string, s: Sample): Extraction => {
    const found = read(text);
    return { ...found, answer: optionNumber(found.answer, s.choices ?? []) };
  };
}

export const ai2d: Suite = {
  id: 'ai2d',
  title: 'AI2D (test)',
  datasets: (o) => [{ repo: `${o.lmmsOrg}/ai2d`, config: 'default', split: o.split ?? 'test', dataFiles: [`data/${o.split ?? 'test'}-*`] }],
  toSample: (row, dataset, index) => {
    const options = strList(row, 'options');
    const answer = str(row, 'answer');
    const k = Number(answer);
    if (!/^\d+$/.test(answer) || k >= options.length) {
      throw new RowError(`column 'answer' should be the index of the right option (0-${options.length - 1}), found '${answer}'`);
    }
    return { id: `${dataset.split}-${index}`, images: [image(row, 'image')], question: str(row, 'question'), references: [answer], choices: options, meta: {} };
  },
  scorer: exactMatchScorer,
  primaryMetric: 'exact_match',
  // lmms-eval's target: the gold option's letter
  scoreInput: (s, extracted) => ({ id: s.id, prediction: extracted, references: [String.fromCharCode(65 + goldIndex(s))] }),
  styles: {
    'lmms-eval': {
      version: 1,
      prompt: (s) => imagesThenText(s.images.length, `${s.question}\n${letteredOptions(s.choices ?? [])}\nAnswer with the option's letter from the given choices directly.`),
      generation: { maxTokens: 16 },
      extract: stripOutput,
    },
    'llama-3.2': {
      version: 1,
      prompt: metaAi2dPrompt(META_PROMPTS.ai2d11b),
      generation: { maxTokens: META_MAX_TOKENS.ai2d },
      extract: optionFrom(finalAnswer),
      scoreInput: (s, extracted) => ({ id: s.id, prediction: extracted, references: [String(goldIndex(s) + 1)] }),
    },
    'llama-3.2-90b': {
      version: 1,
      prompt: metaAi2dPrompt(META_PROMPTS.ai2d90b),
      generation: { maxTokens: META_MAX_TOKENS.ai2d },
      extract: optionFrom((text) => ({ answer: cleanAnswer(text) })),
      scoreInput: (s, extracted) => ({ id: s.id, prediction: extracted, references: [String(goldIndex(s) + 1)] }),
    },
  },
};
