// The options of `eval`, which `sweep` also takes for each of its points (less those a sweep sets
// itself). Their names are light to load: suite, backend and prompt-style ids, preset names.

import type { Command } from 'commander';
import type { RunConfig } from '../run/plan/run-config.ts';
import { SUITE_IDS } from '../../suites/index.ts';
import { BACKEND_IDS } from '../backends/registry.ts';
import { PRESET_IDS } from '../presets/card-presets.ts';
import { PROMPT_STYLES } from '../prompt-style/styles.ts';
import { nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, rate01 } from './option-parsers.ts';

/**
 * The eval flags given on the command line, as a run config: what overrides --config and what a
 * --resume may change. Defaults are left out, so a config file's values stand; `except` names the
 * options the command handles itself.
 */
export function flagsFromCli(opts: Record<string, unknown>, cmd: Command, except: readonly string[]): RunConfig {
  const flags: Record<string, unknown> = {};
  for (const key of Object.keys(opts)) if (!except.includes(key) && cmd.getOptionValueSource(key) === 'cli') flags[key] = opts[key];
  return flags as RunConfig;
}

/** Adds every `eval` option to `cmd`, in the order `eval --help` lists them. */
export function addEvalOptions(cmd: Command): Command {
  return cmd
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
    .option('--shards <n>', 'the shard count with --shard auto in a Kubernetes Indexed Job (its spec.completions)', positiveInt);
}
