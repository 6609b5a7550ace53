// The `--serve` part of the RunPlan, checked before the run starts.

import { UserError } from '../../errors.ts';
import { parseServeCommand, type ServeCommand } from '../../serve/command-line.ts';
import type { RunConfig } from './run-config.ts';

/** `--serve`: the inference server the run starts, waits for and stops (src/serve/). */
export interface ServePlan {
  command: ServeCommand;
  /** Seconds to wait for it to become healthy (`--serve-timeout`, default 1200). */
  timeoutSec: number;
  /** Seconds between SIGTERM and SIGKILL when stopping it (`--serve-grace`, default 30). */
  graceSec: number;
}

/** `--serve` with its `--serve-timeout` and `--serve-grace`, checked; those two need it, and a masked secret is refused. */
export function servePlan(c: RunConfig): ServePlan | undefined {
  if (c.serve === undefined) {
    if (c.serveTimeout !== undefined || c.serveGrace !== undefined) throw new UserError('--serve-timeout and --serve-grace need --serve "<command that starts the server>".');
    return undefined;
  }
  const command = parseServeCommand(c.serve);
  if (command.argv.includes('***') || Object.values(command.env).includes('***')) {
    throw new UserError('--serve: the command holds a masked secret (***), as config.json keeps it. Give the command again with --serve, reading the secret from the environment.');
  }
  return { command, timeoutSec: c.serveTimeout ?? 1200, graceSec: c.serveGrace ?? 30 };
}
