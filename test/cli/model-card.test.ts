// The model-card flags from the command line: Meta's prompts as the openai backend sends them (a
// recording server), the user errors of --prompt-style, --preset and --raw-prompt, and
// `meta-evals` mapping Meta's published outputs onto sample ids for --backend replay.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chartqaSamples } from '../../scripts/samples/chartqa.ts';
import { parquetBytes, sequenceFeature, valueFeature } from '../../src/data/write-parquet.ts';
import { resultsSchema } from '../../src/report/schema.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const env = { PATH: '/usr/bin:/bin' };
const tmp = () => mkdtempSync(join(tmpdir(), 'wt17-card-cli-'));

describe('eval --prompt-style through the openai backend', () => {
  it("sends Meta's 90B text after the image part, with Meta's max tokens and temperature 0", async () => {
    server = await startOpenAiServer({ script: { chunks: 2 } });
    const out = join(tmp(), 'run');
    const r = await runCli(
      ['eval', '--suite', 'chartqa,ai2d,mathvista', '--prompt-style', 'llama-3.2-90b', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--ids', 'human_test-0,test-0,9001', '--out', out],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const bodies = server.chatBodies();
    expect(bodies).toHaveLength(3);
    const parts = (b: Record<string, unknown>) => (b.messages as Array<{ content: Array<{ type: string; text?: string }> }>)[0].content;
    const [chart, ai2d, mathvista] = bodies;
    expect(parts(chart).map((p) => p.type)).toEqual(['image_url', 'text']);
    expect(parts(chart)[1].text).toBe(
      'You are provided a chart image and will be asked a question. Follow these steps carefully:\n Step 1: Analyze the question to understand what specific data or information is being asked for. Focus on whether the question is asking for a specific number or category from the chart image.\n Step 2: Identify any numbers, categories, or groups mentioned in the question and take note of them. Focus on detecting and matching them directly to the image. \nStep 3: Study the image carefully and find the relevant data corresponding to the categories or numbers mentioned. Avoid unnecessary assumptions or calculations; simply read the correct data from the image.\n Step 4: Develop a clear plan to solve the question by locating the right data. Focus only on the specific category or group that matches the question. \nStep 5: Use step-by-step reasoning to ensure you are referencing the correct numbers or data points from the image, avoiding unnecessary extra steps or interpretations.\n Step 6: Provide the final answer, starting with "FINAL ANSWER:" and using as few words as possible, simply stating the number or data point requested. \n\n The question is: What is the value of the tallest bar?<cot_start>Let\'s think step by step.',
    );
    expect(chart).toMatchObject({ max_completion_tokens: 512, temperature: 0 });
    expect(parts(ai2d)[1].text).toBe(
      'Look at the scientific diagram carefully and answer the following question: Which organism is a producer in this food chain?\n1. frog\n2. grass\n3. hawk\n4. snake\n Respond only with the correct option digit.',
    );
    expect(ai2d).toMatchObject({ max_completion_tokens: 400, temperature: 0 });
    // MathVista: `<|image|>{question}` for both sizes, `{question}` the query column; 2,048 tokens
    expect(parts(mathvista).map((p) => p.type)).toEqual(['image_url', 'text']);
    expect(parts(mathvista)[1].text).toBe(
      'Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\nQuestion: Find the measure of angle x.\nChoices:\n(A) 60°\n(B) 70°\n(C) 80°\n(D) 90°',
    );
    expect(mathvista).toMatchObject({ max_completion_tokens: 2048, temperature: 0 });
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(results.suites.map((s) => [s.id, s.promptStyle, s.version])).toEqual([
      ['chartqa', 'llama-3.2-90b', 1],
      ['ai2d', 'llama-3.2-90b', 1],
      ['mathvista', 'llama-3.2-90b', 1],
    ]);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ promptStyle: 'llama-3.2-90b' });
  });
});

