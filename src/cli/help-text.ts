// Text every command's `--help` shares: the examples block and the exit codes of the run commands.

/** `--help` text after the options: examples, one per line. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

export const EXIT_CODES = 'Exit codes: 0 ok, 1 fatal error, 2 usage or input error (also a refused run directory), 3 eval completed but failed (a suite whose every sample errored, or --max-error-rate), 130 interrupted.';
