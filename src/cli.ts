#!/usr/bin/env node
// The only module that reads argv, prints and exits (../shared/design.md). Every command calls a
// function that returns a value or throws; UserError becomes a one-line message and exit code 2
// (or 1 for a fatal run error), anything else is a bug and keeps its stack.
//
// Start-up: only light modules are imported here (option definitions need suite, metric and backend
// names, nothing more). Each action imports what it runs, so `--help` or `score` never loads ONNX
// Runtime, transformers.js, sharp, hyparquet, zod-heavy schemas or the report writers.

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, Option } from 'commander';
import { SUITE_IDS, suites } from '../suites/index.ts';
import { BACKEND_IDS, backends } from './backends/registry.ts';
import { UserError } from './errors.ts';
import { packagePath } from './package-root.ts';
import { errorReasonLines, incompleteLine } from './report/error-reasons-text.ts';
import { formatProgress } from './report/progress.ts';
import { formatMetric, textTable } from './report/text-table.ts';
import type { MetaEvalsOptions } from './meta-evals/meta-evals-command.ts';
import { RUN_FAILED_EXIT } from './run/run-verdict.ts';
import { CARD_PRESETS, PRESET_IDS } from './presets/card-presets.ts';
import { PROMPT_STYLE_DESCRIPTIONS, PROMPT_STYLES, styledSuite, stylesOf } from './prompt-style/styles.ts';
import type { EvalEvent } from './run/eval.ts';
import type { RunConfig, RunPlan } from './run/plan.ts';
import type { Results } from './report/schema.ts';
import { METRIC_IDS } from './scorers/types.ts';

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

function harnessVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

/** `--help` text after the options: examples, one per line. */
function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

