// `npm run eval`: the RunPlan → for each suite (data → backend → journal → final scores) → Report
// pipeline of ../shared/design.md. Returns what happened; the CLI prints it and picks the exit code.
// Here: the checks and the run directory's lock and record, then the backend; the pipeline itself is
// ./eval/evaluate.ts.

import { getStyledSuite } from '../../suites/index.ts';
import type { OnnxProgress } from '../backends/onnx.ts';
import { createBackend } from '../backends/registry.ts';
import type { DatasetProgress } from '../data/hub-dataset.ts';
import { UserError } from '../errors.ts';
import type { Results } from '../report/schema.ts';
import type { ServeRecord } from '../serve/serve-schema.ts';
import { checkRunDirShard } from '../shard/shard-selection.ts';
import { schedulerSlot } from '../shard/shard-spec.ts';
import type { Backend, ModelInfo } from '../types.ts';
import { evaluate } from './eval/evaluate.ts';
import { planIdentity } from './identity.ts';
import { prepareOutDir } from './out-dir.ts';
import { openRunRecord } from './run-record.ts';
import { acquireRunLock } from './run-lock.ts';
import type { RunPlan } from './plan.ts';
import type { SuiteProgress } from './run-suite.ts';

export type EvalEvent =
  | { type: 'start'; runDir: string; model: ModelInfo; resumed: number; repairedLines: number }
  | { type: 'suite'; suite: string; total: number | null; source: string }
  | { type: 'progress'; progress: SuiteProgress }
  | { type: 'notice'; message: string }
  | { type: 'info'; message: string }
  | { type: 'data'; event: DatasetProgress }
  | { type: 'judge'; suite: string; done: number; total: number }
  | { type: 'model'; event: OnnxProgress };

export interface EvalOutcome {
  runDir: string;
  results: Results;
  interrupted: boolean;
  /** Why the run failed although it completed (run-verdict.ts); empty when it passed or was interrupted. */
  failures: string[];
}

export interface EvalDeps {
  signal: AbortSignal;
  onEvent?: (e: EvalEvent) => void;
  /** A ready backend instead of one made from the plan (tests, embedding). */
  backend?: Backend;
  /** Environment for the GPU tools (PATH); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The server `--serve` started for this run (src/serve/), recorded in results.json. */
  serve?: ServeRecord;
}

/** Backends that take a raw prompt past the chat template in the Llama 3 dialog format. */
const RAW_PROMPT_BACKENDS = ['transformers', 'replay'];

export async function runEval(plan: RunPlan, deps: EvalDeps): Promise<EvalOutcome> {
  const emit = deps.onEvent ?? (() => {});
  // unknown suites, and suites without the asked-for prompt style, fail before anything starts
  plan.suites.forEach((id) => getStyledSuite(id, plan.promptStyle));
  if (plan.rawPrompt && !deps.backend && !RAW_PROMPT_BACKENDS.includes(plan.backend)) {
    throw new UserError(
      `--raw-prompt sends Llama 3 dialog text past the chat template, which only --backend transformers can do; ` +
        `backend '${plan.backend}' applies its own template to the image and text parts. Drop --raw-prompt.`,
    );
  }
  // so do an --out that cannot hold the run, a directory another invocation is writing, and a run
  // directory whose identity the plan would change: all before any model loads
  prepareOutDir(plan.runDir);
  // a shard run by a scheduler may take over the lock an earlier attempt of its slot left on another host
  const slot = plan.shard ? schedulerSlot(deps.env ?? process.env) : undefined;
  const lock = acquireRunLock(plan.runDir, slot ? { slot } : {});
  try {
    const was = lock.tookOverFrom;
    if (was) emit({ type: 'info', message: `took over the lock of process ${was.pid}${was.slot ? ` on host ${was.host} (an earlier attempt of ${was.slot})` : ''} (started ${was.startedAt}), which is no longer running` });
    const record = openRunRecord(plan.runDir, plan);
    // a directory with results holds one shard (or none) for good
    if (record.bound) checkRunDirShard(plan.runDir, plan.shard);
    const identity = planIdentity(plan);
    record.check(identity);
    if (deps.backend) return await evaluate(plan, deps, deps.backend, { record, identity }); // a backend handed in belongs to the caller
    const backend = await createBackend(plan.backend, plan, { ...(deps.env ? { env: deps.env } : {}), onProgress: (e) => emit({ type: 'model', event: e }) });
    try {
      return await evaluate(plan, deps, backend, { record, identity });
    } finally {
      await backend.close?.();
    }
  } finally {
    lock.release();
  }
}
