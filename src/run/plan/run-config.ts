// The run config: the keys a YAML/JSON config file (configs/*.yaml), the CLI flags and a run
// directory's saved config.json share, and the reading of such a file with a one-line error.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { closest, UserError } from '../../errors.ts';

export const configSchema = z.strictObject({
  suite: z.union([z.string(), z.array(z.string())]).optional(),
  backend: z.string().optional(),
  model: z.string().optional(),
  predictions: z.string().optional(),
  data: z.string().optional(),
  limit: z.number().int().positive().optional(),
  ids: z.union([z.string(), z.array(z.string())]).optional(),
  concurrency: z.number().int().positive().optional(),
  requestTimeout: z.number().positive().optional(),
  maxRetries: z.number().int().min(0).optional(),
  out: z.string().optional(),
  dtype: z.string().optional(),
  subject: z.union([z.string(), z.array(z.string())]).optional(),
  split: z.string().optional(),
  lmmsOrg: z.string().optional(),
  hardwareLabel: z.string().optional(),
  telemetryInterval: z.number().positive().optional(),
  gpus: z.union([z.string(), z.array(z.number().int().min(0))]).optional(),
  telemetryCmd: z.string().optional(),
  retryErrors: z.boolean().optional(),
  baseUrl: z.string().optional(),
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
  extraBody: z.string().optional(),
  device: z.string().optional(),
  threads: z.number().int().positive().optional(),
  maxImages: z.number().int().min(0).optional(),
  requestRate: z.number().positive().optional(),
  warmup: z.number().int().min(0).optional(),
  revision: z.string().optional(),
  python: z.string().optional(),
  judgeBaseUrl: z.string().optional(),
  judgeModel: z.string().optional(),
  judgeApiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
  judgeConcurrency: z.number().int().positive().optional(),
  judgeTimeout: z.number().positive().optional(),
  judgeCache: z.string().optional(),
  promptStyle: z.string().optional(),
  preset: z.string().optional(),
  rawPrompt: z.boolean().optional(),
  maxResponseBytes: z.number().int().positive().optional(),
  maxErrorRate: z.number().min(0).max(1).optional(),
  clientWorkers: z.number().int().min(0).optional(),
  duration: z.number().positive().optional(),
  serve: z.string().optional(),
  serveTimeout: z.number().positive().optional(),
  serveGrace: z.number().min(0).optional(),
  conversation: z.boolean().optional(),
  maxTurns: z.number().int().positive().optional(),
  history: z.string().optional(),
  /** `i/N` or `auto` (src/shard/shard-spec.ts); config.json keeps the resolved `i/N`. */
  shard: z.string().optional(),
  shards: z.number().int().positive().optional(),
});

export type RunConfig = z.infer<typeof configSchema>;

function describeIssue(file: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const hint = closest(key, Object.keys(configSchema.shape));
    return `${file}: unknown key '${key}'.${hint ? ` Did you mean '${hint}'?` : ''}`;
  }
  return `${file}: '${issue.path.join('.') || '(top level)'}': ${issue.message}.`;
}

export function readConfigFile(file: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`--config ${file}: cannot read the file.`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new UserError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = configSchema.safeParse(data ?? {});
  if (!parsed.success) throw new UserError(describeIssue(file, parsed.error));
  return parsed.data;
}