const EXIT_CODES = 'Exit codes: 0 ok, 1 fatal error, 2 usage or input error (also a refused run directory), 3 eval completed but failed (a suite whose every sample errored, or --max-error-rate), 130 interrupted.';

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

  program
    .command('score')
    .description('Re-score a JSONL file of predictions with an official metric, without a model')
    .addOption(new Option('--metric <name>', 'metric').choices([...METRIC_IDS]).makeOptionMandatory())
    .requiredOption('--input <file>', 'JSONL: {"id","prediction","references"[,"options","question_type"]} per line; - reads standard input')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      examples([
        'vlm-harness score --metric vqa --input preds.jsonl',
        'vlm-harness score --metric mmmu --input preds.jsonl --json > scores.json',
        'cat preds.jsonl | vlm-harness score --metric anls --input -',
      ]),
    )
    .action(async (opts: { metric: string; input: string; json?: boolean }) => {
      const { scoreFile } = await import('./run/score-file.ts');
      const result = await scoreFile(opts);
      if (opts.json) {
        out(JSON.stringify(result));
        return;
      }
      const rows = Object.entries(result.aggregate).map(([k, v]) => {
        const ci = result.ci95[k];
        return [k, formatMetric(k, v), ci ? `[${formatMetric(k, ci[0])}, ${formatMetric(k, ci[1])}]` : ''];
      });
      out(`${result.metric}: ${result.n} samples`);
      out(textTable(['metric', 'value', '95% CI'], rows));
    });

  const evalCmd = program
    .command('eval')
    .description('Run suites through a backend and write results.json, samples.jsonl, summary.csv and report.md')
    .option('--suite <ids>', `suites, comma-separated (${SUITE_IDS.join(', ')})`)
    .option('--backend <name>', `inference backend (${BACKEND_IDS.join(', ')}; default onnx)`)
    .option('--model <id>', 'model id or folder for the backend')
    .option('--predictions <file>', 'replay backend: JSONL {id, prediction} or an earlier samples.jsonl')
    .option('--config <file>', 'run config (YAML or JSON, e.g. configs/example.yaml); flags override it')
    .option('--data <source>', "'hub', 'sample' (bundled synthetic rows) or a parquet file/folder")
    .option('--limit <n>', 'first N samples of each suite', positiveInt)
    .option('--ids <ids>', 'only these sample ids, comma-separated')
    .option('--subject <names>', "MMMU subjects, comma-separated, or 'all' for the 30 validation subjects (default Math)")
    .option('--prompt-style <style>', `whose prompts, token limits and answer extraction (${PROMPT_STYLES.join('|')}; default lmms-eval)`)
    .option('--preset <name>', `a model card in one command: its suites, prompt style and MMMU subjects, its numbers in the report (${PRESET_IDS.join(', ')})`)
    .option('--raw-prompt', 'transformers: send the Llama 3 dialog text (with <|image|>) as written, past the chat template')
    .option('--split <name>', 'dataset split (default: the suite’s evaluation split)')
    .option('--concurrency <n>', 'requests in flight', positiveInt)
    .option('--request-timeout <seconds>', 'per-request timeout', positiveNumber)
    .option('--max-retries <n>', 'retries of transient backend errors', nonNegativeInt)
    .option('--out <dir>', 'run directory (default reports/<timestamp>-<suite>-<model>)')
    .option('--resume <run-dir>', 'continue an interrupted run; finished samples are not redone')
    .option('--retry-errors', 'with --resume: run errored samples again')
    .option('--dtype <dtype>', 'model dtype to record (and load, for in-process backends)')
    .option('--lmms-org <org>', "org hosting lmms-eval's dataset copies (lmms-lab-encoder or lmms-lab)")
    .option('--hardware-label <label>', 'a name for this machine in reports')
    .option('--telemetry-interval <seconds>', 'GPU memory polling interval (default 1)', positiveNumber)
    .option('--gpus <indices>', 'GPUs to poll, e.g. 0,1 (default all)')
    .option('--telemetry-cmd <prefix>', "run the GPU tools through a prefix, e.g. 'ssh gpu-box'")
    .option('--base-url <url>', 'openai backend: API root, e.g. http://127.0.0.1:8000/v1; several, comma-separated, share the load (replicas of one model: least outstanding requests, a failing one taken out)')
    .option('--api-key-env <name>', 'openai backend: environment variable holding the API key (default OPENAI_API_KEY)')
    .option('--extra-body <json>', 'openai backend: JSON merged into each request, e.g. \'{"ignore_eos": true}\'')
    .option('--request-rate <rps>', 'Poisson request arrivals at this rate (default: all at once, capped by --concurrency)', positiveNumber)
    .option('--warmup <n>', 'warm-up requests per suite, excluded from results', nonNegativeInt)
    .option('--client-workers <n>', 'openai: worker threads that send requests and read the streams (default: one per CPU, up to 8; 0: the main thread)', nonNegativeInt)
    .option('--device <device>', 'onnx: execution provider (cpu, cuda …); transformers: torch device (cuda:0)')
    .option('--threads <n>', 'onnx: intra-op threads', positiveInt)
    .option('--max-images <n>', 'images one request may carry; more are tiled into one', nonNegativeInt)
    .option('--revision <sha|branch>', 'dataset revision to pin (default main, resolved to a commit sha)')
    .option('--python <path>', 'transformers: the Python interpreter with torch and transformers (default python3)')
    .option('--judge-base-url <url>', 'LLM judge (OpenAI-compatible API root) for suites whose official scoring uses one (mathvista)')
    .option('--judge-model <name>', 'judge model (default: the first one its /models lists)')
    .option('--judge-api-key-env <name>', 'environment variable holding the judge API key (default: no key)')
    .option('--judge-concurrency <n>', 'judge requests in flight (default 8)', positiveInt)
    .option('--judge-timeout <seconds>', 'time limit of one judge request (default 60)', positiveNumber)
    .option('--judge-cache <dir>', 'judge cache folder shared between runs (each run also keeps its own)')
    .option('--max-response-bytes <n>', 'openai: a response body larger than this errors its sample (default 8 MiB = 8388608)', positiveInt)
    .option('--max-error-rate <rate>', 'fail the run (exit 3) when a suite has a larger share of errored samples, 0..1 (a suite whose every sample errored always fails)', rate01)
    .option('--duration <seconds>', 'stop sending new requests this many seconds into each suite (those in flight finish)', positiveNumber)
    .option('--serve <command>', 'start this inference server for the run (no shell), wait until healthy, stop it after; its log goes into the run directory')
    .option('--serve-timeout <seconds>', 'with --serve: how long to wait for /health or /v1/models (default 1200)', positiveNumber)
    .option('--serve-grace <seconds>', 'with --serve: seconds between SIGTERM and SIGKILL of its process group (default 30)', nonNegativeNumber)
    .option('--conversation', 'ask the questions about one image as one conversation (docvqa by docId, vqav2 by image_id, others by identical image), image in the first turn only')
    .option('--max-turns <k>', 'with --conversation: questions per conversation at most (default 5)', positiveInt)
    .option('--history <model|gold>', "with --conversation: the earlier answers the later turns see, the model's own (default) or a reference answer")
    .option('--shard <i/N|auto>', "run shard i of N (0-based) of the selection, for `vlm-harness merge`; 'auto' reads JOB_COMPLETION_INDEX (Kubernetes, with --shards) or SLURM_ARRAY_TASK_ID/COUNT")
    .option('--shards <n>', 'the shard count with --shard auto in a Kubernetes Indexed Job (its spec.completions)', positiveInt)
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
      const { buildPlan } = await import('./run/plan.ts');
      const flags: Record<string, unknown> = {};
      for (const key of Object.keys(opts)) {
        if (key === 'config' || key === 'resume') continue;
        if (cmd.getOptionValueSource(key) === 'cli') flags[key] = opts[key];
      }
      const plan = buildPlan({
        flags: flags as RunConfig,
        ...(typeof opts.config === 'string' ? { configFile: opts.config } : {}),
        ...(typeof opts.resume === 'string' ? { resumeDir: opts.resume } : {}),
        defaults: { backend: 'onnx', data: 'hub' },
      });
      await evalCommand(plan);
    });

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
  for (const opt of evalCmd.options) {
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
      const flags: Record<string, unknown> = {};
      for (const key of Object.keys(opts)) if (!SWEEP_KEYS.includes(key) && cmd.getOptionValueSource(key) === 'cli') flags[key] = opts[key];
      await sweepCommand(opts, flags as RunConfig);
    });

  program
    .command('merge')
    .description('Merge the shards of a sharded run (eval --shard) into one run directory, scored exactly as one run of the whole selection')
    .argument('<dirs...>', 'the shard run directories (each holds shard.json)')
    .requiredOption('--out <dir>', 'the merged run directory (new, or an earlier merge to replace)')
    .option('--allow-partial', 'merge the finished shards even when others are missing or unfinished: the result says it is partial, and gate refuses it')
    .addHelpText(
      'after',
      examples([
        'vlm-harness merge runs/shard-* --out runs/merged',
        'vlm-harness merge runs/shard-0 runs/shard-1 runs/shard-2 --out runs/merged --allow-partial',
      ]) + '\nExit codes: 0 ok, 1 fatal error, 2 refused (a missing, unfinished or foreign shard, conflicting ids) or bad input, 3 the merged run failed (as eval decides).\n',
    )
    .action(async (dirs: string[], o: { out: string; allowPartial?: boolean }) => {
      const [{ mergeShards }, { turnSummaryLine }] = await Promise.all([import('./shard/merge.ts'), import('./report/conversation-text.ts')]);
      const outcome = await mergeShards({ dirs, out: o.out, allowPartial: o.allowPartial ?? false, onEvent: (e) => (e.type === 'info' || e.type === 'notice' ? err(e.message) : e.type === 'suite' ? err(`${e.suite}: ${e.total ?? '?'} samples from ${e.source} data`) : undefined) });
      const m = outcome.results.merge!;
      err(`merged ${m.merged.length} of ${m.shards} shards into ${outcome.runDir}`);
      printSummary(outcome.results, outcome.runDir, turnSummaryLine);
      if (m.partial) err(`\nwarning: PARTIAL result: shard(s) ${m.missing.map((i) => `${i}/${m.shards}`).join(', ')} missing; gate refuses it.`);
      if (outcome.failures.length) {
        for (const f of outcome.failures) err(`error: ${f}`);
        throw new RunFailed();
      }
    });

  program
    .command('meta-evals')
    .description("Map Meta's published Llama 3.2 Vision outputs (llama-32-evals details, parquet or JSONL) onto a suite's samples: writes {id, prediction} JSONL for --backend replay")
    .requiredOption('--suite <id>', `the suite the details belong to (${SUITE_IDS.join(', ')})`)
    .requiredOption('--input <file>', "Meta's `<model>-evals__<task>__details` rows: a parquet file from the Hub, or JSONL")
    .requiredOption('--out <file>', 'where the {id, prediction} JSONL goes')
    .option('--data <source>', "the suite's data to match against: 'hub' (default), 'sample' or a parquet file/folder")
    .option('--subject <names>', "MMMU subjects, or 'all' (the card's 900 questions)")
    .option('--split <name>', 'dataset split (default: the suite’s evaluation split)')
    .option('--lmms-org <org>', "org hosting lmms-eval's dataset copies")
    .option('--revision <sha|branch>', 'dataset revision to pin')
    .option('--question-column <name>', "Meta's question column (default input_question)")
    .option('--prediction-column <name>', "Meta's output column (default output_prediction_text)")
    .option('--id-column <name>', "a column that already holds this harness's sample ids (skips matching by question)")
    .addHelpText(
      'after',
      examples([
        'vlm-harness meta-evals --suite mmmu --subject all --input meta-evals/<the mmmu __details parquet> --out mmmu-meta.jsonl',
        'vlm-harness eval --preset llama-3.2-11b-card --suite mmmu --backend replay --predictions mmmu-meta.jsonl',
      ]),
    )
    .action(async (o: MetaEvalsOptions) => {
      const { metaEvalsCommand } = await import('./meta-evals/meta-evals-command.ts');
      const r = await metaEvalsCommand(o, err);
      out(r.lines[0]);
      for (const w of r.warnings) err(w);
      out(r.lines.slice(1).join('\n'));
    });

  program
    .command('compare')
    .description('Hardware comparison of finished runs, or of sweeps (curves on one chart): comparison.md (+ PNG charts), comparison.csv, comparison.html')
    .argument('<runs...>', 'run directories or results.json files; or sweep directories (with sweep.json)')
    .option('--out <dir>', 'output directory', 'reports/comparison')
    .option('--reference <label>', 'row the ratios are taken against: hardware label, row label, run id or GPU model (default: the first run)')
    .addHelpText(
      'after',
      examples([
        'vlm-harness compare reports/mi210-run reports/mi250-run reports/mi300x-run --reference MI300X',
        'vlm-harness compare reports/*/results.json --out reports/comparison',
      ]),
    )
    .action(async (runs: string[], o: { out: string; reference?: string }) => {
      const { compareRuns } = await import('./report/compare.ts');
      const r = await compareRuns({ inputs: runs, out: o.out, ...(o.reference ? { reference: o.reference } : {}) });
      out(r.table);
      for (const w of r.warnings) err(`warning: ${w}`);
      out(`wrote ${r.files.join(', ')}`);
    });

  program
    .command('gate')
    .description('CI verdict on a candidate run against a baseline (exit 0 pass, 1 regression, 2 not comparable or bad input)')
    .requiredOption('--baseline <run>', 'baseline run directory or results.json')
    .requiredOption('--candidate <run>', 'candidate run directory or results.json')
    .option('--rules <file>', 'gate rules YAML (default configs/gates.yaml)')
    .option('--out <dir>', 'where gate.md and gate.junit.xml go (default: the candidate run directory)')
    .addHelpText(
      'after',
      examples([
        'vlm-harness gate --baseline reports/baselines/mmmu --candidate reports/candidate/mmmu',
        'vlm-harness gate --baseline base/results.json --candidate cand/results.json --rules configs/gates.yaml',
      ]) + '\nExit codes: 0 pass, 1 regression, 2 not comparable or bad input.\n',
    )
    .action(async (o: { baseline: string; candidate: string; rules?: string; out?: string }) => {
      const { gateRuns } = await import('./report/gate.ts');
      const r = await gateRuns(o);
      out(r.table);
      out(`wrote ${r.files.join(', ')}`);
      if (r.exitCode !== 0) throw new GateVerdict(r.exitCode);
    });

  program
    .command('probe')
    .description('Show the GPUs and host a run would record (asks amd-smi, rocm-smi, nvidia-smi on PATH)')
    .option('--json', 'print exactly the object results.json stores under `hardware`')
    .option('--telemetry-cmd <prefix>', "run the GPU tools through a prefix, e.g. 'ssh gpu-box'")
    .option('--hardware-label <label>', 'a name for this machine in reports')
    .addHelpText('after', examples(['vlm-harness probe', 'vlm-harness probe --json', "vlm-harness probe --telemetry-cmd 'ssh gpu-box'"]))
    .action(async (opts: { json?: boolean; telemetryCmd?: string; hardwareLabel?: string }) => {
      const [{ probeHardware }, { formatHardware }] = await Promise.all([import('./telemetry/probe.ts'), import('./telemetry/format-hardware.ts')]);
      const hardware = await probeHardware({
        ...(opts.telemetryCmd ? { telemetryCmd: opts.telemetryCmd.split(/\s+/).filter(Boolean) } : {}),
        ...(opts.hardwareLabel ? { label: opts.hardwareLabel } : {}),
      });
      out(opts.json ? JSON.stringify(hardware, null, 2) : formatHardware(hardware));
    });

  program
    .command('list')
    .description('List suites, prompt styles, presets, backends and metrics')
    .addHelpText('after', examples(['vlm-harness list']))
    .action(() => {
      out('Suites:');
      out(textTable(['id', 'metric', 'prompt styles (version)', 'title'], Object.values(suites).map((s) => [s.id, s.judging ? `${s.primaryMetric} (${s.judging.primaryMetric} with --judge-base-url)` : s.primaryMetric, stylesOf(s).map((st) => `${st} v${styledSuite(s, st).version}`).join(', '), s.title])));
      out('');
      out('Prompt styles (--prompt-style):');
      out(textTable(['style', 'prompts'], PROMPT_STYLES.map((st) => [st, PROMPT_STYLE_DESCRIPTIONS[st]])));
      out('');
      out('Presets (--preset):');
      out(textTable(['preset', 'suites', 'style', 'what'], Object.values(CARD_PRESETS).map((p) => [p.id, p.suites.join(','), p.promptStyle, p.title])));
      out('');
      out('Backends:');
      out(textTable(['id', 'description'], Object.entries(backends).map(([id, b]) => [id, b.description])));
      out('');
      out(`Metrics (vlm-harness score --metric): ${METRIC_IDS.join(', ')}`);
    });

  return program;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`expected a positive integer, got '${v}'`);
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`expected a non-negative integer, got '${v}'`);
  return n;
}

