// The load a suite was measured under: results.json `suites[].load` and run.json's per-invocation
// record. Performance figures are only comparable between equal load settings (gate, compare); a
// resume may change them, and the perf block then says that it mixes loads.

export type { LoadSettings };

import type { LoadSettings } from '../report/schema.ts';
import type { StyledSuite } from '../types.ts';
import type { RunPlan } from './plan.ts';

export function loadSettings(plan: RunPlan, suite: StyledSuite): LoadSettings {
  const workers = (plan as { clientWorkers?: unknown }).clientWorkers;
  return {
    concurrency: plan.concurrency,
    requestRate: plan.requestRate ?? null,
    clientWorkers: typeof workers === 'number' ? workers : null,
    maxTokens: suite.generation.maxTokens,
    promptStyle: suite.promptStyle,
  };
}

const NAMES: Record<keyof LoadSettings, string> = {
  concurrency: 'concurrency',
  requestRate: 'request rate',
  clientWorkers: 'client workers',
  maxTokens: 'max tokens',
  promptStyle: 'prompt style',
};

function show(key: keyof LoadSettings, v: LoadSettings[keyof LoadSettings]): string {
  if (v === null) return key === 'requestRate' ? 'unthrottled' : 'none';
  return String(v);
}

/** How two load settings differ ("concurrency 1 vs 2"); empty when they are equal. */
export function loadDifferences(a: LoadSettings, b: LoadSettings): string[] {
  return (Object.keys(NAMES) as Array<keyof LoadSettings>).filter((k) => a[k] !== b[k]).map((k) => `${NAMES[k]} ${show(k, a[k])} vs ${show(k, b[k])}`);
}

export function describeLoad(l: LoadSettings): string {
  return (Object.keys(NAMES) as Array<keyof LoadSettings>).map((k) => `${NAMES[k]} ${show(k, l[k])}`).join(', ');
}
