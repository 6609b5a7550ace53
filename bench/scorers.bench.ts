// Scorer throughput on realistic sizes: the whole VQAv2 validation set (214,354 questions x 10
// answers) and COCO val2017 (5,000 images x 5 references), with synthetic but realistically shaped
// text (seeded, so every run scores the same data). Targets: VQAv2 < 2 s, COCO CIDEr-D < 1 s.

import { Bench } from 'tinybench';
import { anlsScorer } from '../src/scorers/anls.ts';
import { cocoScorer } from '../src/scorers/caption/coco.ts';
import { mmmuScorer } from '../src/scorers/mmmu.ts';
import { relaxedAccuracyScorer } from '../src/scorers/relaxed-accuracy.ts';
import type { ScoreInput, Scorer } from '../src/scorers/types.ts';
import { vqaScorer } from '../src/scorers/vqa-accuracy.ts';
import { seededUniform } from '../src/run/stats.ts';

const WORDS = ('a an the man woman dog cat red blue green two three yes no table chair street car bus train ' +
  'sitting standing riding holding on in of with next to near large small white black brown plate food pizza ' +
  'sky grass water tree building people group computer phone kitchen room bed window').split(' ');

function text(rand: () => number, min: number, max: number): string {
  const n = min + Math.floor(rand() * (max - min + 1));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return out.join(' ');
}

export function vqaInputs(n = 214_354): ScoreInput[] {
  const rand = seededUniform(7);
  const answerPool = ['yes', 'no', '2', 'two', '1', '3', 'white', 'red', 'Yes.', 'tennis', 'the dog', '10:30', 'none', 'black and white'];
  return Array.from({ length: n }, (_, i) => {
    const common = answerPool[Math.floor(rand() * answerPool.length)];
    const references = Array.from({ length: 10 }, () => (rand() < 0.7 ? common : answerPool[Math.floor(rand() * answerPool.length)]));
    const prediction = rand() < 0.6 ? common : answerPool[Math.floor(rand() * answerPool.length)];
    return { id: String(i), prediction, references };
  });
}

export function cocoInputs(n = 5_000): ScoreInput[] {
  const rand = seededUniform(11);
  return Array.from({ length: n }, (_, i) => ({
    id: String(i),
    prediction: `${text(rand, 7, 12)}.`,
    references: Array.from({ length: 5 }, () => `${text(rand, 8, 14)}.`),
  }));
}

function shortAnswerInputs(n: number, seed: number): ScoreInput[] {
  const rand = seededUniform(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: String(i),
    prediction: rand() < 0.5 ? String(Math.floor(rand() * 100)) : text(rand, 1, 3),
    references: [rand() < 0.5 ? String(Math.floor(rand() * 100)) : text(rand, 1, 3)],
  }));
}

function mmmuInputs(n: number): ScoreInput[] {
  const rand = seededUniform(13);
  return Array.from({ length: n }, (_, i) => {
    const open = rand() < 0.1;
    return open
      ? { id: String(i), prediction: `The answer is ${Math.floor(rand() * 50)}`, references: [String(Math.floor(rand() * 50))], options: [], questionType: 'open' as const }
      : { id: String(i), prediction: rand() < 0.9 ? 'ABCD'[Math.floor(rand() * 4)] : 'I am not sure', references: ['B'], options: ['12', '24', '36', '48'], questionType: 'multiple-choice' as const };
  });
}

export async function benchScorers(): Promise<Array<Record<string, string | number>>> {
  const cases: Array<{ name: string; scorer: Scorer; inputs: ScoreInput[] }> = [
    { name: 'vqa: VQAv2 val (214,354 x 10)', scorer: vqaScorer, inputs: vqaInputs() },
    { name: 'coco: val2017 (5,000 x 5), PTB + BLEU + ROUGE-L + CIDEr-D', scorer: cocoScorer, inputs: cocoInputs() },
    { name: 'anls: DocVQA val (5,349)', scorer: anlsScorer, inputs: shortAnswerInputs(5_349, 3) },
    { name: 'relaxed-accuracy: ChartQA test (2,500)', scorer: relaxedAccuracyScorer, inputs: shortAnswerInputs(2_500, 5) },
    { name: 'mmmu: MMMU val (900)', scorer: mmmuScorer, inputs: mmmuInputs(900) },
  ];
  const bench = new Bench({ iterations: 5, time: 0, warmup: true, warmupIterations: 1 } as ConstructorParameters<typeof Bench>[0]);
  for (const c of cases) bench.add(c.name, () => void c.scorer.scoreSet(c.inputs));
  await bench.run();
  return bench.tasks.map((t, i) => {
    const r = t.result as { latency?: { mean: number; p50?: number; min: number } };
    const ms = r.latency?.mean ?? NaN;
    return {
      task: t.name,
      'mean ms (whole set)': Number(ms.toFixed(1)),
      'min ms': Number((r.latency?.min ?? NaN).toFixed(1)),
      'samples/s': Math.round(cases[i].inputs.length / (ms / 1000)),
    };
  });
}
