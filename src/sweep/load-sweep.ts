// Reads a finished sweep back for `compare`: its sweep.json, validated against the sweep schema. A
// path that holds no sweep is the user's mistake, named with the fix.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { readJsonFile } from '../report/load-run.ts';
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
  return { input, sweep: readJsonFile(path, sweepSchema, 'sweep.json') };
}
