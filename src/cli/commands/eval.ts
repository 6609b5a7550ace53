// `vlm-harness eval`: builds the plan from flags, a config file or a run to resume, runs it (under
// a server `--serve` starts) and prints the progress, the summary and how it ended.

import type { Command } from 'commander';
import type { RunPlan } from '../../run/plan.ts';
import { evalEventPrinter } from '../eval-event-printer.ts';
import { addEvalOptions, flagsFromCli } from '../eval-options.ts';
import { Interrupted, RunFailed } from '../exit-errors.ts';
import { EXIT_CODES, examples } from '../help-text.ts';
import { longRunHeap } from '../long-run-heap.ts';
import { err } from '../output.ts';
import { printSummary } from '../print-summary.ts';
import { stopOnSignals } from '../stop-on-signals.ts';

export function addEvalCommand(program: Command): void {
  const evalCmd = program
    .command('eval')
    .description('Run suites through a backend and write results.json, samples.jsonl, summary.csv and report.md');
  addEvalOptions(evalCmd)
    .addHelpText(
      'after',
      examples([
        'vlm-harness eval --suite mmmu                     # in-process ONNX, SmolVLM-256M-Instruct q8',
        'vlm-harness eval --suite chartqa,docvqa --backend openai --base-url http://127.0.0.1:8000/v1 --concurrency 16',
        'vlm-harness eval --suite chartqa --data sample --backend replay --predictions preds.jsonl',
        'vlm-harness eval --config configs/example.yaml --limit 20',
        'vlm-harness eval --suite docvqa --conversation --backend openai --base-url http://127.0.0.1:8000/v1 --concurrency 8',
        'vlm-harness eval --resume reports/<run-dir>         # after Ctrl-C',
        'vlm-harness eval --suite chartqa --serve "vllm serve meta-llama/Llama-3.2-11B-Vision-Instruct --max-model-len 8192"',
        'vlm-harness eval --suite mmmu --shard auto --out runs/shard-$SLURM_ARRAY_TASK_ID   # in a Slurm array task',
      ]) + `\nRun directories go under ./reports/ unless --out is given. ${EXIT_CODES}\n`,
    )
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const { buildPlan } = await import('../../run/plan.ts');
      const plan = buildPlan({
        flags: flagsFromCli(opts, cmd, ['config', 'resume']),
        ...(typeof opts.config === 'string' ? { configFile: opts.config } : {}),
        ...(typeof opts.resume === 'string' ? { resumeDir: opts.resume } : {}),
        defaults: { backend: 'onnx', data: 'hub' },
      });
      await evalCommand(plan);
    });
}

async function evalCommand(plan: RunPlan): Promise<void> {
  longRunHeap();
  const [{ runEval }, { withServer }, { turnSummaryLine }] = await Promise.all([import('../../run/eval.ts'), import('../../serve/with-server.ts'), import('../../report/conversation-text.ts')]);
  const controller = new AbortController();
  stopOnSignals(controller);
  const onEvent = evalEventPrinter();
  const tty = Boolean(process.stderr.isTTY);
  const outcome = await withServer({ plan, dir: plan.runDir, signal: controller.signal, onInfo: err }, (server) =>
    runEval(plan, { signal: controller.signal, onEvent, ...(server ? { serve: server.record } : {}) }),
  );
  if (tty) err('');
  printSummary(outcome.results, outcome.runDir, turnSummaryLine);
  if (outcome.interrupted) {
    err(`\nInterrupted. Resume with:\n  npx vlm-harness eval --resume ${outcome.runDir}`);
    process.exitCode = 130;
    throw new Interrupted();
  }
  if (outcome.failures.length) {
    for (const f of outcome.failures) err(`error: ${f}`);
    throw new RunFailed();
  }
}
