// samples.jsonl: one SampleResult per line, appended as each sample finishes, so a killed run
// loses at most the line being written. On resume a half-written last line is cut off and that
// sample is run again; when an id appears twice (a retried error), the later line wins.

import { closeSync, createReadStream, existsSync, ftruncateSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SampleResult } from '../types.ts';
import { UserError } from '../errors.ts';

/** Answers longer than this are stored once in samples.jsonl (see toJournalLine). */
export const STORED_ONCE_CHARS = 1024;

/**
 * A result as one samples.jsonl line. A long answer is stored once: `extracted` is left out when it
 * is the prediction itself and longer than STORED_ONCE_CHARS (a multi-MiB answer would otherwise be
 * written twice); `fromJournalLine` puts it back. Short answers keep both fields.
 */
export function toJournalLine(result: SampleResult): string {
  if (result.state === 'scored' && result.extracted === result.prediction && result.prediction.length > STORED_ONCE_CHARS) {
    const { extracted: _same, ...rest } = result;
    return JSON.stringify(rest);
  }
  return JSON.stringify(result);
}

/** A parsed samples.jsonl line as a SampleResult (see toJournalLine). */
export function fromJournalLine<T extends { state?: unknown; prediction?: unknown; extracted?: unknown }>(line: T): T {
  return line.state === 'scored' && line.extracted === undefined ? { ...line, extracted: line.prediction } : line;
}

/** Results are keyed by suite and id: one run directory may hold several suites. */
export function journalKey(suite: string, id: string): string {
  return `${suite}/${id}`;
}

export interface Journal {
  path: string;
  /** Finished samples by journalKey(suite, id), read at open time plus everything appended since. */
  results: Map<string, SampleResult>;
  /** Lines dropped at open: a half-written last line from an interrupted run. */
  repairedLines: number;
  append(result: SampleResult): void;
  close(): void;
}

export interface JournalOptions {
  /** Stamped on every appended line (`invocation`), so perf can group samples by the invocation that timed them. */
  invocation?: string;
}

export function openJournal(path: string, options: JournalOptions = {}): Journal {
  const results = new Map<string, SampleResult>();
  let repairedLines = 0;
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    let goodEnd = 0;
    let lineNo = 0;
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      const line = text.slice(start, end);
      lineNo++;
      let parsed: SampleResult | null = null;
      try {
        parsed = line.trim() ? fromJournalLine(JSON.parse(line) as SampleResult) : null;
      } catch {
        parsed = null;
      }
      const complete = nl !== -1 && parsed !== null && typeof parsed.id === 'string' && typeof parsed.suite === 'string';
      if (!complete) {
        if (nl === -1 || end === text.length - 1) {
          // the last line was cut short by a kill: drop it and redo that sample
          repairedLines++;
          break;
        }
        if (line.trim() === '') {
          start = end + 1;
          goodEnd = start;
          continue;
        }
        throw new UserError(`${path}:${lineNo} is not a sample result (corrupt line in the middle of the journal). Fix or delete that line, then resume again.`);
      }
      results.set(journalKey(parsed!.suite, parsed!.id), parsed!);
      start = end + 1;
      goodEnd = start;
    }
    const keepBytes = Buffer.byteLength(text.slice(0, goodEnd));
    if (keepBytes < Buffer.byteLength(text)) {
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, keepBytes);
      closeSync(fd);
    }
  }
  const fd = openSync(path, 'a');
  return {
    path,
    results,
    repairedLines,
    append(result) {
      const line = options.invocation ? { ...result, invocation: options.invocation } : result;
      // one write call per line: a kill leaves whole lines or one torn last line
      writeSync(fd, `${toJournalLine(line)}\n`);
      results.set(journalKey(result.suite, result.id), line);
    },
    close() {
      closeSync(fd);
    },
  };
}

/** Rewrites the journal in dataset order with final (corpus-aware) scores; atomic via rename. */
export function rewriteJournal(path: string, results: readonly SampleResult[]): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, results.map((r) => `${toJournalLine(r)}\n`).join(''));
  renameSync(tmp, path);
}

/**
 * Streams the journal's results line by line (numbered from 0), without holding the file in
 * memory; lines that are not whole results (a torn last line) are skipped. Later lines win over
 * earlier ones with the same suite and id; the caller decides what that means for it.
 */
export async function* readJournalLines(path: string): AsyncGenerator<{ index: number; result: SampleResult }> {
  if (!existsSync(path)) return;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let index = -1;
  for await (const text of lines) {
    index++;
    if (!text.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    const r = parsed as SampleResult | null;
    if (r && typeof r.id === 'string' && typeof r.suite === 'string') yield { index, result: fromJournalLine(r) };
  }
}
