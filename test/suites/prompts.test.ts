// Each suite's exact prompt for a fixed sample (the first bundled row; for MMMU also an open
// question and a two-image question), per prompt style, recorded with the style's version and token
// limit. A prompt change must come with a version bump: then update the record here. The Llama 3.2
// records are Meta's text from eval_details.md (../shared/spec/model-card.md), typed out again here
// with `<|image|>` where the image part goes, filled for the bundled sample.

import { describe, expect, it } from 'vitest';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../../src/data/dataset.ts';
import { llama3RawPrompt } from '../../src/prompt-style/llama3-dialog.ts';
import { PROMPT_STYLES, stylesOf } from '../../src/prompt-style/styles.ts';
import type { PromptStyle, Sample, StyledSuite, SuiteId } from '../../src/types.ts';
import { getStyledSuite, getSuite, SUITE_IDS } from '../../suites/index.ts';

const SHORT = '\nAnswer the question using a single word or phrase.';
const IMG = '<|image|>';

interface Record_ {
  version: number;
  maxTokens: number;
  /** The prompt with each image part written as <|image|>. */
  text: string;
}

const MMMU_Q = 'What is the area of the right triangle shown in <image 1>?';
const AI2D_Q = 'Which organism is a producer in this food chain?';
const AI2D_OPTIONS_NUMBERED = '1. frog\n2. grass\n3. hawk\n4. snake';
const CHART_Q = 'What is the value of the tallest bar?';
const MATHVISTA_QUERY =
  'Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\nQuestion: Find the measure of angle x.\nChoices:\n(A) 60°\n(B) 70°\n(C) 80°\n(D) 90°';
const NEVER_SENTENCE =
  'For yes/no questions, just respond Yes or No. If the answer is numeric, just respond with the number and nothing else. If the answer has multiple words, just respond with the words and absolutely nothing else. Never respond in a sentence or a phrase.';

