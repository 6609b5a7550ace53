// The gate refuses runs whose load generator was saturated (src/load/client-check.ts): their
// latency and throughput say how busy the client was, not how fast the model served. A suite whose
// baseline or candidate was flagged is not comparable (exit 2), unless every performance check of
// that suite is turned off in the rules, in which case only accuracy is gated and the check says so.

import { SATURATION_MESSAGE } from '../../load/client-check.ts';
import type { GateCheck } from './gate-check.ts';
import { comparabilityCheck, type SuitePairing } from './gate-comparable.ts';
import { ruleFor, type GateRules } from './gate-rules.ts';
import type { PerfClient } from '../schema.ts';

function describe(c: PerfClient | null | undefined): string {
  if (!c) return 'no client';
  const delay = c.loopDelayP99Ms === null ? 'n/a' : `${c.loopDelayP99Ms.toFixed(1)} ms`;
  return `${c.saturated ? 'SATURATED' : 'ok'}, loop delay p99 ${delay}`;
}

export function clientChecks(pairings: readonly SuitePairing[], rules: GateRules): GateCheck[] {
  const checks: GateCheck[] = [];
  for (const p of pairings) {
    const b = p.baseline.perf.client;
    const c = p.candidate.perf.client;
    if (!b && !c) continue; // neither run sent requests over the network (replay, in-process backends)
    const flagged = [b?.saturated ? `the baseline's (${b.reason ?? 'no reason recorded'})` : '', c?.saturated ? `the candidate's (${c.reason ?? 'no reason recorded'})` : ''].filter(Boolean);
    const rule = ruleFor(rules, p.suite);
    const perfOff = rule.maxThroughputDropPct === null && rule.maxTtftP50RisePct === null && rule.maxTtftP99RisePct === null;
    const check = (verdict: GateCheck['verdict'], note: string) =>
      comparabilityCheck({ suite: p.suite, name: 'load generator', verdict, baseline: describe(b), candidate: describe(c), note });
    if (!flagged.length) {
      checks.push(check('pass', 'The client kept up in both runs.'));
    } else if (perfOff) {
      checks.push(check('skip', `${SATURATION_MESSAGE}: ${flagged.join(' and ')} client; the performance checks are turned off, so only accuracy is gated.`));
    } else {
      checks.push(check('not-comparable', `${SATURATION_MESSAGE}: ${flagged.join(' and ')} client. Run it again with more --client-workers, a lower --concurrency or on a quieter machine.`));
    }
  }
  return checks;
}
