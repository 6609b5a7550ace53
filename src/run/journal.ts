// samples.jsonl: one SampleResult per line, appended as each sample finishes, so a killed run
// loses at most the line being written. On resume a half-written last line is cut off and that
// sample is run again; when an id appears twice (a retried error), the later line wins.
//
// Memory stays flat however long the run: the journal keeps only an index in typed arrays (where
// each sample's latest line is, its status and suite; key-index.ts) and reads a result back from
// the file when it is asked for: ~40 bytes per sample outside the JS heap, not the results.

import { closeSync, existsSync, ftruncateSync, openSync, renameSync } from 'node:fs';
import type { ErrorKind, SampleResult } from '../types.ts';
import { UserError } from '../errors.ts';
import { createKeyIndex } from './key-index.ts';
import { createLineWriter, createRecordReader, readLines, writeAll } from './read-lines.ts';

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

/** How a finished sample ended: 'scored', or the kind of its error. */
export type JournalStatus = 'scored' | ErrorKind;

const STATUS: readonly JournalStatus[] = ['scored', 'backend', 'timeout', 'input', 'judge'];

/** The read-only Map operations over the journal's results; values are read from the file. */
export interface JournalResults extends Iterable<[string, SampleResult]> {
  readonly size: number;
  get(key: string): SampleResult | undefined;
  has(key: string): boolean;
  keys(): IterableIterator<string>;
  values(): IterableIterator<SampleResult>;
  entries(): IterableIterator<[string, SampleResult]>;
}

export interface Journal {
  path: string;
  /** Finished samples (distinct keys). */
  readonly size: number;
  /** How the sample `journalKey(suite, id)` ended, or null when it has not finished. */
  status(key: string): JournalStatus | null;
  /** Finished samples by key, each read back from the file when asked for. */
  results: JournalResults;
  /** Lines dropped at open: a half-written last line from an interrupted run. */
  repairedLines: number;
  append(result: SampleResult): void;
  /** The latest result of a sample, read from the file (also after close()). */
  read(key: string): SampleResult | undefined;
  /** The record number of a finished sample (records follow first appearance), or -1. */
  recordOf(key: string): number;
  /** A record's latest line, as written. */
  line(record: number): string;
  /** Whether the line at this byte offset is the latest of `key` (a retried error has an earlier one). */
  isLatest(key: string, offset: number): boolean;
  /** The latest line of every finished sample, as written, in order of first appearance. */
  lines(): Generator<string>;
  /** Number of finished samples' records (the record numbers are 0 … records - 1). */
  readonly records: number;
  /** The suite of a record. */
  suiteOf(record: number): string;
  close(): void;
}

export interface JournalOptions {
  /** Stamped on every appended line (`invocation`), so perf can group samples by the invocation that timed them. */
  invocation?: string;
}

/** A record's tag: its status in the low 3 bits, the suite's number (in `suites`) above them. */
function tagOf(r: SampleResult, suites: string[]): number {
  let suite = suites.indexOf(r.suite);
  if (suite === -1) suite = suites.push(r.suite) - 1;
  if (suite > 31) throw new Error('samples.jsonl: more than 32 suites in one run directory');
  return STATUS.indexOf(r.state === 'errored' ? r.error.kind : 'scored') | (suite << 3);
}

