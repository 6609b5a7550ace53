// Which shard of a sharded run this invocation is: `--shard i/N` (0-based, as Kubernetes completion
// indexes and torchrun ranks are), or `--shard auto`, read from the scheduler that started it:
// - a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX in each pod (0 … completions-1) but not the
//   count, so `--shards N` (the Job's `completions`) must say it;
// - a Slurm job array sets SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN/MAX
//   (and SLURM_ARRAY_TASK_STEP for `--array=1-13:3`): the shard is (ID - MIN) / STEP. An array with
//   holes (`--array=1,4,9`) has no such mapping and is refused.
// The index and count decide which samples the shard runs (shard-range.ts); nothing else does.

import { UserError } from '../errors.ts';

export interface ShardSpec {
  /** 0-based shard index, < count. */
  index: number;
  count: number;
}

/** `i/N` as written in config.json and shard.json. */
export function shardText(s: ShardSpec): string {
  return `${s.index}/${s.count}`;
}

function nonNegativeInt(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) ? n : null;
}

function fromSlurm(env: NodeJS.ProcessEnv, shards: number | undefined): ShardSpec {
  const id = nonNegativeInt(env.SLURM_ARRAY_TASK_ID);
  const count = nonNegativeInt(env.SLURM_ARRAY_TASK_COUNT);
  const min = nonNegativeInt(env.SLURM_ARRAY_TASK_MIN ?? '0');
  const max = nonNegativeInt(env.SLURM_ARRAY_TASK_MAX);
  const step = nonNegativeInt(env.SLURM_ARRAY_TASK_STEP ?? '1');
  if (id === null || count === null || count < 1 || min === null || step === null || step < 1) {
    throw new UserError(
      `--shard auto: SLURM_ARRAY_TASK_ID is set (${env.SLURM_ARRAY_TASK_ID}) but SLURM_ARRAY_TASK_COUNT (${env.SLURM_ARRAY_TASK_COUNT ?? 'unset'}), ` +
        `SLURM_ARRAY_TASK_MIN (${env.SLURM_ARRAY_TASK_MIN ?? 'unset'}) or SLURM_ARRAY_TASK_STEP are not usable numbers. Submit with sbatch --array=0-<N-1>, or give --shard i/N.`,
    );
  }
  // A range with a step is contiguous after dividing by it; a list with holes is not.
  const contiguous = max === null || (max - min) / step + 1 === count;
  const index = (id - min) / step;
  if (!contiguous || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new UserError(
      `--shard auto: the Slurm array is not a contiguous range (task ${id}, min ${min}, max ${max ?? '?'}, step ${step}, ${count} tasks), so task ids do not map onto shards 0..${count - 1}. ` +
        `Submit with --array=0-${count - 1} (a % throttle is fine), or give --shard i/N yourself.`,
    );
  }
  if (shards !== undefined && shards !== count) {
    throw new UserError(`--shards ${shards} disagrees with the Slurm array's ${count} tasks (SLURM_ARRAY_TASK_COUNT). Drop --shards, or submit --array=0-${shards - 1}.`);
  }
  return { index, count };
}

function fromKubernetes(env: NodeJS.ProcessEnv, shards: number | undefined): ShardSpec {
  const index = nonNegativeInt(env.JOB_COMPLETION_INDEX);
  if (index === null) throw new UserError(`--shard auto: JOB_COMPLETION_INDEX is '${env.JOB_COMPLETION_INDEX}', not a completion index (0, 1, …).`);
  if (shards === undefined) {
    throw new UserError(
      `--shard auto in a Kubernetes Indexed Job needs --shards N, the Job's spec.completions (a pod is told its JOB_COMPLETION_INDEX, not the count).`,
    );
  }
  if (index >= shards) throw new UserError(`--shard auto: JOB_COMPLETION_INDEX ${index} is not below --shards ${shards}; set --shards to the Job's spec.completions.`);
  return { index, count: shards };
}

/**
 * The shard this invocation runs, or undefined when it is not sharded. `shard` is `i/N` or `auto`;
 * `shards` is `--shards N`. Errors are UserErrors naming the flag or variable and the fix.
 */
export function resolveShard(p: { shard?: string; shards?: number; env?: NodeJS.ProcessEnv }): ShardSpec | undefined {
  const env = p.env ?? process.env;
  if (p.shard === undefined) {
    if (p.shards !== undefined) throw new UserError(`--shards ${p.shards} needs --shard auto (or give --shard i/${p.shards} yourself).`);
    return undefined;
  }
  if (p.shards !== undefined && (!Number.isInteger(p.shards) || p.shards < 1)) throw new UserError(`--shards ${p.shards}: expected a positive integer.`);
  const text = p.shard.trim();
  if (text === 'auto') {
    if (env.JOB_COMPLETION_INDEX !== undefined) return fromKubernetes(env, p.shards);
    if (env.SLURM_ARRAY_TASK_ID !== undefined) return fromSlurm(env, p.shards);
    throw new UserError(
      '--shard auto found no scheduler: neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (a Slurm job array) is set. Give --shard i/N (0-based) instead.',
    );
  }
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new UserError(`--shard ${p.shard}: expected i/N (0-based, e.g. 0/4 … 3/4) or 'auto'.`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new UserError(`--shard ${p.shard}: the shard count must be at least 1.`);
  if (index >= count) throw new UserError(`--shard ${p.shard}: shards are numbered 0..${count - 1} (0-based), so ${index} is out of range.`);
  if (p.shards !== undefined && p.shards !== count) throw new UserError(`--shards ${p.shards} disagrees with --shard ${p.shard}; give one of them.`);
  return { index, count };
}

/**
 * The scheduler slot this process runs in, or undefined outside a scheduler: a Slurm array task
 * (`slurm:<array job id>_<task id>`, the same when the task is requeued) or a Kubernetes Indexed
 * Job's index (`k8s:<job uid>/<index>`, the uid given as VLM_JOB_UID by the pod spec, from the
 * pod's `batch.kubernetes.io/controller-uid` label; deploy/k8s/eval-job.yaml does it). The run lock
 * lets a later attempt of the same slot take over an earlier attempt's lock (src/run/run-lock.ts).
 */
export function schedulerSlot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.JOB_COMPLETION_INDEX !== undefined && env.VLM_JOB_UID) return `k8s:${env.VLM_JOB_UID}/${env.JOB_COMPLETION_INDEX}`;
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_JOB_ID) return `slurm:${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}`;
  return undefined;
}