function rate01(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UserError(`expected a rate between 0 and 1 (e.g. 0.05), got '${v}'`);
  return n;
}

function nonNegativeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`expected a non-negative number, got '${v}'`);
  return n;
}

/** `1,2,4,8`: positive numbers (integers when `integer`), in the order given, no duplicates. */
function numberList(integer: boolean): (v: string) => number[] {
  return (v) => {
    const items = v.split(',').map((x) => x.trim()).filter(Boolean);
    const values = items.map((x) => (integer ? positiveInt(x) : positiveNumber(x)));
    if (values.length === 0) throw new UserError(`expected a comma-separated list such as 1,2,4, got '${v}'`);
    if (new Set(values).size !== values.length) throw new UserError(`'${v}' lists a value twice`);
    return values;
  };
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`expected a positive number, got '${v}'`);
  return n;
}

/**
 * A long run's heap: V8 lets the old generation fill with garbage up to 4x the live heap before it
 * collects it, and on a long run that garbage, not live data, is most of the growth in RSS. Growing
 * by 1.5x keeps peak RSS flat from 1k to 50k samples at no measurable CPU cost (README, "Memory on
 * long runs"). V8 reads the factor at every collection, so setting it here takes effect.
 */
function longRunHeap(): void {
  setFlagsFromString('--heap-growing-percent=50');
}

