// The load a suite was measured under: results.json `suites[].load` and run.json's per-invocation
// record. Performance figures are only comparable between equal load settings (gate, compare); a
// resume may change them, and the perf block then says that it mixes loads.

import type { LoadSettings } from '../report/schema.ts';
import type { StyledSuite } from '../types.ts';
import type { RunPlan } from './plan.ts';

/** This invocation's load for a suite; client workers come from the plan when it has them. */
export function loadSettings(plan: RunPlan, suite: StyledSuite): LoadSettings {
  const workers = (plan as { clientWorkers?: unknown }).clientWorkers;
  return {
    concurrency: plan.concurrency,
    requestRate: plan.requestRate ?? null,
    clientWorkers: typeof workers === 'number' ? workers : null,
    maxTokens: suite.generation.maxTokens,
    promptStyle: suite.promptStyle,
    // later turns carry the history: a different workload from one question per request
    ...(plan.conversation ? { conversation: { history: plan.conversation.history, maxTurns: plan.conversation.maxTurns } } : {}),
  };
}
