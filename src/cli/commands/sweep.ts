// `vlm-harness sweep`: one suite at rising load, each point a run; prints each point's progress,
// the points table and the knee/goodput summary.

import { Command, Option } from 'commander';
import type { RunConfig } from '../../run/plan/run-config.ts';
import { textTable } from '../../report/text-table.ts';
import { evalEventPrinter } from '../eval-event-printer.ts';
import { addEvalOptions, flagsFromCli } from '../eval-options.ts';
import { Interrupted, RunFailed } from '../exit-errors.ts';
import { EXIT_CODES, examples } from '../help-text.ts';
import { longRunHeap } from '../long-run-heap.ts';
import { numberList, positiveInt, positiveNumber } from '../option-parsers.ts';
import { err, out } from '../output.ts';
import { stopOnSignals } from '../stop-on-signals.ts';

export function addSweepCommand(program: Command): void {
  const sweepCmd = program
    .command('sweep')
    .description('Run one suite at rising load, each point a run directory; sweep.json, sweep.csv, sweep.md and sweep.html give the knee, goodput under SLOs, accuracy and energy per point')
    .option('--concurrency <list>', 'the loads of a concurrency sweep, e.g. 1,2,4,8,16,32 (with --request-rate: one value, the cap on requests in flight)', numberList(true))
    .option('--request-rate <list>', 'the loads of a request-rate sweep (Poisson arrivals per second), e.g. 1,2,4,8', numberList(false))
    .addOption(new Option('--profile <profile>', 'auto: concurrency from 1, doubling until saturation or SLO failure, then bisecting between the last good and first bad point').choices(['auto']))
    .option('--slo <objectives>', 'service-level objectives, e.g. ttft_p99_ms=500,tpot_p99_ms=50,e2el_p99_ms=8000: goodput and SLO attainment per point')
    .option('--repeats <k>', 'runs per point; the figures are medians (default 1)', positiveInt)
    .option('--max-points <n>', 'with --profile auto: the most points to run (default 12)', positiveInt)
    .option('--gpu-hour-cost <usd>', 'price of one GPU-hour in US$: adds $ per million output tokens', positiveNumber)
    .option('--out <dir>', 'sweep directory (default reports/<timestamp>-<suite>-<model>-sweep)');
  // every eval flag applies to each point, except those a sweep sets itself
  for (const opt of addEvalOptions(new Command()).options) {
    if (!['concurrency', 'requestRate', 'out', 'resume', 'retryErrors'].includes(opt.attributeName())) sweepCmd.addOption(opt);
  }
  sweepCmd
    .addHelpText(
      'after',
      examples([
        'vlm-harness sweep --suite chartqa --backend openai --base-url http://127.0.0.1:8000/v1 --concurrency 1,2,4,8,16,32 --limit 200',
        'vlm-harness sweep --suite chartqa --serve "vllm serve meta-llama/Llama-3.2-11B-Vision-Instruct --max-model-len 8192" --profile auto --slo ttft_p99_ms=2000,tpot_p99_ms=60 --limit 200',
        'vlm-harness sweep --suite docvqa --backend openai --base-url http://127.0.0.1:8000/v1 --request-rate 0.5,1,2,4 --duration 120 --gpu-hour-cost 2.5',
        'vlm-harness compare reports/mi210-sweep reports/mi300x-sweep     # curves of several GPUs on one chart',
      ]) + `\nSweep directories go under ./reports/ unless --out is given. ${EXIT_CODES}\n`,
    )
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const SWEEP_KEYS = ['concurrency', 'requestRate', 'profile', 'slo', 'repeats', 'maxPoints', 'gpuHourCost', 'out', 'config'];
      await sweepCommand(opts, flagsFromCli(opts, cmd, SWEEP_KEYS));
    });
}

async function sweepCommand(opts: Record<string, unknown>, flags: RunConfig): Promise<void> {
  longRunHeap();
  const [{ runSweep }, { parseSlo }, { pointsTable, summaryLines }] = await Promise.all([
    import('../../sweep/run-sweep.ts'),
    import('../../sweep/slo.ts'),
    import('../../sweep/sweep-table.ts'),
  ]);
  const controller = new AbortController();
  stopOnSignals(controller);
  const onEval = evalEventPrinter();
  const noticed = new Set<string>();
  const total = Array.isArray(opts.concurrency) && !opts.requestRate ? opts.concurrency.length : Array.isArray(opts.requestRate) ? opts.requestRate.length : null;
  const repeats = (opts.repeats as number | undefined) ?? 1;
  const outcome = await runSweep(
    {
      flags,
      ...(typeof opts.config === 'string' ? { configFile: opts.config } : {}),
      ...(Array.isArray(opts.concurrency) ? { concurrency: opts.concurrency as number[] } : {}),
      ...(Array.isArray(opts.requestRate) ? { requestRate: opts.requestRate as number[] } : {}),
      profile: opts.profile === 'auto' ? 'auto' : 'list',
      slos: typeof opts.slo === 'string' ? parseSlo(opts.slo) : null,
      repeats,
      maxPoints: (opts.maxPoints as number | undefined) ?? 12,
      gpuHourCostUsd: (opts.gpuHourCost as number | undefined) ?? null,
      ...(typeof opts.out === 'string' ? { out: opts.out } : {}),
      defaults: { backend: 'onnx', data: 'hub' },
    },
    {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'info') err(e.message);
        else if (e.type === 'point') err(`\n== point ${e.label} (${total ? `run ${e.index + 1} of ${total * repeats}` : `${e.phase}, run ${e.index + 1}`}) ==`);
        else if (e.event.type !== 'notice' || !noticed.has(e.event.message)) {
          // the same notice (bundled sample, fallback model) once for the whole sweep
          if (e.event.type === 'notice') noticed.add(e.event.message);
          onEval(e.event);
        }
      },
    },
  );
  if (process.stderr.isTTY) err('');
  const table = pointsTable(outcome.sweep);
  out(textTable(table.header, table.rows));
  for (const line of summaryLines(outcome.sweep)) out(line);
  out(`wrote ${outcome.files.join(', ')}`);
  if (outcome.interrupted) {
    process.exitCode = 130;
    throw new Interrupted();
  }
  if (outcome.failures.length) {
    for (const f of outcome.failures) err(`error: ${f}`);
    err('error: every point of the sweep failed; it measured nothing.');
    throw new RunFailed();
  }
}
