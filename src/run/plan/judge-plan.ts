// The LLM judge's part of the RunPlan (`--judge-*`), checked before the run starts.

import { UserError } from '../../errors.ts';
import type { RunConfig } from './run-config.ts';

/** The LLM judge (src/judge/): an OpenAI-compatible endpoint that suites with `judging` use. */
export interface JudgePlan {
  baseUrl: string;
  model?: string;
  /** Name of the environment variable holding the judge's API key; no key is sent without it. */
  apiKeyEnv?: string;
  concurrency: number;
  timeoutSec: number;
  /** A cache folder shared between runs, besides the run directory's own. */
  cacheDir?: string;
}

const JUDGE_FLAGS = [
  ['judgeModel', '--judge-model'],
  ['judgeApiKeyEnv', '--judge-api-key-env'],
  ['judgeConcurrency', '--judge-concurrency'],
  ['judgeTimeout', '--judge-timeout'],
  ['judgeCache', '--judge-cache'],
] as const;

/** The judge's part of the plan, checked: its options need its URL, and the URL holds no credentials. */
export function judgePlan(c: RunConfig): JudgePlan | undefined {
  if (!c.judgeBaseUrl) {
    const stray = JUDGE_FLAGS.find(([key]) => c[key] !== undefined);
    if (stray) throw new UserError(`${stray[1]} needs --judge-base-url (the judge's OpenAI-compatible API root, e.g. http://127.0.0.1:8001/v1).`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(c.judgeBaseUrl);
  } catch {
    throw new UserError(`--judge-base-url '${c.judgeBaseUrl}' is not a URL. Example: --judge-base-url http://127.0.0.1:8001/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`--judge-base-url must be an http(s) URL, got '${url.protocol}'.`);
  // fetch refuses URLs with user:password, and they would end up in config.json
  if (url.username || url.password) throw new UserError('--judge-base-url must not hold credentials; put the key in an environment variable and name it with --judge-api-key-env.');
  return {
    baseUrl: c.judgeBaseUrl,
    ...(c.judgeModel ? { model: c.judgeModel } : {}),
    ...(c.judgeApiKeyEnv ? { apiKeyEnv: c.judgeApiKeyEnv } : {}),
    concurrency: c.judgeConcurrency ?? 8,
    timeoutSec: c.judgeTimeout ?? 60,
    ...(c.judgeCache ? { cacheDir: c.judgeCache } : {}),
  };
}
