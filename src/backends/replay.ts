// `--backend replay --predictions <file>`: re-scores saved outputs with today's scorers. The file
// is JSONL, either `{"id", "prediction"}` per line or an earlier run's samples.jsonl. A sample
// with no saved prediction is errored (kind `input`), never scored as wrong.

import { closeSync, openSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { createKeyIndex } from '../run/key-index.ts';
import { createRecordReader, readLines } from '../run/read-lines.ts';
import type { Backend, Generation, Request } from '../types.ts';
import { BackendError } from './backend-error.ts';

/** Saved predictions by sample id: an index of the file's lines, each read when asked for. */
export interface Predictions {
  readonly size: number;
  /** The prediction; null for a sample saved as errored; undefined when the file has no such id. */
  get(id: string): string | null | undefined;
  close(): void;
}

/**
 * Indexes a predictions file in one pass, checking every line (a later line for the same id wins),
 * and keeps only where each id's line is: a 214k-line file costs ~40 bytes per line of memory.
 */
export async function readPredictions(file: string): Promise<Predictions> {
  const index = createKeyIndex();
  let badLine = 0;
  let lineNo = 0;
  try {
    for (const line of readLines(file)) {
      lineNo++;
      const raw = line.text.trim();
      if (!raw) continue;
      if (badLine) throw new UserError(`${file}:${badLine}: not valid JSON. Expected {"id", "prediction"} per line or a samples.jsonl.`);
      let o: { id?: unknown; prediction?: unknown } | null;
      try {
        o = JSON.parse(raw) as typeof o;
      } catch {
        // a torn last line of an interrupted run's journal is not a prediction
        badLine = lineNo;
        continue;
      }
      if (typeof o !== 'object' || o === null || Array.isArray(o)) {
        throw new UserError(`${file}:${lineNo}: expected a JSON object {"id", "prediction"}, found ${o === null ? 'null' : Array.isArray(o) ? 'a list' : typeof o}.`);
      }
      if (typeof o.id !== 'string' && typeof o.id !== 'number') throw new UserError(`${file}:${lineNo}: field 'id' is missing (string expected).`);
      if (o.prediction !== null && typeof o.prediction !== 'string') {
        throw new UserError(`${file}:${lineNo}: field 'prediction' should be a string (or null for an errored sample).`);
      }
      index.set(String(o.id), line.offset, line.length, 0);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--predictions ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  let fd: number | null = null;
  const readRecord = createRecordReader();
  return {
    get size() {
      return index.size;
    },
    get(id) {
      const record = index.find(id);
      if (record < 0) return undefined;
      fd ??= openSync(file, 'r');
      const o = JSON.parse(readRecord(fd, index.offset(record), index.length(record))) as { id: string | number; prediction?: string | null };
      if (String(o.id) !== id) throw new Error(`${file}: the predictions index mixed up '${id}' and '${o.id}'`);
      return o.prediction ?? null;
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

export function createReplayBackend(params: { file: string; predictions: Predictions }): Backend {
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
    async close() {
      params.predictions.close();
    },
  };
}
