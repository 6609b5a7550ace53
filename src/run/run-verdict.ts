// Whether a run that completed has failed, for CI: every sample of a suite errored (a wrong key, a
// server that is down, images it refuses), or more errored than --max-error-rate allows. The CLI
// exits with RUN_FAILED_EXIT then; the reports are written either way.

import type { Results } from '../report/schema.ts';

/** Exit code of a run that completed but failed (README: exit codes). */
export const RUN_FAILED_EXIT = 3;

/** One sentence per failing suite; empty when the run passes. Rates are checked per suite. */
export function runFailures(results: Results, maxErrorRate?: number): string[] {
  const out: string[] = [];
  for (const s of results.suites) {
    const { total, errored } = s.counts;
    if (total === 0) continue;
    const top = s.counts.errorReasons?.[0];
    if (errored === total) {
      out.push(`${s.id}: every sample errored (${errored} of ${total})${top ? `; most often: ${top.reason}` : ''}`);
    } else if (maxErrorRate !== undefined && errored / total > maxErrorRate) {
      out.push(`${s.id}: ${errored} of ${total} samples errored (${((100 * errored) / total).toFixed(1)}%), more than --max-error-rate ${maxErrorRate} allows`);
    }
  }
  return out;
}
