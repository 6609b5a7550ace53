// The judge's persistent cache: one JSON file per answered request, keyed by the judge model, a
// hash of the exact messages and the sampling settings, so re-scoring a run asks the judge nothing
// and gives identical results even if the judge service later changes. Files live under
// `<run dir>/judge-cache/` (the run keeps every reply it used) and, with `--judge-cache DIR`, in a
// shared folder other runs read too. A file is written to a temporary name and renamed, so
// concurrent runs sharing a folder (also over NFS) never see half an entry.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Everything that decides a judge's reply, apart from the server it runs on. */
export interface JudgeCacheKeyParts {
  model: string;
  /** The exact messages sent, as JSON. */
  messages: unknown;
  sampling: { temperature: number; maxTokens: number };
}

export interface JudgeCacheEntry {
  key: string;
  model: string;
  sampling: JudgeCacheKeyParts['sampling'];
  promptSha256: string;
  /** The prompt text, kept so a person can audit what the judge was asked. */
  prompt: string;
  reply: string;
  promptTokens: number | null;
  outputTokens: number | null;
}

export interface JudgeCache {
  /** The entry for a key: from the run's folder, else the shared one (then copied into the run's). */
  get(key: string): JudgeCacheEntry | null;
  /** Stores an entry in the run's folder and the shared one. */
  put(entry: JudgeCacheEntry): void;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function promptSha256(messages: unknown): string {
  return sha256(JSON.stringify(messages));
}

export function judgeCacheKey(parts: JudgeCacheKeyParts): string {
  const { temperature, maxTokens } = parts.sampling;
  return sha256(JSON.stringify({ v: 1, model: parts.model, prompt: promptSha256(parts.messages), sampling: { temperature, maxTokens } }));
}

function entryPath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.json`);
}

function read(dir: string, key: string): JudgeCacheEntry | null {
  let text: string;
  try {
    text = readFileSync(entryPath(dir, key), 'utf8');
  } catch {
    return null;
  }
  try {
    const entry = JSON.parse(text) as JudgeCacheEntry;
    // a damaged or foreign file is a miss; the next answer overwrites it
    return entry.key === key && typeof entry.reply === 'string' ? entry : null;
  } catch {
    return null;
  }
}

function write(dir: string, entry: JudgeCacheEntry): void {
  const path = entryPath(dir, entry.key);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(entry, null, 1)}\n`);
  renameSync(tmp, path);
}

export function openJudgeCache(params: { runDir: string; sharedDir?: string }): JudgeCache {
  const runCache = join(params.runDir, 'judge-cache');
  const dirs = [runCache, ...(params.sharedDir ? [params.sharedDir] : [])];
  return {
    get(key) {
      const own = read(runCache, key);
      if (own) return own;
      if (!params.sharedDir) return null;
      const shared = read(params.sharedDir, key);
      if (shared) write(runCache, shared);
      return shared;
    },
    put(entry) {
      for (const dir of dirs) write(dir, entry);
    },
  };
}
