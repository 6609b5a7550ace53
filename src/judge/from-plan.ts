// Builds the run's judge from its plan: the key from the named environment variable (never from
// the config, which is saved), the cache in the run directory plus the shared folder if any.

import { UserError } from '../errors.ts';
import type { JudgePlan } from '../run/plan/judge-plan.ts';
import { createJudge, type Judge } from './judge-client.ts';
import { openJudgeCache } from './judge-cache.ts';

export function judgeFromPlan(plan: JudgePlan, deps: { runDir: string; maxRetries: number; env?: NodeJS.ProcessEnv; fetch?: typeof globalThis.fetch }): Judge {
  const env = deps.env ?? process.env;
  const apiKey = plan.apiKeyEnv ? env[plan.apiKeyEnv] : undefined;
  if (plan.apiKeyEnv && !apiKey) throw new UserError(`--judge-api-key-env ${plan.apiKeyEnv}: that environment variable is not set.`);
  return createJudge({
    baseUrl: plan.baseUrl,
    ...(plan.model ? { model: plan.model } : {}),
    ...(apiKey ? { apiKey } : {}),
    concurrency: plan.concurrency,
    timeoutMs: plan.timeoutSec * 1000,
    maxRetries: deps.maxRetries,
    cache: openJudgeCache({ runDir: deps.runDir, ...(plan.cacheDir ? { sharedDir: plan.cacheDir } : {}) }),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
}
