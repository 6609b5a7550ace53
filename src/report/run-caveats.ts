// What makes a run's figures say nothing about a model, flagged wherever runs are compared (compare
// and gate): the tiny random fallback model the main command uses when the Hub is out of reach, the
// bundled synthetic sample data (datasets/README.md), and results that cover only part of a sharded
// run (one shard, or a merge with shards missing; gate refuses those).

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
  const partial = partialResults(results);
  if (partial) out.push(`covers only part of its run: ${partial}`);
  return out;
}

/**
 * Why a run's results cover only part of what it was asked to evaluate, or null: one shard of a
 * sharded run, or a merge with shards missing (`merge --allow-partial`). Such results are not the
 * run's, so no rule makes them comparable.
 */
export function partialResults(results: Results): string | null {
  if (results.shard) return `it holds only shard ${results.shard.index}/${results.shard.count} of a sharded run; merge the shards first (vlm-harness merge <shard dirs…> --out DIR)`;
  if (results.merge?.partial) {
    const missing = results.merge.missing.map((i) => `${i}/${results.merge!.shards}`).join(', ');
    return `it is a partial merge (shards ${missing} missing); merge every shard`;
  }
  return null;
}

