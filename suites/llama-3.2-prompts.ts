// Meta's prompts for the Llama 3.2 Vision model card, exactly as meta-llama/llama-models
// models/llama3_2/eval_details.md (commit 2f6bfef) writes them: the document prints Python string
// literals, so its `\n` is a newline, `\"` and `\'` are plain quotes and `&lt;` is `<`. `<|image|>`
// marks where the image goes: chat backends get the image part there (always first), and
// `--raw-prompt` sends it as written (src/prompt-style/llama3-dialog.ts). `<cot_start>` is part of
// Meta's ChartQA text and is kept literally (VLMEvalKit keeps it; lm-eval's chartqa_llama drops it).

import { IMAGE_TOKEN } from '../src/prompt-style/llama3-dialog.ts';
import type { Prompt } from '../src/types.ts';

export const META_PROMPTS = {
  mmmu: '<|image|>Look at the image carefully and solve the following question step-by-step. {question} Options: {options} Indicate the correct answer at the end.',
  ai2d11b:
    '<|image|>Look at the scientific diagram carefully and answer the following question: {question}\n Think step by step and finally respond to the question with only the correct option number as "FINAL ANSWER". Let\'s think step by step.',
  ai2d90b: '<|image|>Look at the scientific diagram carefully and answer the following question: {question}\n Respond only with the correct option digit.',
  chartqa11b:
    '<|image|>You are provided a chart image and will be asked a question. You have to think through your answer and provide a step-by-step solution. Once you have the solution, write the final answer in at most a few words at the end with the phrase "FINAL ANSWER:". The question is: {question}<cot_start>Let\'s think step by step.',
  chartqa90b:
    '<|image|>You are provided a chart image and will be asked a question. Follow these steps carefully:\n' +
    ' Step 1: Analyze the question to understand what specific data or information is being asked for. Focus on whether the question is asking for a specific number or category from the chart image.\n' +
    ' Step 2: Identify any numbers, categories, or groups mentioned in the question and take note of them. Focus on detecting and matching them directly to the image. \n' +
    'Step 3: Study the image carefully and find the relevant data corresponding to the categories or numbers mentioned. Avoid unnecessary assumptions or calculations; simply read the correct data from the image.\n' +
    ' Step 4: Develop a clear plan to solve the question by locating the right data. Focus only on the specific category or group that matches the question. \n' +
    'Step 5: Use step-by-step reasoning to ensure you are referencing the correct numbers or data points from the image, avoiding unnecessary extra steps or interpretations.\n' +
    ' Step 6: Provide the final answer, starting with "FINAL ANSWER:" and using as few words as possible, simply stating the number or data point requested. \n\n' +
    ' The question is: {question}<cot_start>Let\'s think step by step.',
  docvqa:
    '<|image|> Read the text in the image carefully and answer the question with the text as seen exactly in the image. For yes/no questions, just respond Yes or No. If the answer is numeric, just respond with the number and nothing else. If the answer has multiple words, just respond with the words and absolutely nothing else. Never respond in a sentence or a phrase.\n Question: {question}',
  vqav2:
    '<|image|> Look at the image carefully and answer this visual question. For yes/no questions, just respond Yes or No. If the answer is numeric, just respond with the number and nothing else. If the answer has multiple words, just respond with the words and absolutely nothing else. Never respond in a sentence or a phrase.\n Respond with as few words as possible.\n Question: {question}',
  // one text for both sizes; an LLM extracts the answer "as recommended by the MathVista paper"
  mathvista: '<|image|>{question}',
} as const;

/** Max new tokens per benchmark (eval_details.md). */
export const META_MAX_TOKENS = { mmmu: 2048, ai2d: 400, chartqa: 512, docvqa: 512, vqav2: 25, mathvista: 2048 } as const;

/**
 * Meta's template as a Prompt: the leading `<|image|>` becomes the sample's image parts (a sample
 * with several images gets all of them there; a backend that takes one tiles them, as Meta stitched
 * MMMU-Pro's), and `{name}` placeholders are filled literally (a replacer function: `$` in a question
 * is not a pattern).
 */
export function metaPrompt(template: string, imageCount: number, fill: Readonly<Record<string, string>>): Prompt {
  if (!template.startsWith(IMAGE_TOKEN)) throw new Error(`a Meta prompt starts with ${IMAGE_TOKEN}`);
  // one pass, so a question that itself contains `{options}` stays as written
  const text = template.slice(IMAGE_TOKEN.length).replace(/\{(\w+)\}/g, (m: string, name: string) => fill[name] ?? m);
  const content: Prompt['messages'][number]['content'] = [];
  for (let i = 0; i < imageCount; i++) content.push({ type: 'image', index: i });
  content.push({ type: 'text', text });
  return { messages: [{ role: 'user', content }] };
}
