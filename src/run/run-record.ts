// run.json: the run directory's own record, beside samples.jsonl. It holds the run's identity
// (identity.ts) and one entry per invocation: its id (each samples.jsonl line names the invocation
// that wrote it), start and end, how it ended, and per suite the generation phase's duration, the
// samples it generated and its load settings. Performance figures are computed from the journal and
// these entries (perf.ts). Written whole (temp file + rename) after each change.
//
// A directory without run.json that holds results was made before run.json existed: its identity
// is taken from its config.json (and the model from results.json), and what is unknown is learned.

import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { endpointCountSchema, loadSchema, perfClientSchema } from '../report/schema.ts';
import { identityDifferences, mergeIdentity, planIdentity, stableJson, type RunIdentity } from './identity.ts';
import { buildPlan, type RunPlan } from './plan.ts';

export const RUN_FILE = 'run.json';

const identitySchema = z.object({
  suites: z.record(z.string(), z.object({ version: z.number(), data: z.array(z.string()), fingerprint: z.string().optional(), source: z.string().optional() })),
  backend: z.string(),
  requestedModel: z.string().nullable(),
  requestedDtype: z.string().nullable(),
  model: z.string().optional(),
  dtype: z.string().nullable().optional(),
  promptStyle: z.string(),
  maxImages: z.number().nullable(),
  extraBody: z.string().nullable(),
  conversation: z.object({ maxTurns: z.number().int(), history: z.enum(['model', 'gold']) }).nullable().optional(),
});

const suiteRunSchema = z.object({
  /** Wall time of the generation phase (after warm-up), seconds. */
  durationSec: z.number(),
  /** When the generation phase began, wall clock (ISO, ms): places it among other shards' (absent in older runs). */
  startedAt: z.string().optional(),
  /** Samples this invocation generated (and journaled) for the suite. */
  generated: z.number().int(),
  load: loadSchema,
  /** The load generator's self-check in this invocation (openai backend). */
  client: perfClientSchema.nullable().optional(),
  /** Requests this invocation sent to each endpoint for the suite, and those that failed there (openai backend). */
  endpoints: z.array(endpointCountSchema).optional(),
});

const invocationSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  status: z.enum(['running', 'completed', 'interrupted', 'failed']),
  pid: z.number().int(),
  host: z.string(),
  suites: z.record(z.string(), suiteRunSchema),
});

const runFileSchema = z.object({ version: z.literal(1), identity: identitySchema, invocations: z.array(invocationSchema) });

export type Invocation = z.infer<typeof invocationSchema>;
export type SuiteRun = z.infer<typeof suiteRunSchema>;
export type RunFile = z.infer<typeof runFileSchema>;

export interface RunRecord {
  dir: string;
  /** The stored identity when the directory holds results (it then binds this invocation), else null. */
  bound: RunIdentity | null;
  invocations: Invocation[];
  /**
   * Refuses (UserError, exit 2) an identity that differs from the bound one, saying what differs;
   * otherwise remembers what it adds (resolved model, fingerprints) and saves run.json.
   */
  check(identity: RunIdentity): void;
  startInvocation(id: string, now: Date): void;
  recordSuite(suite: string, run: SuiteRun): void;
  finishInvocation(status: Invocation['status'], now: Date): void;
}

function hasResults(dir: string): boolean {
  try {
    return statSync(join(dir, 'samples.jsonl')).size > 0;
  } catch {
    return false;
  }
}

/** run.json of a run directory, checked (a UserError naming the file otherwise). */
export function readRunFile(dir: string): RunFile {
  const path = join(dir, RUN_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path} is not readable JSON (${(e as Error).message.split('\n')[0]}). Restore it, or start a new run with another --out.`);
  }
  const parsed = runFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${path}: '${issue.path.join('.') || '(top level)'}': ${issue.message}. Restore it, or start a new run with another --out.`);
  }
  return parsed.data;
}

/** The identity of a run made before run.json existed, from what it saved. */
function legacyIdentity(dir: string): RunIdentity {
  if (!existsSync(join(dir, 'config.json'))) {
    throw new UserError(`${dir} holds a samples.jsonl but no run.json or config.json, so nothing says how its results were made. Use another --out (or delete ${dir} to start over).`);
  }
  const identity = planIdentity(buildPlan({ flags: {}, resumeDir: dir, defaults: { backend: 'onnx', data: 'hub' } }));
  try {
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { model?: { id?: unknown } };
    if (typeof results.model?.id === 'string') identity.model = results.model.id;
  } catch {
    // no results.json yet (interrupted before the end): the model is learned from this invocation
  }
  return identity;
}

export function openRunRecord(dir: string, plan: RunPlan): RunRecord {
  const exists = existsSync(join(dir, RUN_FILE));
  const stored = exists ? readRunFile(dir) : null;
  const results = hasResults(dir);
  // An identity binds once results exist; a directory whose earlier attempt produced nothing is reused freely.
  let bound: RunIdentity | null = results ? (stored?.identity ?? legacyIdentity(dir)) : null;
  let identity: RunIdentity | null = bound;
  const invocations: Invocation[] = results && stored ? stored.invocations : [];
  let current: Invocation | null = null;
  const save = () => {
    if (identity) writeRunFile(dir, { version: 1, identity, invocations });
  };
  const record: RunRecord = {
    dir,
    bound,
    invocations,
    check(now) {
      if (bound) {
        const diff = identityDifferences(bound, now);
        if (diff.length) throw refusal(dir, plan, diff);
      }
      const merged = bound ? mergeIdentity(bound, now) : now;
      const learned = identity === null || stableJson(merged) !== stableJson(identity);
      // later checks compare with everything known so far, including what this invocation learned
      identity = merged;
      bound = merged;
      record.bound = bound;
      if (learned) save();
    },
    startInvocation(id, now) {
      current = { id, startedAt: now.toISOString(), endedAt: null, status: 'running', pid: process.pid, host: hostname(), suites: {} };
      invocations.push(current);
      save();
    },
    recordSuite(suite, run) {
      if (!current) throw new Error('recordSuite before startInvocation');
      current.suites[suite] = run;
      save();
    },
    finishInvocation(status, now) {
      if (!current) return;
      current.status = status;
      current.endedAt = now.toISOString();
      save();
    },
  };
  return record;
}

function refusal(dir: string, plan: RunPlan, differences: readonly string[]): UserError {
  const what = differences.join('; ');
  if (plan.resumed) {
    return new UserError(`--resume ${dir}: this invocation would change the run's identity (${what}). Resume without the flags that change it, or start a new run with --out <new folder>.`);
  }
  return new UserError(`--out ${dir} already holds a run with another identity (${what}). Use a new --out folder, or --resume ${dir} to continue that run as it was.`);
}

/** Writes run.json whole (temp file + rename); also how `merge` writes a merged run's record. */
export function writeRunFile(dir: string, file: RunFile): void {
  const path = join(dir, RUN_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The record's entries for reading (tests); an empty list when there is no run.json. */
export function readInvocations(dir: string): Invocation[] {
  return existsSync(join(dir, RUN_FILE)) ? readRunFile(dir).invocations : [];
}
