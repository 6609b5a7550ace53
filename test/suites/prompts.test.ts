// Each suite's exact prompt for a fixed sample (the first bundled row; for MMMU also an open
// question and a two-image question), recorded with the suite version it belongs to. A prompt
// change must come with a version bump: then update the record here.

import { describe, expect, it } from 'vitest';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../../src/data/dataset.ts';
import type { Sample, Suite } from '../../src/types.ts';
import { getSuite, SUITE_IDS } from '../../suites/index.ts';

const SHORT = '\nAnswer the question using a single word or phrase.';

const RECORDED: Record<string, { version: number; maxTokens: number; text: string; images: number }> = {
  vqav2: { version: 1, maxTokens: 16, images: 1, text: `How many circles are there?${SHORT}` },
  mmmu: {
    version: 1,
    maxTokens: 128,
    images: 1,
    text: "What is the area of the right triangle shown in <image 1>?\nA. 14\nB. 24\nC. 48\nD. 10\n\nAnswer with the option's letter from the given choices directly.",
  },
  chartqa: { version: 1, maxTokens: 16, images: 1, text: 'What is the value of the tallest bar?\nAnswer the question with a single word.' },
  docvqa: { version: 1, maxTokens: 32, images: 1, text: `What is the invoice number?${SHORT}` },
  'coco-captions': { version: 1, maxTokens: 64, images: 1, text: 'Provide a one-sentence caption for the provided image.' },
  mathvista: {
    version: 1,
    maxTokens: 1024,
    images: 1,
    text: 'Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\nQuestion: Find the measure of angle x.\nChoices:\n(A) 60°\n(B) 70°\n(C) 80°\n(D) 90°',
  },
};

async function samples(suite: Suite): Promise<Sample[]> {
  const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((s) => resolveLocalDataset(suite, s, 'sample')));
  const out: Sample[] = [];
  for await (const { sample } of streamSamples({ suite, datasets })) out.push(sample);
  return out;
}

function promptText(suite: Suite, sample: Sample): { text: string; images: number } {
  const parts = suite.prompt(sample).messages.flatMap((m) => m.content);
  return {
    text: parts.filter((p) => p.type === 'text').map((p) => (p.type === 'text' ? p.text : '')).join(''),
    images: parts.filter((p) => p.type === 'image').length,
  };
}

describe('suite prompts', () => {
  it.each(SUITE_IDS)('%s: the prompt of its first sample is the recorded one for its version', async (id) => {
    const suite = getSuite(id);
    const rec = RECORDED[id];
    expect(suite.version, `${id}: the version changed; record the new prompt here`).toBe(rec.version);
    const [first] = await samples(suite);
    const p = promptText(suite, first);
    expect(p.text, `${id}: the prompt changed without a version bump`).toBe(rec.text);
    expect(p.images).toBe(rec.images);
    expect(suite.generation.maxTokens).toBe(rec.maxTokens);
  });

  it('mmmu: an open question uses the short-answer prompt; two <image N> references give two images in order', async () => {
    const suite = getSuite('mmmu');
    const all = await samples(suite);
    const open = all.find((s) => s.meta.question_type === 'open')!;
    expect(promptText(suite, open).text).toBe(`${open.question}\n${SHORT}`);
    const two = all.find((s) => s.images.length === 2)!;
    expect(promptText(suite, two).images).toBe(2);
    expect(two.question).toMatch(/<image 1>[\s\S]*<image 2>|<image 2>[\s\S]*<image 1>/);
  });

  it('mathvista: the prompt is the query column, unit and all', async () => {
    const suite = getSuite('mathvista');
    for (const s of await samples(suite)) expect(promptText(suite, s).text).toBe(s.meta.query);
    const withUnit = (await samples(suite)).find((s) => s.meta.unit === 'years')!;
    expect(promptText(suite, withUnit).text).toMatch(/\(Unit: years\)$/);
  });

  it('lmms-eval post-processing: outputs are stripped except for MMMU, which the official parser reads raw', () => {
    for (const id of SUITE_IDS.filter((s) => s !== 'mathvista')) {
      const suite = getSuite(id);
      const sample: Sample = { id: 'x', images: [], question: '', references: [], meta: {} };
      expect(suite.extract('  B \n', sample)).toBe(id === 'mmmu' ? '  B \n' : 'B');
    }
  });
});