export function openJournal(path: string, options: JournalOptions = {}): Journal {
  const index = createKeyIndex();
  const suites: string[] = [];
  let repairedLines = 0;
  let size = 0;
  if (existsSync(path)) {
    let lineNo = 0;
    let fileEnd = 0;
    let badLine = 0; // a complete line that is not a result: tolerated only as the very last line
    for (const line of readLines(path)) {
      if (badLine) {
        throw new UserError(`${path}:${badLine} is not a sample result (corrupt line in the middle of the journal). Fix or delete that line, then resume again.`);
      }
      lineNo++;
      fileEnd = line.offset + line.length + (line.terminated ? 1 : 0);
      if (!line.terminated) {
        // the last line was cut short by a kill: drop it and redo that sample
        repairedLines++;
        break;
      }
      if (line.text.trim() === '') {
        size = fileEnd;
        continue;
      }
      let parsed: SampleResult | null = null;
      try {
        parsed = JSON.parse(line.text) as SampleResult;
      } catch {
        parsed = null;
      }
      if (parsed !== null && typeof parsed === 'object' && typeof parsed.id === 'string' && typeof parsed.suite === 'string') {
        index.set(journalKey(parsed.suite, parsed.id), line.offset, line.length, tagOf(parsed, suites));
        size = fileEnd;
      } else {
        badLine = lineNo;
      }
    }
    if (badLine) repairedLines++;
    if (size < fileEnd) {
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, size);
      closeSync(fd);
    }
  }
  const fd = openSync(path, 'a');
  let readFd: number | null = null;
  const readRecord = createRecordReader();

  function lineAt(record: number): string {
    readFd ??= openSync(path, 'r');
    return readRecord(readFd, index.offset(record), index.length(record));
  }

  function read(key: string): SampleResult | undefined {
    const record = index.find(key);
    if (record < 0) return undefined;
    const r = fromJournalLine(JSON.parse(lineAt(record)) as SampleResult);
    // the index identifies keys by two hashes; a collision (~1e-9 at 200k samples) would show here
    if (journalKey(r.suite, r.id) !== key) throw new Error(`${path}: the journal index mixed up '${key}' and '${journalKey(r.suite, r.id)}'`);
    return r;
  }

  function* lines(): Generator<string> {
    for (let record = 0; record < index.size; record++) yield lineAt(record);
  }

  function* values(): Generator<SampleResult> {
    for (const line of lines()) yield fromJournalLine(JSON.parse(line) as SampleResult);
  }

  const results: JournalResults = {
    get size() {
      return index.size;
    },
    get: read,
    has: (key) => index.find(key) >= 0,
    *keys() {
      for (const r of values()) yield journalKey(r.suite, r.id);
    },
    values,
    *entries() {
      for (const r of values()) yield [journalKey(r.suite, r.id), r] as [string, SampleResult];
    },
    [Symbol.iterator]() {
      return this.entries();
    },
  };

  return {
    path,
    get size() {
      return index.size;
    },
    status(key) {
      const record = index.find(key);
      return record < 0 ? null : STATUS[index.tag(record) & 7];
    },
    results,
    repairedLines,
    append(result) {
      // the result is this run's own object: stamped, not copied (see sample-spill.ts on spreads)
      if (options.invocation) result.invocation = options.invocation;
      // one write call per line: a kill leaves whole lines or one torn last line
      const line = `${toJournalLine(result)}\n`;
      const length = Buffer.byteLength(line);
      writeAll(fd, line);
      index.set(journalKey(result.suite, result.id), size, length - 1, tagOf(result, suites));
      size += length;
    },
    read,
    recordOf: (key) => index.find(key),
    line: lineAt,
    isLatest(key, offset) {
      const record = index.find(key);
      return record >= 0 && index.offset(record) === offset;
    },
    lines,
    get records() {
      return index.size;
    },
    suiteOf: (record) => suites[index.tag(record) >> 3],
    close() {
      closeSync(fd);
      if (readFd !== null) closeSync(readFd);
      readFd = null;
    },
  };
}

/**
 * Rewrites the journal once a run completes: the latest line of every sample of the suites not
 * finalised this time, as it was, then each finalised suite's final lines (dataset order, final
 * scores) from the file finalizeSuite wrote. Streams line by line; atomic via rename.
 */
export function rewriteJournal(journal: Journal, finalFiles: ReadonlyMap<string, string>): void {
  const tmp = `${journal.path}.tmp`;
  const out = createLineWriter(openSync(tmp, 'w'));
  for (let record = 0; record < journal.records; record++) if (!finalFiles.has(journal.suiteOf(record))) out.write(journal.line(record));
  for (const file of finalFiles.values()) for (const l of readLines(file)) if (l.terminated) out.write(l.text);
  out.close();
  renameSync(tmp, journal.path);
}

/**
 * Streams the journal's results line by line (with each line's byte offset), without holding the
 * file in memory; lines that are not whole results (a torn last line) are skipped. Later lines win
 * over earlier ones with the same suite and id; the caller decides what that means for it.
 */
export async function* readJournalLines(path: string): AsyncGenerator<{ offset: number; result: SampleResult }> {
  if (!existsSync(path)) return;
  for (const line of readLines(path)) {
    if (!line.terminated || !line.text.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.text);
    } catch {
      continue;
    }
    const r = parsed as SampleResult | null;
    if (r && typeof r.id === 'string' && typeof r.suite === 'string') yield { offset: line.offset, result: fromJournalLine(r) };
  }
}
