// The program and its commands (one module each in ./commands/), and how a command's end becomes an
// exit code. Every command calls a function that returns a value or throws; UserError becomes a
// one-line message and exit code 2 (or 1 for a fatal run error), anything else is a bug and keeps
// its stack (src/cli.ts prints it).
//
// Start-up: only light modules are imported by this folder (option definitions need suite, metric
// and backend names, nothing more). Each action imports what it runs, so `--help` or `score` never
// loads ONNX Runtime, transformers.js, sharp, hyparquet, zod-heavy schemas or the report writers
// (test/cli/conventions.test.ts checks it).

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.ts';
import { packagePath } from '../package-root.ts';
import { RUN_FAILED_EXIT } from '../run/run-verdict.ts';
import { addCompareCommand } from './commands/compare.ts';
import { addEvalCommand } from './commands/eval.ts';
import { addGateCommand } from './commands/gate.ts';
import { addListCommand } from './commands/list.ts';
import { addMergeCommand } from './commands/merge.ts';
import { addMetaEvalsCommand } from './commands/meta-evals.ts';
import { addProbeCommand } from './commands/probe.ts';
import { addScoreCommand } from './commands/score.ts';
import { addSweepCommand } from './commands/sweep.ts';
import { GateVerdict, Interrupted, RunFailed } from './exit-errors.ts';
import { EXIT_CODES, examples } from './help-text.ts';
import { err, out } from './output.ts';

function harnessVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

function buildProgram(): Command {
  const program = new Command('vlm-harness')
    .description('Evaluate and benchmark vision-language models')
    .version(harnessVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      examples([
        'vlm-harness eval --suite mmmu',
        'vlm-harness score --metric vqa --input preds.jsonl',
        'vlm-harness list',
        'vlm-harness <command> --help',
      ]) + `\n${EXIT_CODES}\n`,
    );
  // in the order `--help` lists them
  for (const add of [addScoreCommand, addEvalCommand, addSweepCommand, addMergeCommand, addMetaEvalsCommand, addCompareCommand, addGateCommand, addProbeCommand, addListCommand]) add(program);
  return program;
}

/** Runs the command line `argv` and returns its exit code; throws only on a bug. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every other parse problem is a usage error
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof Interrupted) return 130;
    if (e instanceof RunFailed) return RUN_FAILED_EXIT;
    if (e instanceof GateVerdict) return e.exitCode;
    if (e instanceof UserError) {
      err(`error: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
}
