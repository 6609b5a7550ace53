import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalKey, openJournal, readJournalLines, rewriteJournal } from '../../src/run/journal.ts';
import type { SampleResult } from '../../src/types.ts';

const scored = (id: string): SampleResult => ({ suite: 'vqav2', id, state: 'scored', prediction: 'yes', extracted: 'yes', score: 1 });
const errored = (id: string): SampleResult => ({
  suite: 'vqav2', id, state: 'errored', prediction: null, extracted: null, score: null, error: { kind: 'backend', message: 'boom' },
});

function tmpFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'journal-')), 'samples.jsonl');
}

describe('journal', () => {
  it('appends one line per result and reads them back on reopen', () => {
    const path = tmpFile();
    const j = openJournal(path);
    j.append(scored('a'));
    j.append(errored('b'));
    j.close();
    const again = openJournal(path);
    expect([...again.results.keys()]).toEqual([journalKey('vqav2', 'a'), journalKey('vqav2', 'b')]);
    expect(again.repairedLines).toBe(0);
    again.close();
  });

  it('drops a half-written last line (a killed run) and truncates the file to whole lines', () => {
    const path = tmpFile();
    writeFileSync(path, `${JSON.stringify(scored('a'))}\n{"suite":"vqav2","id":"b","sta`);
    const j = openJournal(path);
    expect(j.repairedLines).toBe(1);
    expect([...j.results.keys()]).toEqual([journalKey('vqav2', 'a')]);
    j.append(scored('b'));
    j.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    expect(lines.map((l) => l.id)).toEqual(['a', 'b']);
  });

  it('lets a later line for the same sample win (a retried error)', () => {
    const path = tmpFile();
    appendFileSync(path, `${JSON.stringify(errored('a'))}\n${JSON.stringify(scored('a'))}\n`);
    const j = openJournal(path);
    expect(j.results.get(journalKey('vqav2', 'a'))?.state).toBe('scored');
    j.close();
  });

  it('refuses a corrupt line in the middle, naming the line', () => {
    const path = tmpFile();
    writeFileSync(path, `${JSON.stringify(scored('a'))}\nnot json\n${JSON.stringify(scored('b'))}\n`);
    expect(() => openJournal(path)).toThrow(/samples\.jsonl:2/);
  });

  it('keys results by suite and id, so suites may share ids', () => {
    const path = tmpFile();
    const j = openJournal(path);
    j.append(scored('1'));
    j.append({ ...scored('1'), suite: 'docvqa' });
    expect(j.results.size).toBe(2);
    j.close();
  });

  it('rewrites atomically: other suites\' latest lines as they were, then each finalised suite\'s file', () => {
    const path = tmpFile();
    const j = openJournal(path);
    j.append(scored('b'));
    j.append({ ...errored('x'), suite: 'docvqa' });
    j.append(scored('a'));
    j.append({ ...scored('x'), suite: 'docvqa' });
    const final = `${path}.vqav2.final`;
    writeFileSync(final, `${JSON.stringify({ ...scored('a'), score: 0.5 })}\n${JSON.stringify(scored('b'))}\n`);
    rewriteJournal(j, new Map([['vqav2', final]]));
    j.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    expect(lines.map((l) => `${l.suite}/${l.id}/${l.state}/${l.score}`)).toEqual(['docvqa/x/scored/1', 'vqav2/a/scored/0.5', 'vqav2/b/scored/1']);
  });

  it('keeps only an index in memory and reads results back from the file', () => {
    const path = tmpFile();
    const j = openJournal(path);
    j.append({ ...scored('é'), prediction: 'naïve ✓' });
    j.append(errored('b'));
    expect(j.status(journalKey('vqav2', 'b'))).toBe('backend');
    expect(j.status(journalKey('vqav2', 'é'))).toBe('scored');
    expect(j.status(journalKey('vqav2', 'zz'))).toBeNull();
    expect(j.read(journalKey('vqav2', 'é'))).toMatchObject({ prediction: 'naïve ✓' });
    j.close();
    const again = openJournal(path);
    expect([...again.results.values()].map((r) => r.id)).toEqual(['é', 'b']);
    expect(again.results.get(journalKey('vqav2', 'é'))).toMatchObject({ prediction: 'naïve ✓', state: 'scored' });
    again.close();
  });

  it('stores a long prediction once: extracted is left out when it is the (long) prediction, and restored on reading', async () => {
    const path = tmpFile();
    const long = 'x'.repeat(100_000);
    const j = openJournal(path, { invocation: 'inv-1' });
    const answer = (id: string, prediction: string, extracted: string): SampleResult => ({ suite: 'vqav2', id, state: 'scored', prediction, extracted, score: 1 });
    j.append(answer('a', long, long));
    j.append(answer('b', ' B ', 'B'));
    j.append(answer('c', 'short', 'short'));
    j.close();
    const text = readFileSync(path, 'utf8');
    expect(text.length).toBeLessThan(101_000);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect('extracted' in lines[0]).toBe(false);
    expect(lines[1]).toMatchObject({ extracted: 'B', invocation: 'inv-1' });
    expect(lines[2]).toMatchObject({ extracted: 'short', prediction: 'short' }); // short answers keep both fields
    const again = openJournal(path);
    expect(again.results.get(journalKey('vqav2', 'a'))).toMatchObject({ extracted: long, prediction: long, invocation: 'inv-1' });
    again.close();
    const streamed = [];
    for await (const { result } of readJournalLines(path)) streamed.push(result);
    expect(streamed[0]).toMatchObject({ extracted: long });
  });
});
