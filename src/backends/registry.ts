// Backends by name. `--backend <name>` resolves here; each factory checks the options it needs
// and says which flag is missing.

import { UserError, unknownName } from '../errors.ts';
import type { Backend } from '../types.ts';
import { createReplayBackend, readPredictions } from './replay.ts';

export interface BackendOptions {
  model?: string;
  dtype?: string;
  predictions?: string;
}

interface BackendEntry {
  description: string;
  create(o: BackendOptions): Promise<Backend>;
}

export const backends: Readonly<Record<string, BackendEntry>> = {
  replay: {
    description: 'Re-score saved predictions (--predictions <file>: JSONL {id, prediction} or a samples.jsonl)',
    async create(o) {
      if (!o.predictions) throw new UserError("--backend replay needs --predictions <file> (JSONL {\"id\", \"prediction\"} or an earlier run's samples.jsonl).");
      return createReplayBackend({ file: o.predictions, predictions: await readPredictions(o.predictions) });
    },
  },
};

export const BACKEND_IDS = Object.keys(backends);

export async function createBackend(name: string, options: BackendOptions): Promise<Backend> {
  const entry = backends[name];
  if (!entry) throw unknownName('backend', name, Object.keys(backends));
  return entry.create(options);
}
