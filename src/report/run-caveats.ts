// What makes a run's figures say nothing about a model, flagged wherever runs are compared (compare
// and gate): the tiny random fallback model the main command uses when the Hub is out of reach, and
// the bundled synthetic sample data (datasets/README.md).

import { TINY_MODEL_ID } from '../models/tiny-smolvlm/tiny-config.ts';
import type { Results } from './schema.ts';

/** Sentences such as "used the tiny fallback model …", to be prefixed with the run's name. */
export function runCaveats(results: Results): string[] {
  const out: string[] = [];
  if (results.model.id === TINY_MODEL_ID || results.notices.some((n) => n.startsWith('FALLBACK:'))) {
    out.push(`used the tiny fallback model ${TINY_MODEL_ID} (random weights): its scores say nothing about a model`);
  }
  const sample = results.suites.filter((s) => s.dataset.source === 'sample').map((s) => s.id);
  if (sample.length) out.push(`used the bundled synthetic sample data (datasets/README.md) for ${sample.join(', ')}: its accuracy says nothing about a model`);
  return out;
}
