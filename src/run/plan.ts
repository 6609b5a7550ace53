// The RunPlan: CLI flags over a YAML config file (configs/*.yaml) over defaults, or, for
// `--resume <run-dir>`, flags over the config the run saved. The effective config is saved in the
// run directory; it never holds a secret (API keys are referred to by environment-variable name).

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendOptions } from '../backends/registry.ts';
import type { ConversationSettings } from '../conversation/history-answer.ts';
import { UserError } from '../errors.ts';
import { getPreset } from '../presets/card-presets.ts';
import { commandText, defaultBaseUrl, maskedCommand } from '../serve/command-line.ts';
import { DEFAULT_PROMPT_STYLE, parsePromptStyle } from '../prompt-style/styles.ts';
import { resolveShard, shardText, type ShardSpec } from '../shard/shard-spec.ts';
import type { PromptStyle } from '../types.ts';
import { conversationSettings } from './plan/conversation-settings.ts';
import { judgePlan, type JudgePlan } from './plan/judge-plan.ts';
import { readConfigFile, type RunConfig } from './plan/run-config.ts';
import { servePlan, type ServePlan } from './plan/serve-plan.ts';

/** The plan carries the backend's options (model, dtype, base URL …) as the registry defines them. */
export interface RunPlan extends BackendOptions {
  suites: string[];
  backend: string;
  data: string;
  limit?: number;
  ids?: string[];
  concurrency: number;
  requestTimeoutSec: number;
  maxRetries: number;
  subjects?: string[];
  split?: string;
  lmmsOrg: string;
  hardwareLabel?: string;
  /** Seconds between GPU memory polls. */
  telemetryIntervalSec: number;
  /** GPU indices to poll; all when absent. */
  gpus?: number[];
  /** Prefix for the GPU tools on a remote host, e.g. `ssh gpu-box` (split into arguments, no shell). */
  telemetryCmd?: string;
  retryErrors: boolean;
  /** True when --data was not given: an unreachable Hub then falls back to the bundled sample, loudly. */
  dataFallback: boolean;
  /** Requests per second with Poisson arrivals (vLLM's --request-rate); all at once when absent. */
  requestRate?: number;
  /** Warm-up requests per suite, excluded from results and timings. */
  warmup: number;
  /** Stop sending new requests this many seconds into each suite's timed window (`--duration`); the rest of the selection is not run. */
  durationSec?: number;
  /** Dataset revision (commit sha or branch) to pin. */
  revision?: string;
  judge?: JudgePlan;
  /** Whose prompts the suites send (`--prompt-style`, default lmms-eval). */
  promptStyle: PromptStyle;
  /** A model-card preset (`--preset`): its suites, style and subjects are the defaults, and reports show its numbers. */
  preset?: string;
  /** Send Llama 3 dialog prompts past the chat template (`--raw-prompt`, transformers backend). */
  rawPrompt: boolean;
  /** A suite with a larger share of errored samples fails the run (exit 3); every sample errored always does. */
  maxErrorRate?: number;
  serve?: ServePlan;
  /** `--conversation`: the questions about one image are asked as one conversation (src/conversation/). */
  conversation?: ConversationSettings;
  /** This invocation's shard of a sharded run (`--shard`), or absent. */
  shard?: ShardSpec;
  runId: string;
  runDir: string;
  /** True for `--resume <run-dir>` (the run directory's identity then binds the flags given). */
  resumed: boolean;
  /** The effective configuration as saved in the run directory (no secrets). */
  savedConfig: RunConfig;
}

function list(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

function parseGpus(text: string): number[] {
  const items = list(text) ?? [];
  for (const g of items) if (!/^\d+$/.test(g)) throw new UserError(`--gpus ${text}: expected GPU indices such as 0,1.`);
  return items.map(Number);
}

/** The saved config of the run `--resume` names, after checking that it is a run directory. */
function resumeConfigPath(dir: string): string {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UserError(`--resume ${dir}: no such folder. Give the run directory that an earlier \`npm run eval\` printed ("run dir: …").`);
  }
  if (!isDir) throw new UserError(`--resume ${dir} is a file; give the run directory that holds its config.json and samples.jsonl.`);
  const path = join(dir, 'config.json');
  if (!existsSync(path)) throw new UserError(`--resume ${dir} is not a run directory: it has no config.json. Start a new run with --out ${dir} instead.`);
  return path;
}

function slug(s: string): string {
  return s.replace(/^.*[\\/](?=[^\\/]+$)/, '').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60) || 'model';
}

