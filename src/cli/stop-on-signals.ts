// Ctrl-C and SIGTERM during `eval` and `sweep`: the run stops cleanly and can be resumed.

import { err } from './output.ts';

/** Ctrl-C and SIGTERM abort `controller` once: the run stops after the requests in flight. */
export function stopOnSignals(controller: AbortController): void {
  let stopping = false;
  const onSignal = (sig: string) => {
    if (stopping) return;
    stopping = true;
    err(`\n${sig}: stopping after the requests in flight; finished samples are saved.`);
    controller.abort();
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
}
