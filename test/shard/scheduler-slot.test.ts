// A shard's next attempt under a scheduler continues where a dead one stopped: the run lock an
// earlier attempt of the same slot (a requeued Slurm task, a replacement pod of one Indexed Job
// index) left on another host is taken over; a lock of another slot or of no slot is still refused.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireRunLock, LOCK_FILE } from '../../src/run/run-lock.ts';
import { schedulerSlot } from '../../src/shard/shard-spec.ts';
import { runCli } from '../helpers/run-cli.ts';
import { evalArgs, slurmEnv, writePredictions } from '../helpers/shard-runs.ts';

describe('scheduler slots and the run lock', () => {
  it('names the slot of a Slurm array task and of a Kubernetes index (with the Job uid the manifest passes)', () => {
    expect(schedulerSlot({ SLURM_ARRAY_JOB_ID: '4242', SLURM_ARRAY_TASK_ID: '3' })).toBe('slurm:4242_3');
    expect(schedulerSlot({ JOB_COMPLETION_INDEX: '5', VLM_JOB_UID: 'a1b2' })).toBe('k8s:a1b2/5');
    expect(schedulerSlot({ JOB_COMPLETION_INDEX: '5' })).toBeUndefined(); // no uid: no takeover across hosts
    expect(schedulerSlot({})).toBeUndefined();
  });

  it('takes over the lock of an earlier attempt of the same slot on another host, and only that', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slot-lock-'));
    const stale = (slot?: string) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 42, host: 'vlm-eval-3-abcde', startedAt: 'x', ...(slot ? { slot } : {}) }));
    stale('k8s:uid/3');
    const lock = acquireRunLock(dir, { slot: 'k8s:uid/3' });
    expect(lock.tookOverFrom).toMatchObject({ host: 'vlm-eval-3-abcde', slot: 'k8s:uid/3' });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, slot: 'k8s:uid/3' });
    lock.release();
    stale('k8s:uid/2');
    expect(() => acquireRunLock(dir, { slot: 'k8s:uid/3' })).toThrow(/in use by process 42 on host vlm-eval-3-abcde/);
    stale();
    expect(() => acquireRunLock(dir, { slot: 'k8s:uid/3' })).toThrow(/in use by process 42 on host vlm-eval-3-abcde/);
  });

  it('a requeued Slurm task continues its shard past the lock its dead first attempt left', async () => {
    const root = mkdtempSync(join(tmpdir(), 'slot-requeue-'));
    const preds = writePredictions(root);
    const out = join(root, 'shard-1');
    const env = slurmEnv(1, 3);
    expect((await runCli(evalArgs(preds, out, ['--shard', 'auto']), { env })).code).toBe(0);
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: 42, host: 'node-that-died', startedAt: 'x', slot: 'slurm:4242_1' }));
    const again = await runCli(evalArgs(preds, out, ['--shard', 'auto']), { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/took over the lock of process 42 on host node-that-died \(an earlier attempt of slurm:4242_1\)/);
    const other = await runCli(evalArgs(preds, join(root, 'shard-1'), ['--shard', 'auto']), { env: { ...env, SLURM_ARRAY_JOB_ID: '5000' } });
    expect(other.code).toBe(0); // no lock left behind by the attempt before it
  });
});
