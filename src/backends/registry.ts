// Backends by name. `--backend <name>` resolves here; each factory checks the options it needs
// and says which flag is missing. Each factory imports its backend when called, so `list`, `--help`
// and the other commands never load ONNX Runtime, transformers.js, sharp or an HTTP client.

import { availableParallelism } from 'node:os';
import { UserError, unknownName } from '../errors.ts';
import type { Backend } from '../types.ts';
import type { OnnxProgress } from './onnx.ts';

export interface BackendOptions {
  model?: string;
  dtype?: string;
  predictions?: string;
  baseUrl?: string;
  /** Name of the environment variable that holds the API key (never the key itself). */
  apiKeyEnv?: string;
  /** JSON object merged into each request body. */
  extraBody?: string;
  device?: string;
  threads?: number;
  maxImages?: number;
  /** transformers: the Python interpreter that runs the worker. */
  python?: string;
  /** openai: a response body past this many bytes errors its sample. */
  maxResponseBytes?: number;
  /** openai: worker threads that send requests and read streams (0: the main thread). */
  clientWorkers?: number;
}

export interface BackendDeps {
  env?: NodeJS.ProcessEnv;
  onProgress?: (event: OnnxProgress) => void;
}

interface BackendEntry {
  description: string;
  create(o: BackendOptions, deps: BackendDeps): Promise<Backend>;
}

function parseExtraBody(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UserError(`--extra-body is not valid JSON: ${(e as Error).message}. Example: --extra-body '{"ignore_eos": true}'.`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UserError('--extra-body must be a JSON object, e.g. \'{"top_k": 1}\'.');
  return v as Record<string, unknown>;
}

export const backends: Readonly<Record<string, BackendEntry>> = {
  onnx: {
    description: 'In-process ONNX Runtime (transformers.js layout): --model <hub id|folder> --dtype fp32|fp16|q8|q4 --device cpu',
    async create(o, deps) {
      const { createOnnxBackend } = await import('./onnx.ts');
      return createOnnxBackend({
        ...(o.model ? { model: o.model } : {}),
        ...(o.dtype ? { dtype: o.dtype } : {}),
        ...(o.device ? { device: o.device } : {}),
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.maxImages ? { maxImages: o.maxImages } : {}),
        ...(deps.env ? { env: deps.env } : {}),
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      });
    },
  },
  openai: {
    description: 'OpenAI-compatible server (vLLM, SGLang, TGI): --base-url http://host:8000/v1 [--model name] [--api-key-env NAME]',
    async create(o, deps) {
      if (!o.baseUrl) throw new UserError('--backend openai needs --base-url (e.g. http://127.0.0.1:8000/v1).');
      const env = deps.env ?? process.env;
      const keyName = o.apiKeyEnv ?? 'OPENAI_API_KEY';
      const apiKey = env[keyName];
      if (o.apiKeyEnv && !apiKey) throw new UserError(`--api-key-env ${o.apiKeyEnv}: that environment variable is not set.`);
      const extraBody = parseExtraBody(o.extraBody);
      const [{ createOpenAiBackend }, { metricsUrl }] = await Promise.all([import('./openai.ts'), import('./server-metrics.ts')]);
      const stall = Number(env.VLM_HARNESS_CLIENT_STALL_MS ?? 0);
      // several replicas of one model: `--base-url a,b,c` (endpoint-pool.ts)
      const baseUrls = o.baseUrl.split(',').map((u) => u.trim()).filter(Boolean);
      const backend = createOpenAiBackend({
        baseUrl: baseUrls,
        ...(o.model ? { model: o.model } : {}),
        ...(apiKey ? { apiKey } : {}),
        ...(extraBody ? { extraBody } : {}),
        ...(o.maxImages ? { maxImages: o.maxImages } : {}),
        ...(o.maxResponseBytes ? { maxResponseBytes: o.maxResponseBytes } : {}),
        clientWorkers: o.clientWorkers ?? defaultClientWorkers(),
        // test hook: an overloaded client on purpose (the saturation check's test)
        ...(stall > 0 ? { clientStallMs: stall } : {}),
      });
      // one server's /metrics describes the run; several replicas' would each describe a part
      return baseUrls.length === 1 ? { ...backend, metricsUrl: metricsUrl(baseUrls[0]) } : backend;
    },
  },
  transformers: {
    description: 'Hugging Face transformers in a Python worker (Llama 3.2 Vision as the seed runs it): --model <id|folder> --dtype bf16|fp16|fp32 --device cuda:0 [--python python3]',
    async create(o, deps) {
      const { createTransformersBackend } = await import('./transformers.ts');
      return createTransformersBackend({
        model: o.model ?? '',
        ...(o.dtype ? { dtype: o.dtype } : {}),
        ...(o.device ? { device: o.device } : {}),
        ...(o.python ? { python: o.python } : {}),
        ...(o.maxImages ? { maxImages: o.maxImages } : {}),
        ...(deps.env ? { env: deps.env } : {}),
      });
    },
  },
  replay: {
    description: 'Re-score saved predictions (--predictions <file>: JSONL {id, prediction} or a samples.jsonl)',
    async create(o) {
      if (!o.predictions) throw new UserError("--backend replay needs --predictions <file> (JSONL {\"id\", \"prediction\"} or an earlier run's samples.jsonl).");
      const { createReplayBackend, readPredictions } = await import('./replay.ts');
      return createReplayBackend({ file: o.predictions, predictions: await readPredictions(o.predictions) });
    },
  },
};

/**
 * One client worker per CPU the process may use, at most 8 (each handles hundreds of streams). On
 * 2 CPUs at 256 streams, one and two workers measured alike within the machine's noise
 * (README, "Benchmarks measured here").
 */
export function defaultClientWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

export const BACKEND_IDS = Object.keys(backends);

export async function createBackend(name: string, options: BackendOptions, deps: BackendDeps = {}): Promise<Backend> {
  const entry = backends[name];
  if (!entry) throw unknownName('backend', name, Object.keys(backends));
  return entry.create(options, deps);
}
