// One writer per run directory: `run.lock` is created atomically (O_CREAT|O_EXCL, 'wx') and holds
// the writer's PID, host and start time; it is removed when the invocation ends. A second writer is
// refused (exit 2) with who holds the lock. A lock whose process is gone (killed with -9, a
// crash) is stale: on the same host a PID that no longer exists is detected and the lock taken
// over; a lock from another host (a shared filesystem) cannot be checked, so the message says how
// to remove it by hand, unless both invocations are the same scheduler slot (one shard of one Slurm
// array task, or of one Kubernetes Indexed Job's index): the scheduler runs one attempt of a slot at
// a time (a requeued task; a replacement pod under `podReplacementPolicy: Failed` starts once the
// failed one has terminated), so an earlier attempt's lock, left by a node that died or a pod that
// was OOM-killed, is taken over and the shard continues.

import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

export const LOCK_FILE = 'run.lock';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** The scheduler slot that ran the holder (src/shard/shard-spec.ts schedulerSlot), if any. */
  slot?: string;
}

export interface RunLock {
  path: string;
  /** Whether a stale lock of a dead process was taken over (the CLI says so). */
  tookOverFrom: LockInfo | null;
  release(): void;
}

export interface LockDeps {
  pid?: number;
  host?: string;
  now?: () => Date;
  /** Whether a process with this PID exists on this host. */
  isAlive?: (pid: number) => boolean;
  /** This invocation's scheduler slot: a lock of the same slot from another host is an earlier attempt's. */
  slot?: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // it exists, owned by someone else
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.host === 'string') {
      return { pid: info.pid, host: info.host, startedAt: String(info.startedAt ?? '?'), ...(typeof info.slot === 'string' ? { slot: info.slot } : {}) };
    }
  } catch {
    // unreadable or half-written
  }
  return null;
}

/** A lock file younger than this with no readable content is being written by its creator. */
const WRITE_GRACE_MS = 5000;

export function acquireRunLock(dir: string, deps: LockDeps = {}): RunLock {
  const path = join(dir, LOCK_FILE);
  const me: LockInfo = { pid: deps.pid ?? process.pid, host: deps.host ?? hostname(), startedAt: (deps.now?.() ?? new Date()).toISOString(), ...(deps.slot ? { slot: deps.slot } : {}) };
  const isAlive = deps.isAlive ?? processAlive;
  let tookOverFrom: LockInfo | null = null;
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        throw new UserError(`Cannot create the lock ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); another invocation may be taking over the same run directory.`);
      }
      const held = readLock(path);
      const earlierAttempt = held !== null && held.host !== me.host && me.slot !== undefined && held.slot === me.slot;
      const stale = held ? (held.host === me.host && !isAlive(held.pid)) || earlierAttempt : ageMs(path) > WRITE_GRACE_MS;
      if (!stale) throw inUse(dir, path, held, me.host);
      // Re-read right before removing: another invocation may have taken the stale lock meanwhile.
      const again = readLock(path);
      if (JSON.stringify(again) !== JSON.stringify(held)) throw inUse(dir, path, again, me.host);
      unlinkSync(path);
      tookOverFrom = held;
      continue;
    }
    writeSync(fd, `${JSON.stringify(me)}\n`);
    closeSync(fd);
    break;
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      // only our own lock: a successor that took it over may run under the same PID on another host
      const held = readLock(path);
      if (held && held.pid === me.pid && held.host === me.host && held.startedAt === me.startedAt) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on('exit', release); // a last resort; the run releases it in a finally
  return { path, tookOverFrom, release };
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

function inUse(dir: string, path: string, held: LockInfo | null, host: string): UserError {
  if (!held) return new UserError(`The run directory ${dir} is being opened by another invocation (${path} was just created). Wait for it, or use another --out.`);
  const where = held.host === host ? `process ${held.pid}` : `process ${held.pid} on host ${held.host}`;
  const manual = held.host === host ? '' : ` If that run is no longer going, delete ${path}.`;
  return new UserError(`The run directory ${dir} is in use by ${where} (since ${held.startedAt}). Wait for it to finish, or use another --out.${manual}`);
}
