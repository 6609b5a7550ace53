// Runs work (an eval, a sweep) with the server the plan's `--serve` names: started before, healthy
// before the work begins, stopped after it whatever happened. Without `--serve` the work runs as is.

import { join } from 'node:path';
import { prepareOutDir } from '../run/out-dir.ts';
import type { RunPlan } from '../run/plan.ts';
import { startManagedServer, type ManagedServer } from './managed-server.ts';

export interface WithServerParams {
  plan: RunPlan;
  /** Folder the server's log goes into (`server.log`). */
  dir: string;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Progress lines for the terminal. */
  onInfo?: (message: string) => void;
}

export const SERVER_LOG = 'server.log';

export async function withServer<T>(p: WithServerParams, work: (server: ManagedServer | null) => Promise<T>): Promise<T> {
  const serve = p.plan.serve;
  if (!serve || !p.plan.baseUrl) return work(null);
  // the checks a run directory gets (a plain recursive mkdir spins for ever under /proc)
  prepareOutDir(p.dir);
  const logPath = join(p.dir, SERVER_LOG);
  p.onInfo?.(`starting the server (log: ${logPath}); waiting up to ${serve.timeoutSec} s for ${p.plan.baseUrl}`);
  const server = await startManagedServer({
    command: serve.command,
    baseUrl: p.plan.baseUrl,
    logPath,
    logName: SERVER_LOG,
    timeoutSec: serve.timeoutSec,
    graceSec: serve.graceSec,
    ...(p.env ? { env: p.env } : {}),
    ...(p.signal ? { signal: p.signal } : {}),
  });
  p.onInfo?.(`server ready after ${server.record.readySec.toFixed(1)} s (pid ${server.pid}${server.record.version ? `, version ${server.record.version}` : ''})`);
  try {
    return await work(server);
  } finally {
    const stopped = await server.stop();
    const left = stopped.leftovers.length ? `; still running: ${stopped.leftovers.join(', ')}` : '';
    p.onInfo?.(`server stopped (${stopped.signal}${stopped.exit ? `, exit ${stopped.exit}` : ''})${left}`);
  }
}
