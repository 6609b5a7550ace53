// Outcomes that end a command with a chosen exit code after it has printed what it had to say;
// main.ts turns each into its code (UserError, from ../errors.ts, is the user's mistake).

/** A run that completed but failed (every sample of a suite errored, or --max-error-rate): exit 3. */
export class RunFailed extends Error {}

/** Ctrl-C or SIGTERM stopped the run after the requests in flight: exit 130. */
export class Interrupted extends Error {}

/** A gate that did not pass: its exit code (1 regression, 2 not comparable) without an error line. */
export class GateVerdict extends Error {
  constructor(readonly exitCode: number) {
    super(`gate exit ${exitCode}`);
  }
}