const RECORDED: Record<SuiteId, Partial<Record<PromptStyle, Record_>>> = {
  vqav2: {
    'lmms-eval': { version: 1, maxTokens: 16, text: `${IMG}How many circles are there?${SHORT}` },
    'llama-3.2': {
      version: 1,
      maxTokens: 25,
      text: `${IMG} Look at the image carefully and answer this visual question. ${NEVER_SENTENCE}\n Respond with as few words as possible.\n Question: How many circles are there?`,
    },
  },
  mmmu: {
    'lmms-eval': { version: 1, maxTokens: 128, text: `${IMG}${MMMU_Q}\nA. 14\nB. 24\nC. 48\nD. 10\n\nAnswer with the option's letter from the given choices directly.` },
    'llama-3.2': {
      version: 1,
      maxTokens: 2048,
      text: `${IMG}Look at the image carefully and solve the following question step-by-step. ${MMMU_Q} Options: A. 14\nB. 24\nC. 48\nD. 10 Indicate the correct answer at the end.`,
    },
  },
  chartqa: {
    'lmms-eval': { version: 1, maxTokens: 16, text: `${IMG}${CHART_Q}\nAnswer the question with a single word.` },
    'llama-3.2': {
      version: 1,
      maxTokens: 512,
      text: `${IMG}You are provided a chart image and will be asked a question. You have to think through your answer and provide a step-by-step solution. Once you have the solution, write the final answer in at most a few words at the end with the phrase "FINAL ANSWER:". The question is: ${CHART_Q}<cot_start>Let's think step by step.`,
    },
    'llama-3.2-90b': {
      version: 1,
      maxTokens: 512,
      text:
        `${IMG}You are provided a chart image and will be asked a question. Follow these steps carefully:\n Step 1: Analyze the question to understand what specific data or information is being asked for. Focus on whether the question is asking for a specific number or category from the chart image.\n` +
        ` Step 2: Identify any numbers, categories, or groups mentioned in the question and take note of them. Focus on detecting and matching them directly to the image. \nStep 3: Study the image carefully and find the relevant data corresponding to the categories or numbers mentioned. Avoid unnecessary assumptions or calculations; simply read the correct data from the image.\n` +
        ` Step 4: Develop a clear plan to solve the question by locating the right data. Focus only on the specific category or group that matches the question. \nStep 5: Use step-by-step reasoning to ensure you are referencing the correct numbers or data points from the image, avoiding unnecessary extra steps or interpretations.\n` +
        ` Step 6: Provide the final answer, starting with "FINAL ANSWER:" and using as few words as possible, simply stating the number or data point requested. \n\n The question is: ${CHART_Q}<cot_start>Let's think step by step.`,
    },
  },
  docvqa: {
    'lmms-eval': { version: 1, maxTokens: 32, text: `${IMG}What is the invoice number?${SHORT}` },
    'llama-3.2': {
      version: 1,
      maxTokens: 512,
      text: `${IMG} Read the text in the image carefully and answer the question with the text as seen exactly in the image. ${NEVER_SENTENCE}\n Question: What is the invoice number?`,
    },
  },
  'coco-captions': {
    'lmms-eval': { version: 1, maxTokens: 64, text: `${IMG}Provide a one-sentence caption for the provided image.` },
  },
  ai2d: {
    'lmms-eval': { version: 1, maxTokens: 16, text: `${IMG}${AI2D_Q}\nA. frog\nB. grass\nC. hawk\nD. snake\nAnswer with the option's letter from the given choices directly.` },
    'llama-3.2': {
      version: 1,
      maxTokens: 400,
      text: `${IMG}Look at the scientific diagram carefully and answer the following question: ${AI2D_Q}\n${AI2D_OPTIONS_NUMBERED}\n Think step by step and finally respond to the question with only the correct option number as "FINAL ANSWER". Let's think step by step.`,
    },
    'llama-3.2-90b': {
      version: 1,
      maxTokens: 400,
      text: `${IMG}Look at the scientific diagram carefully and answer the following question: ${AI2D_Q}\n${AI2D_OPTIONS_NUMBERED}\n Respond only with the correct option digit.`,
    },
  },
  mathvista: {
    'lmms-eval': { version: 1, maxTokens: 1024, text: `${IMG}${MATHVISTA_QUERY}` },
    // Meta's `<|image|>{question}` for both sizes, `{question}` being the query column (suites/mathvista.ts)
    'llama-3.2': { version: 1, maxTokens: 2048, text: `${IMG}${MATHVISTA_QUERY}` },
  },
};

async function samples(suite: StyledSuite): Promise<Sample[]> {
  const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((s) => resolveLocalDataset(suite, s, 'sample')));
  const out: Sample[] = [];
  for await (const { sample } of streamSamples({ suite, datasets })) out.push(sample);
  return out;
}

/** The prompt's parts in order, an image part written as <|image|> (the text Meta documents). */
function promptText(suite: StyledSuite, sample: Sample): string {
  return suite.prompt(sample).messages.flatMap((m) => m.content).map((p) => (p.type === 'text' ? p.text : IMG)).join('');
}

const CASES = SUITE_IDS.flatMap((id) => stylesOf(getSuite(id)).map((style) => [id, style] as const));