describe('user errors', () => {
  it.each([
    [['--suite', 'coco-captions', '--prompt-style', 'llama-3.2'], /Suite 'coco-captions' has no prompt style 'llama-3.2'; it has lmms-eval\./],
    [['--suite', 'chartqa', '--prompt-style', 'llama3.2'], /Unknown prompt style 'llama3.2'. Did you mean 'llama-3.2'\?/],
    [['--preset', 'llama-3.2-11b'], /Unknown preset 'llama-3.2-11b'. Did you mean 'llama-3.2-11b-card'\?/],
    [['--suite', 'chartqa', '--raw-prompt', '--backend', 'openai', '--base-url', 'http://127.0.0.1:9/v1'], /--raw-prompt sends Llama 3 dialog text past the chat template, which only --backend transformers can do/],
  ])('%j', async (args, message) => {
    const r = await runCli(['eval', '--data', 'sample', '--out', join(tmp(), 'run'), ...args], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('meta-evals', () => {
  const metaFeatures = {
    input_question: valueFeature('string'),
    output_prediction_text: sequenceFeature(valueFeature('string')),
    output_parsed_answer: valueFeature('string'),
    is_correct: valueFeature('bool'),
  };

  it("maps Meta's rows by question, leaves out what it cannot place, and the replay scores the rest", async () => {
    const dir = tmp();
    // a local ChartQA file in which two charts share a question, as the real test split has
    const bundled = await chartqaSamples.rows();
    const local = [bundled[0], { ...bundled[2], question: 'How many bars are above 40?' }, bundled[1], bundled[4]];
    const data = join(dir, 'chartqa.parquet');
    writeFileSync(data, parquetBytes({ features: chartqaSamples.features, rows: local }));
    const meta = [
      { input_question: 'What is the value of the tallest bar?', output_prediction_text: ['Rome is tallest.\nFINAL ANSWER: 71'], output_parsed_answer: '71', is_correct: true },
      { input_question: 'how many bars are  above 40?', output_prediction_text: ['FINAL ANSWER: 3'], output_parsed_answer: '3', is_correct: true },
      { input_question: 'In which year was the number of visitors the highest?', output_prediction_text: ['FINAL ANSWER: none of them'], output_parsed_answer: 'none of them', is_correct: false },
      { input_question: 'What is the colour of the sky?', output_prediction_text: ['FINAL ANSWER: blue'], output_parsed_answer: 'blue', is_correct: false },
    ];
    const input = join(dir, 'details.parquet');
    writeFileSync(input, parquetBytes({ features: metaFeatures, rows: meta }));
    const preds = join(dir, 'preds.jsonl');
    const m = await runCli(['meta-evals', '--suite', 'chartqa', '--data', data, '--input', input, '--out', preds], { env });
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toContain('4 rows, 2 mapped to chartqa samples, 1 ambiguous (question shared by several samples), 1 unmatched');
    expect(m.stderr).toContain('2 chartqa sample(s) got no prediction');
    const lines = readFileSync(preds, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: 'human_test-0', prediction: 'Rome is tallest.\nFINAL ANSWER: 71', meta_is_correct: true, meta_parsed_answer: '71' },
      { id: 'human_test-3', prediction: 'FINAL ANSWER: none of them', meta_is_correct: false, meta_parsed_answer: 'none of them' },
    ]);
    const out = join(dir, 'run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--prompt-style', 'llama-3.2', '--data', data, '--backend', 'replay', '--predictions', preds, '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const s = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).suites[0];
    expect(s.counts).toMatchObject({ total: 4, scored: 2, errored: 2, erroredByKind: { input: 2 } });
    expect(s.metrics.relaxed_accuracy.value).toBe(0.5);
  });

  it('names a column that is not there', async () => {
    const dir = tmp();
    const input = join(dir, 'details.jsonl');
    writeFileSync(input, `${JSON.stringify({ question: 'What is the value of the tallest bar?', output_prediction_text: ['71'] })}\n`);
    const r = await runCli(['meta-evals', '--suite', 'chartqa', '--data', 'sample', '--input', input, '--out', join(dir, 'p.jsonl')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/row 0: column 'input_question' should hold text .*no such column.*--question-column/);
  });
});
