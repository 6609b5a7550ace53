// Reads a finished sweep back for `compare`: its sweep.json, validated against the sweep schema. A
// path that holds no sweep is the user's mistake, named with the fix.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { sweepSchema, type Sweep } from './sweep-schema.ts';

export interface LoadedSweep {
  /** The path as the user gave it. */
  input: string;
  sweep: Sweep;
}

/** The sweep.json of a sweep directory, or the path itself when it is a sweep.json; null otherwise. */
export function sweepJsonPath(input: string): string | null {
  try {
    if (statSync(input).isDirectory()) return existsSync(join(input, 'sweep.json')) ? join(input, 'sweep.json') : null;
  } catch {
    return null;
  }
  return input.endsWith('sweep.json') ? input : null;
}

export function loadSweep(input: string): LoadedSweep {
  const path = sweepJsonPath(input);
  if (!path) throw new UserError(`${input} is not a sweep directory: it has no sweep.json (\`vlm-harness sweep\` writes one).`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path}: not a sweep.json: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = sweepSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${path}: not a valid vlm-harness sweep.json: '${issue.path.join('.') || '(top level)'}': ${issue.message}.`);
  }
  return { input, sweep: parsed.data };
}
