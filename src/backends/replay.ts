// `--backend replay --predictions <file>`: re-scores saved outputs with today's scorers. The file
// is JSONL, either `{"id", "prediction"}` per line or an earlier run's samples.jsonl. A sample
// with no saved prediction is errored (kind `input`), never scored as wrong.

import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import type { Backend, Generation, Request } from '../types.ts';
import { BackendError } from './backend-error.ts';

export async function readPredictions(file: string): Promise<Map<string, string | null>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`--predictions ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  const predictions = new Map<string, string | null>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    let o: { id?: unknown; prediction?: unknown } | null;
    try {
      o = JSON.parse(raw) as typeof o;
    } catch {
      // a torn last line of an interrupted run's journal is not a prediction
      if (i >= lines.length - 2) continue;
      throw new UserError(`${file}:${i + 1}: not valid JSON. Expected {"id", "prediction"} per line or a samples.jsonl.`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      throw new UserError(`${file}:${i + 1}: expected a JSON object {"id", "prediction"}, found ${o === null ? 'null' : Array.isArray(o) ? 'a list' : typeof o}.`);
    }
    if (typeof o.id !== 'string' && typeof o.id !== 'number') throw new UserError(`${file}:${i + 1}: field 'id' is missing (string expected).`);
    if (o.prediction !== null && typeof o.prediction !== 'string') {
      throw new UserError(`${file}:${i + 1}: field 'prediction' should be a string (or null for an errored sample).`);
    }
    predictions.set(String(o.id), o.prediction ?? null);
  }
  return predictions;
}

export function createReplayBackend(params: { file: string; predictions: Map<string, string | null> }): Backend {
  return {
    id: 'replay',
    maxImages: Number.POSITIVE_INFINITY,
    async describe() {
      return { id: `replay:${params.file}`, backend: 'replay', dtype: null };
    },
    async generate(request: Request): Promise<Generation> {
      const text = params.predictions.get(request.sampleId);
      if (text === undefined) throw new BackendError(`no prediction for sample '${request.sampleId}' in ${params.file}`, { kind: 'input', retryable: false });
      if (text === null) throw new BackendError(`the saved result for sample '${request.sampleId}' in ${params.file} was errored`, { kind: 'input', retryable: false });
      return { text, outputTokens: 0, tokenSource: 'none', timing: null };
    },
  };
}
