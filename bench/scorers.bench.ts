// Scorer throughput on realistic sizes: the whole VQAv2 validation set (214,354 questions x 10
// answers) and COCO val2017 (5,000 images x 5 references), with synthetic but realistically shaped
// text (seeded, so every run scores the same data), and a realistic MMMU response mix
// (./mmmu-mix.ts). Then, each in a fresh process (./scorers-child.ts): the first call (what
// `npm run score` pays) and warm calls of MMMU and of VQA at 1x and 4x (with the bootstrap CI), and
// COCO's peak RSS at 80,000 images. With MMMU_OFFICIAL_DIR set to a folder holding the official
// MMMU eval_utils.py and data_utils.py, the same mix is timed there too (./reference/).

import { execFile, fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { anlsScorer } from '../src/scorers/anls.ts';
import { cocoScorer } from '../src/scorers/caption/coco.ts';
import { mmmuScorer } from '../src/scorers/mmmu/mmmu.ts';
import { relaxedAccuracyScorer } from '../src/scorers/relaxed-accuracy.ts';
import type { ScoreInput, Scorer } from '../src/scorers/types.ts';
import { vqaScorer } from '../src/scorers/vqa/vqa-accuracy.ts';
import { seededUniform } from '../src/run/stats.ts';
import { mmmuRealisticInputs } from './mmmu-mix.ts';

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
  const answerType = (a: string) => (/^(yes|no)\.?$/i.test(a) ? 'yes/no' : /^(\d+|two|none)$/.test(a) ? 'number' : 'other');
  return Array.from({ length: n }, (_, i) => {
    const common = answerPool[Math.floor(rand() * answerPool.length)];
    const references = Array.from({ length: 10 }, () => (rand() < 0.7 ? common : answerPool[Math.floor(rand() * answerPool.length)]));
    const prediction = rand() < 0.6 ? common : answerPool[Math.floor(rand() * answerPool.length)];
    return { id: String(i), prediction, references, group: answerType(common) };
  });
}

export function cocoInputs(n = 5_000): ScoreInput[] {
  const rand = seededUniform(11);
  // join() gives flat strings, as JSON.parse and the parquet reader do; a template literal would
  // give two-piece strings that the first use copies, which is not what real inputs cost.
  const sentence = (min: number, max: number) => [text(rand, min, max), '.'].join('');
  return Array.from({ length: n }, (_, i) => ({
    id: String(i),
    prediction: sentence(7, 12),
    references: Array.from({ length: 5 }, () => sentence(8, 14)),
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
    { name: 'mmmu: MMMU val (900), 90% bare letters', scorer: mmmuScorer, inputs: mmmuInputs(900) },
    { name: 'mmmu: realistic mix (10,500; reasoning, 5% unparseable, 10% open)', scorer: mmmuScorer, inputs: mmmuRealisticInputs() },
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

/** One ./scorers-child.ts measurement in a fresh process (with --expose-gc, as the first call should not pay for building inputs). */
function child(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(new URL('./scorers-child.ts', import.meta.url)), args, {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d));
    proc.once('error', reject);
    proc.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`scorers-child ${args.join(' ')} exited with ${code}`))));
  });
}

const ms = (x: number) => Number(x.toFixed(1));

/** First and warm calls in fresh processes: MMMU's realistic mix, VQA at 1x and 4x (scoring + bootstrap CI). */
export async function benchScorersFresh(): Promise<Array<Record<string, string | number>>> {
  const rows: Array<Record<string, string | number>> = [];
  const mmmu = await child(['mmmu']);
  rows.push({ task: `mmmu realistic mix (${mmmu.n})`, 'first wall ms': ms(mmmu.firstWallMs), 'first cpu ms': ms(mmmu.firstCpuMs), 'warm wall ms': ms(mmmu.warmWallMs), 'warm cpu ms': ms(mmmu.warmCpuMs) });
  const one = await child(['vqa', '214354']);
  const four = await child(['vqa', String(4 * 214_354)]);
  for (const [label, r] of [['1x', one], ['4x', four]] as const) {
    rows.push({ task: `vqa ${label} (${r.n}) + bootstrap CI`, 'first wall ms': ms(r.firstWallMs), 'first cpu ms': ms(r.firstCpuMs), 'warm wall ms': ms(r.warmWallMs), 'warm cpu ms': ms(r.warmCpuMs) });
  }
  rows.push({
    task: 'vqa 4x / 1x time',
    'first wall ms': ms(four.firstWallMs / one.firstWallMs),
    'first cpu ms': ms(four.firstCpuMs / one.firstCpuMs),
    'warm wall ms': ms(four.warmWallMs / one.warmWallMs),
    'warm cpu ms': ms(four.warmCpuMs / one.warmCpuMs),
  });
  return rows;
}

/** COCO peak RSS per sample at 80,000 images x 5 references (target: at most 4 KiB). */
export async function benchCocoMemory(n = 80_000): Promise<Record<string, number>> {
  const r = await child(['coco-rss', String(n)]);
  return { images: r.n, 'RSS before MiB': Math.round(r.rssBeforeMiB), 'peak RSS MiB': Math.round(r.peakRssMiB), 'KiB per sample': Number(r.kibPerSample.toFixed(2)), 'wall s': Number((r.wallMs / 1000).toFixed(1)) };
}

/**
 * The official MMMU scoring on the same realistic mix (bench/reference/time-mmmu-official.py, Python),
 * side by side with ours: in-process first and median pass, CPU and wall. Null without MMMU_OFFICIAL_DIR.
 */
export async function benchMmmuOfficial(ours: Record<string, string | number> | undefined): Promise<Array<Record<string, string | number>> | null> {
  const dir = process.env.MMMU_OFFICIAL_DIR;
  if (!dir) return null;
  const tmp = await mkdtemp(join(tmpdir(), 'vlm-mmmu-bench-'));
  try {
    const file = join(tmp, 'mix.jsonl');
    const lines = mmmuRealisticInputs().map((s) =>
      JSON.stringify({ id: s.id, prediction: s.prediction, references: s.references, options: s.options, question_type: s.questionType }),
    );
    await writeFile(file, `${lines.join('\n')}\n`);
    const script = fileURLToPath(new URL('./reference/time-mmmu-official.py', import.meta.url));
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.env.PYTHON ?? 'python3', [script, dir, file, '9'], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const py = JSON.parse(out) as { wall_ms: number[]; cpu_ms: number[]; median_wall_ms: number; median_cpu_ms: number };
    const rows: Array<Record<string, string | number>> = [
      { task: 'official eval_utils.py (Python)', 'first wall ms': ms(py.wall_ms[0]), 'first cpu ms': ms(py.cpu_ms[0]), 'warm wall ms': ms(py.median_wall_ms), 'warm cpu ms': ms(py.median_cpu_ms) },
    ];
    if (ours) {
      const ratio = (key: string, python: number) => ms(python / Number(ours[key]));
      rows.push({
        task: 'official / ours (x faster)',
        'first wall ms': ratio('first wall ms', py.wall_ms[0]),
        'first cpu ms': ratio('first cpu ms', py.cpu_ms[0]),
        'warm wall ms': ratio('warm wall ms', py.median_wall_ms),
        'warm cpu ms': ratio('warm cpu ms', py.median_cpu_ms),
      });
    }
    return rows;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
