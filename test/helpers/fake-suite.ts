// A minimal Suite and scripted Backends for runner tests: exact-match scoring on the built-in
// relaxed-accuracy scorer, one image per sample.

import sharp from 'sharp';
import { relaxedAccuracyScorer } from '../../src/scorers/relaxed-accuracy.ts';
import type { Backend, Generation, Request, Sample, StyledSuite } from '../../src/types.ts';

export const fakeSuite: StyledSuite = {
  id: 'chartqa',
  title: 'fake',
  version: 1,
  promptStyle: 'lmms-eval',
  datasets: () => [{ repo: 'test/fake', config: 'default', split: 'test', dataFiles: ['*.parquet'] }],
  toSample: (row) => ({ id: String(row.id), images: [], question: String(row.q), references: [String(row.a)], meta: {} }),
  prompt: (s) => ({
    messages: [{ role: 'user', content: [...s.images.map((_, index) => ({ type: 'image' as const, index })), { type: 'text', text: s.question }] }],
  }),
  generation: { maxTokens: 8 },
  extract: (t) => ({ answer: t.trim() }),
  scorer: relaxedAccuracyScorer,
  primaryMetric: 'relaxed_accuracy',
  scoreInput: (s, extracted) => ({ id: s.id, prediction: extracted, references: s.references }),
};

export async function pngBytes(width = 8, height = 6, color = '#ff0000'): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer());
}

export async function fakeSample(id: string, answer: string, imageCount = 1): Promise<Sample> {
  const images = [];
  for (let i = 0; i < imageCount; i++) images.push({ bytes: await pngBytes(), path: null });
  return { id, images, question: `q${id}`, references: [answer], meta: {} };
}

/** A backend whose generate() is a script: a function of the request and the attempt number. */
export function scriptedBackend(
  script: (req: Request, attempt: number, signal: AbortSignal) => Promise<string> | string,
  opts: { maxImages?: number } = {},
): Backend & { calls: Request[] } {
  const attempts = new Map<string, number>();
  const calls: Request[] = [];
  return {
    id: 'scripted',
    maxImages: opts.maxImages ?? 8,
    calls,
    async describe() {
      return { id: 'scripted', backend: 'scripted', dtype: null };
    },
    async generate(req, signal): Promise<Generation> {
      calls.push(req);
      const n = (attempts.get(req.sampleId) ?? 0) + 1;
      attempts.set(req.sampleId, n);
      const start = performance.now();
      const text = await script(req, n, signal);
      const end = performance.now();
      return { text, outputTokens: 1, tokenSource: 'estimate', timing: { startMs: start, firstTokenMs: end, chunkMs: [end], endMs: end } };
    },
  };
}

/** Resolves after `ms`, or rejects when the signal aborts (a backend honouring AbortSignal). */
export function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    });
  });
}