describe('suite prompts', () => {
  it('every style a suite has is recorded, and every record is a style the suite has', () => {
    for (const id of SUITE_IDS) {
      const has = stylesOf(getSuite(id));
      const recorded = Object.keys(RECORDED[id]) as PromptStyle[];
      // llama-3.2-90b is served by the llama-3.2 text where Meta's 90B text is the same
      const own = has.filter((s) => s !== 'llama-3.2-90b' || getSuite(id).styles['llama-3.2-90b']);
      expect(recorded.sort(), id).toEqual(own.sort());
    }
  });

  it.each(CASES)('%s, %s: the prompt of its first sample is the recorded one for its version', async (id, style) => {
    const suite = getStyledSuite(id, style);
    const rec = RECORDED[id][style] ?? RECORDED[id]['llama-3.2']!;
    expect(suite.version, `${id} ${style}: the version changed; record the new prompt here`).toBe(rec.version);
    const [first] = await samples(suite);
    expect(promptText(suite, first), `${id} ${style}: the prompt changed without a version bump`).toBe(rec.text);
    expect(suite.generation.maxTokens).toBe(rec.maxTokens);
    expect(suite.promptStyle).toBe(style);
  });

  it('the raw prompt is the Llama 3 dialog around the same text, <|image|> where Meta writes it', async () => {
    const suite = getStyledSuite('docvqa', 'llama-3.2');
    const [first] = await samples(suite);
    const messages = suite.prompt(first).messages.map((m) => ({
      role: m.role,
      content: m.content.map((p) => (p.type === 'text' ? p : { type: 'image' as const, image: { bytes: new Uint8Array(), mime: 'image/png' as const, width: 1, height: 1 } })),
    }));
    expect(llama3RawPrompt(messages)).toBe(
      `<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n${RECORDED.docvqa['llama-3.2']!.text}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`,
    );
  });

  it('mmmu: an open question uses the short-answer prompt, or Meta\'s text without Options; two <image N> references give two images in order', async () => {
    const lmms = getStyledSuite('mmmu');
    const all = await samples(lmms);
    const open = all.find((s) => s.meta.question_type === 'open')!;
    expect(promptText(lmms, open)).toBe(`${IMG}${open.question}\n${SHORT}`);
    expect(promptText(getStyledSuite('mmmu', 'llama-3.2'), open)).toBe(
      `${IMG}Look at the image carefully and solve the following question step-by-step. ${open.question} Indicate the correct answer at the end.`,
    );
    const two = all.find((s) => s.images.length === 2)!;
    expect(promptText(lmms, two).startsWith(`${IMG}${IMG}`)).toBe(true);
    expect(promptText(getStyledSuite('mmmu', 'llama-3.2'), two).startsWith(`${IMG}${IMG}Look at the image`)).toBe(true);
    expect(two.question).toMatch(/<image 1>[\s\S]*<image 2>|<image 2>[\s\S]*<image 1>/);
  });

  it('mathvista: the prompt is the query column, unit and all, in every style', async () => {
    const suite = getStyledSuite('mathvista');
    for (const style of stylesOf(getSuite('mathvista'))) {
      const styled = getStyledSuite('mathvista', style);
      for (const s of await samples(styled)) expect(promptText(styled, s), `${style} ${s.id}`).toBe(`${IMG}${String(s.meta.query)}`);
    }
    expect(stylesOf(getSuite('mathvista'))).toEqual(['lmms-eval', 'llama-3.2', 'llama-3.2-90b']);
    const withUnit = (await samples(suite)).find((s) => s.meta.unit === 'years')!;
    expect(promptText(suite, withUnit)).toMatch(/\(Unit: years\)$/);
  });

  it('a question holding `$&` or `{options}` is filled in literally', () => {
    const suite = getStyledSuite('mmmu', 'llama-3.2');
    const sample: Sample = { id: 'x', images: [], question: 'Cost $& of {options}?', references: ['A'], choices: ['1', '2'], meta: { question_type: 'multiple-choice' } };
    expect(promptText(suite, sample)).toBe('Look at the image carefully and solve the following question step-by-step. Cost $& of {options}? Options: A. 1\nB. 2 Indicate the correct answer at the end.');
  });

  it('lmms-eval post-processing: outputs are stripped except for MMMU, which the official parser reads raw', () => {
    for (const id of SUITE_IDS.filter((s) => s !== 'mathvista')) {
      const suite = getStyledSuite(id);
      const sample: Sample = { id: 'x', images: [], question: '', references: [], meta: {} };
      expect(suite.extract('  B \n', sample).answer).toBe(id === 'mmmu' ? '  B \n' : 'B');
    }
  });

  it('a suite without the asked-for style is a user error naming the styles it has', () => {
    expect(() => getStyledSuite('coco-captions', 'llama-3.2')).toThrow(/Suite 'coco-captions' has no prompt style 'llama-3.2'; it has lmms-eval\./);
    expect(PROMPT_STYLES).toEqual(['lmms-eval', 'llama-3.2', 'llama-3.2-90b']);
    // the 90B style falls back to the 11B text where Meta's 90B text is the same
    expect(getStyledSuite('vqav2', 'llama-3.2-90b').generation.maxTokens).toBe(25);
  });
});