export function timestampId(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/**
 * Builds the plan. `flags` holds only options the user gave explicitly; `resumeDir` loads the
 * saved config of an earlier run first.
 */
export function buildPlan(params: {
  flags: RunConfig;
  configFile?: string;
  resumeDir?: string;
  now?: Date;
  reportsDir?: string;
  defaults: { backend: string; data: string };
  /** Where `--shard auto` reads the scheduler's variables; process.env by default. */
  env?: NodeJS.ProcessEnv;
}): RunPlan {
  let base: RunConfig = {};
  if (params.resumeDir) base = readConfigFile(resumeConfigPath(params.resumeDir));
  if (params.configFile) base = { ...base, ...readConfigFile(params.configFile) };
  const c: RunConfig = { ...base, ...params.flags };
  // A preset supplies defaults (suites, style, MMMU subjects, images per request); flags and config keys still win.
  const preset = c.preset !== undefined ? getPreset(c.preset) : undefined;
  const suites = list(c.suite) ?? preset?.suites;
  if (!suites) throw new UserError('No suite given. Use --suite <id>[,<id>…] (see `vlm-harness list`) or --preset <name>.');
  const promptStyle = c.promptStyle !== undefined ? parsePromptStyle(c.promptStyle) : (preset?.promptStyle ?? DEFAULT_PROMPT_STYLE);
  if (params.resumeDir && params.flags.promptStyle !== undefined && promptStyle !== parsePromptStyle(base.promptStyle ?? DEFAULT_PROMPT_STYLE)) {
    // the finished samples were asked with the saved style; mixing two prompts in one run is no result
    throw new UserError(`--resume ${params.resumeDir}: the run used --prompt-style ${base.promptStyle ?? DEFAULT_PROMPT_STYLE}; a resume cannot change it. Start a new run (--out) for ${promptStyle}.`);
  }
  const serve = servePlan(c);
  if (serve && c.backend !== undefined && c.backend !== 'openai') {
    throw new UserError(`--serve starts an OpenAI-compatible server, which --backend ${c.backend} does not talk to. Drop --backend (it becomes openai) or drop --serve.`);
  }
  const backend = c.backend ?? (serve ? 'openai' : params.defaults.backend);
  const baseUrl = c.baseUrl ?? (serve ? defaultBaseUrl(serve.command) : undefined);
  const modelName = c.model ?? (c.predictions ? slug(c.predictions) : backend);
  const what = preset && !c.suite ? preset.id : suites.join('+');
  const shard = resolveShard({ ...(c.shard !== undefined ? { shard: c.shard } : {}), ...(c.shards !== undefined ? { shards: c.shards } : {}), ...(params.env ? { env: params.env } : {}) });
  const shardPart = shard ? `-shard${shard.index}of${shard.count}` : '';
  const runId = params.resumeDir ? slug(params.resumeDir) : `${timestampId(params.now ?? new Date())}-${what}-${slug(modelName)}${shardPart}`;
  const runDir = params.resumeDir ?? c.out ?? join(params.reportsDir ?? 'reports', runId);
  // --retry-errors applies to one invocation, not to every later resume; the shard is saved resolved
  const { retryErrors: _once, shards: _count, shard: _given, ...persistent } = c;
  const judge = judgePlan(c);
  const conversation = conversationSettings(c);
  if (shard && conversation) {
    // a shard's range is positions of the selection; a conversation crossing its edge would be asked
    // as two shorter ones, with other prompts and turns than one run asks (not merged exactly)
    throw new UserError('--shard cannot be combined with --conversation yet: a shard boundary could cut a conversation in two, and the merged result would differ from a single run. Run conversations unsharded.');
  }
  const ids = list(c.ids);
  const subjects = list(c.subject) ?? preset?.subjects;
  // what the preset filled in is written out, so readers of config.json (gate) need not know presets
  const savedConfig: RunConfig = {
    ...persistent,
    suite: suites,
    backend,
    out: runDir,
    promptStyle,
    ...(subjects ? { subject: subjects } : {}),
    // the server command may hold a key (`--api-key …`): config.json keeps it masked
    ...(serve ? { serve: commandText(maskedCommand(serve.command)), baseUrl } : {}),
    ...(shard ? { shard: shardText(shard) } : {}),
  };
  const gpus = typeof c.gpus === 'string' ? parseGpus(c.gpus) : c.gpus;
  return {
    suites,
    backend,
    ...(c.model ? { model: c.model } : {}),
    ...(c.predictions ? { predictions: c.predictions } : {}),
    data: c.data ?? params.defaults.data,
    ...(c.limit !== undefined ? { limit: c.limit } : {}),
    ...(ids ? { ids } : {}),
    concurrency: c.concurrency ?? 1,
    requestTimeoutSec: c.requestTimeout ?? 300,
    maxRetries: c.maxRetries ?? 3,
    ...(c.dtype ? { dtype: c.dtype } : {}),
    ...(subjects ? { subjects } : {}),
    ...(c.split ? { split: c.split } : {}),
    lmmsOrg: c.lmmsOrg ?? 'lmms-lab-encoder',
    ...(c.hardwareLabel ? { hardwareLabel: c.hardwareLabel } : {}),
    telemetryIntervalSec: c.telemetryInterval ?? 1,
    ...(gpus ? { gpus } : {}),
    ...(c.telemetryCmd ? { telemetryCmd: c.telemetryCmd } : {}),
    retryErrors: c.retryErrors ?? false,
    dataFallback: c.data === undefined,
    ...(baseUrl ? { baseUrl } : {}),
    ...(c.apiKeyEnv ? { apiKeyEnv: c.apiKeyEnv } : {}),
    ...(c.extraBody ? { extraBody: c.extraBody } : {}),
    ...(c.device ? { device: c.device } : {}),
    ...(c.threads ? { threads: c.threads } : {}),
    ...(c.maxImages !== undefined ? { maxImages: c.maxImages } : preset ? { maxImages: preset.maxImages } : {}),
    ...(c.requestRate ? { requestRate: c.requestRate } : {}),
    warmup: c.warmup ?? 0,
    ...(c.duration ? { durationSec: c.duration } : {}),
    ...(c.revision ? { revision: c.revision } : {}),
    ...(c.python ? { python: c.python } : {}),
    ...(judge ? { judge } : {}),
    promptStyle,
    ...(preset ? { preset: preset.id } : {}),
    rawPrompt: c.rawPrompt ?? false,
    ...(c.maxResponseBytes ? { maxResponseBytes: c.maxResponseBytes } : {}),
    ...(c.maxErrorRate !== undefined ? { maxErrorRate: c.maxErrorRate } : {}),
    ...(c.clientWorkers !== undefined ? { clientWorkers: c.clientWorkers } : {}),
    ...(serve ? { serve } : {}),
    ...(conversation ? { conversation } : {}),
    ...(shard ? { shard } : {}),
    runId,
    runDir,
    resumed: params.resumeDir !== undefined,
    savedConfig,
  };
}