/** Ctrl-C and SIGTERM abort `controller` once: the run stops after the requests in flight. */
function stopOnSignals(controller: AbortController): void {
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

/** Prints a run's events on stderr: progress bars on a terminal, a line every few seconds otherwise. */
function evalEventPrinter(): (e: EvalEvent) => void {
  const tty = Boolean(process.stderr.isTTY);
  let suiteStart = performance.now();
  let baseDone = 0;
  let lastPlain = 0;
  let lastDownload = 0;
  let lastJudge = 0;
  let lastPlainDone = -1;
  let firstProgress = true;
  const download = (what: string, loaded: number, total: number | null) => {
    const now = performance.now();
    const doneFile = total !== null && loaded >= total;
    if (now - lastDownload < (tty ? 200 : 5000) && !doneFile) return;
    lastDownload = now;
    const pct = total ? ` ${((100 * loaded) / total).toFixed(0)}%` : '';
    const line = `downloading ${what}: ${(loaded / 2 ** 20).toFixed(1)} MiB${pct}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${doneFile ? '\n' : ''}`);
    else err(line);
  };
  return (e: EvalEvent) => {
    switch (e.type) {
      case 'start':
        err(`run dir: ${e.runDir}`);
        err(`model: ${e.model.id} (${e.model.backend}${e.model.dtype ? `, ${e.model.dtype}` : ''})`);
        if (e.resumed) err(`resuming: ${e.resumed} sample(s) already finished${e.repairedLines ? `, ${e.repairedLines} half-written line redone` : ''}`);
        break;
      case 'notice':
        err(`\n*** ${e.message} ***\n`);
        break;
      case 'info':
        err(e.message);
        break;
      case 'model': {
        const m = e.event;
        if (m.kind === 'load') err(`loading ${m.model} from ${m.dir}`);
        else if (m.kind === 'download') download(`${m.model}/${m.file}`, m.loadedBytes, m.totalBytes);
        break;
      }
      case 'data':
        download(`${e.event.repo}/${e.event.file}`, e.event.bytes, e.event.total ?? null);
        break;
      case 'suite':
        err(`${e.suite}: ${e.total ?? '?'} samples from ${e.source} data`);
        suiteStart = performance.now();
        firstProgress = true;
        break;
      case 'judge': {
        const now = performance.now();
        if (e.done === e.total || now - lastJudge > (tty ? 200 : 5000)) {
          lastJudge = now;
          const line = `${e.suite}: judged ${e.done}/${e.total}`;
          if (tty) process.stderr.write(`\r${line}\x1b[K${e.done === e.total ? '\n' : ''}`);
          else err(line);
        }
        break;
      }
      case 'progress': {
        if (firstProgress) {
          baseDone = e.progress.done - 1;
          firstProgress = false;
        }
        const now = performance.now();
        const line = formatProgress(e.progress, e.progress.done - baseDone, (now - suiteStart) / 1000, { bar: tty });
        if (tty) process.stderr.write(`\r${line}\x1b[K`);
        else if (now - lastPlain > 5000 || (e.progress.done === e.progress.total && lastPlainDone !== e.progress.done)) {
          lastPlainDone = e.progress.done;
          err(line);
          lastPlain = now;
        }
        break;
      }
    }
  };
}

async function evalCommand(plan: RunPlan): Promise<void> {
  longRunHeap();
  const [{ runEval }, { withServer }, { turnSummaryLine }] = await Promise.all([import('./run/eval.ts'), import('./serve/with-server.ts'), import('./report/conversation-text.ts')]);
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

/** The end-of-run summary of `eval` and `merge`: notices, a table per suite, error reasons, where the report is. */
function printSummary(r: Results, runDir: string, turnSummaryLine: (s: Results['suites'][number]) => string | null): void {
  for (const n of r.notices) err(`\n*** ${n} ***`);
  const rows = r.suites.map((s) => {
    const m = s.metrics[s.primaryMetric];
    const ci = m?.ci95 ? `[${formatMetric(s.primaryMetric, m.ci95[0])}, ${formatMetric(s.primaryMetric, m.ci95[1])}]` : '';
    const tps = s.perf.outputTokensPerSec;
    return [s.id, s.primaryMetric, formatMetric(s.primaryMetric, m?.value), ci, `${s.counts.scored}/${s.counts.total}`, String(s.counts.errored), tps === null ? 'n/a' : tps.toFixed(1)];
  });
  out(textTable(['suite', 'metric', 'value', '95% CI', 'scored', 'errored', 'out tok/s'], rows));
  for (const s of r.suites) {
    if (s.judge) out(`${s.id}: judge ${s.judge.model} at ${s.judge.baseUrl}: ${s.judge.calls} call(s), ${s.judge.cacheHits} from the cache, ${s.judgePerf?.errors ?? 0} error(s)`);
    const byTurn = turnSummaryLine(s);
    if (byTurn) out(byTurn);
    const reasons = errorReasonLines(s.counts);
    if (reasons.length) out(`${s.id}: ${s.counts.errored} errored:\n${reasons.map((l) => `  ${l}`).join('\n')}`);
    const incomplete = incompleteLine(s.counts);
    if (incomplete) out(`${s.id}: ${incomplete}`);
  }
  out(`report: ${runDir}/report.md`);
}

/** A run that completed but failed (every sample of a suite errored, or --max-error-rate): exit 3. */
class RunFailed extends Error {}
async function sweepCommand(opts: Record<string, unknown>, flags: RunConfig): Promise<void> {
  longRunHeap();
  const [{ runSweep }, { parseSlo }, { pointsTable, summaryLines }] = await Promise.all([
    import('./sweep/run-sweep.ts'),
    import('./sweep/slo.ts'),
    import('./sweep/sweep-table.ts'),
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

class Interrupted extends Error {}

/** A gate that did not pass: its exit code (1 regression, 2 not comparable) without an error line. */
class GateVerdict extends Error {
  constructor(readonly exitCode: number) {
    super(`gate exit ${exitCode}`);
  }
}

async function main(argv: string[]): Promise<number> {
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

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  },
);
