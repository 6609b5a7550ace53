// In-process backend: a transformers.js vision-language model (SmolVLM/Idefics3 layout) on
// onnxruntime-node, on the CPU by default. It follows transformers.js's own recipe
// (../shared/spec/tiny-vlm.md, "Generation call used"): AutoProcessor → apply_chat_template(
// add_generation_prompt) → processor(text, images) → AutoModelForVision2Seq.generate → decode the new
// tokens with skip_special_tokens.
// Timing, the way a streaming server is timed (types.ts GenerationTiming): startMs before the images
// are decoded and the prompt built; a streamer stamps each generated token with the injected clock
// as it is sampled, so firstTokenMs is the end of prefill (TTFT) and chunkMs has one entry per token
// (the EOS token included, when the model emits one); endMs is the last token. Token counts come from
// the model's own tokenizer (tokenSource 'tokenizer'): promptTokens is the input length with the
// image tokens expanded, outputTokens the number of generated ids.
// One generate at a time: ONNX Runtime sessions are not shared between concurrent runs here, so
// concurrency > 1 only queues (startMs is taken when a request's turn comes, so queueing does not
// count as latency). The signal is checked between tokens; an aborted generation throws.
// maxImages: the Idefics3 processor takes several images per prompt; each costs up to
// (rows·cols + 1)·image_seq_len tokens (SmolVLM-256M: up to 17 tiles × 64 = 1,088) of an 8k
// context, so 4 is the default.

import type { Backend, ContentPart, Generation, ImageInput, Message, ModelInfo, Request } from '../types.ts';
import { UserError } from '../errors.ts';
import { resolveDefaultModel, TINY_MODEL_ID } from '../models/default-model.ts';
import { isOnnxDtype, ONNX_DTYPES, type OnnxDtype } from '../models/model-files.ts';
import { resolveModel, type ModelProgress } from '../models/resolve-model.ts';
import type { Env } from '../hub/env.ts';
import { BackendError } from './backend-error.ts';
import { checkOnnxDevice } from './onnx-device.ts';
import { loadOnnxModel, type LoadedOnnxModel } from './onnx-load.ts';
import { resolveModelSource } from './onnx-source.ts';

export type OnnxProgress = ModelProgress | { kind: 'load'; model: string; dir: string };

export interface OnnxBackendOptions {
  /** Hub id or local folder; absent: the default model, or the tiny model when the Hub is out of reach. */
  model?: string;
  /** fp32 by default for --model, q8 for the default model. */
  dtype?: string;
  /** onnxruntime-node execution provider: cpu (default), cuda, webgpu … (see onnx-device.ts). */
  device?: string;
  /** Intra-op threads per session; when absent, onnxruntime's default (all cores), or 1 for the tiny model. */
  threads?: number;
  /** Hub cache root; from HF_HUB_CACHE / HF_HOME by default. */
  cacheDir?: string;
  env?: Env;
  fetch?: typeof globalThis.fetch;
  onProgress?: (event: OnnxProgress) => void;
  /** Monotonic clock in ms; performance.now() by default. */
  now?: () => number;
  maxImages?: number;
}

export async function createOnnxBackend(o: OnnxBackendOptions = {}): Promise<Backend> {
  const now = o.now ?? (() => performance.now());
  if (o.dtype !== undefined && !isOnnxDtype(o.dtype)) {
    throw new UserError(`Unknown --dtype '${o.dtype}' for the onnx backend. Use one of: ${ONNX_DTYPES.join(', ')}.`);
  }
  const device = o.device ?? 'cpu';
  await checkOnnxDevice(device);
  if (o.threads !== undefined && (!Number.isInteger(o.threads) || o.threads < 1)) throw new UserError(`--threads must be a positive integer, not ${o.threads}.`);

  const source = await locateModel(o);
  o.onProgress?.({ kind: 'load', model: source.modelId, dir: source.dir });
  // The tiny model's ops are too small to split across threads: one thread is 2-3x faster there.
  const threads = o.threads ?? (source.modelId === TINY_MODEL_ID ? 1 : undefined);
  const loaded = await loadOnnxModel({ dir: source.dir, dtype: source.dtype, device, threads });
  const info: ModelInfo = { id: source.modelId, backend: 'onnx', dtype: source.dtype, ...(source.notice ? { notice: source.notice } : {}) };

  let queue: Promise<unknown> = Promise.resolve();
  return {
    id: 'onnx',
    maxImages: o.maxImages ?? 4,
    async describe() {
      return info;
    },
    generate(request, signal) {
      const turn = queue.then(() => {
        if (signal.aborted) throw abortError(signal, 0);
        return generateOne(loaded, request, signal, now);
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
    async close() {
      await queue;
      await loaded.model.dispose();
    },
  };
}

interface ModelSource {
  dir: string;
  modelId: string;
  dtype: OnnxDtype;
  notice?: string;
}

async function locateModel(o: OnnxBackendOptions): Promise<ModelSource> {
  const dtype = o.dtype as OnnxDtype | undefined;
  const common = { cacheDir: o.cacheDir, env: o.env, fetch: o.fetch, onProgress: o.onProgress };
  if (o.model === undefined) {
    const d = await resolveDefaultModel({ ...common, dtype });
    return { dir: d.modelPath, modelId: d.modelId, dtype: d.dtype, ...(d.notice ? { notice: d.notice } : {}) };
  }
  const source = await resolveModelSource(o.model);
  if (source.kind === 'folder') return { dir: source.dir, modelId: source.modelId, dtype: dtype ?? 'fp32' };
  const resolved = await resolveModel({ ...common, model: o.model, dtype: dtype ?? 'fp32' });
  return { dir: resolved.dir, modelId: o.model, dtype: dtype ?? 'fp32' };
}

type GenerateParams = Parameters<LoadedOnnxModel['model']['generate']>[0];

async function generateOne(m: LoadedOnnxModel, request: Request, signal: AbortSignal, now: () => number): Promise<Generation> {
  const startMs = now();
  const images = request.messages.flatMap((msg) => msg.content.filter((c): c is Extract<ContentPart, { type: 'image' }> => c.type === 'image').map((c) => c.image));
  if (request.rawPrompt !== undefined) checkImageTokens(request.rawPrompt, images.length);
  const rawImages = await Promise.all(images.map((image, i) => decodeImage(m, image, i)));
  const text = request.rawPrompt ?? renderChat(m, request.messages);

  let inputs: Record<string, unknown> & { input_ids: { dims: number[] } };
  try {
    inputs = images.length > 0 ? await m.processor(text, rawImages) : m.processor.tokenizer!(text);
  } catch (e) {
    throw new BackendError(`preparing the prompt failed: ${errorMessage(e)}`, { kind: 'input', cause: e });
  }
  const promptTokens = inputs.input_ids.dims.at(-1)!;

  const chunkMs: number[] = [];
  const streamer = tokenStamper(m, () => chunkMs.push(now()));
  const stopOnAbort = abortCriterion(m, signal);
  let sequences: { dims: number[]; slice(...args: unknown[]): unknown };
  try {
    const params: Record<string, unknown> = {
      ...inputs,
      max_new_tokens: request.maxTokens,
      ...(request.temperature > 0 ? { do_sample: true, temperature: request.temperature } : { do_sample: false }),
      streamer,
      stopping_criteria: stopOnAbort,
    };
    sequences = (await m.model.generate(params as GenerateParams)) as unknown as typeof sequences;
  } catch (e) {
    throw new BackendError(`onnxruntime generate failed: ${errorMessage(e)}`, { kind: 'backend', cause: e });
  }
  const outputTokens = sequences.dims[1] - promptTokens;
  if (signal.aborted) throw abortError(signal, outputTokens);
  const [decoded] = m.processor.batch_decode(sequences.slice(null, [promptTokens, null]) as never, { skip_special_tokens: true });
  const endMs = chunkMs.at(-1) ?? now();
  return {
    text: decoded ?? '',
    promptTokens,
    outputTokens,
    tokenSource: 'tokenizer',
    timing: { startMs, ...(chunkMs.length ? { firstTokenMs: chunkMs[0] } : {}), chunkMs, endMs },
  };
}

/** Request messages as the chat template expects them: image parts become `{type: 'image'}` placeholders. */
export function toChatMessages(messages: Message[]): Array<{ role: string; content: Array<{ type: 'image' } | { type: 'text'; text: string }> }> {
  return messages.map((msg) => ({
    role: msg.role,
    content: msg.content.map((c) => (c.type === 'image' ? { type: 'image' as const } : { type: 'text' as const, text: c.text })),
  }));
}

function renderChat(m: LoadedOnnxModel, messages: Message[]): string {
  try {
    return m.processor.apply_chat_template(toChatMessages(messages) as never, { add_generation_prompt: true, tokenize: false }) as unknown as string;
  } catch (e) {
    throw new BackendError(`the model's chat template failed: ${errorMessage(e)}`, { kind: 'input', cause: e });
  }
}

function checkImageTokens(prompt: string, images: number): void {
  const placeholders = prompt.split('<image>').length - 1;
  if (placeholders !== images) {
    throw new BackendError(`the raw prompt has ${placeholders} <image> placeholder(s) for ${images} image(s)`, { kind: 'input' });
  }
}

async function decodeImage(m: LoadedOnnxModel, image: ImageInput, index: number) {
  try {
    return await m.tf.RawImage.fromBlob(new Blob([image.bytes], { type: image.mime }));
  } catch (e) {
    throw new BackendError(`image ${index + 1} (${image.mime}) could not be decoded: ${errorMessage(e)}`, { kind: 'input', cause: e });
  }
}

/** A streamer that ignores the prompt (the first put) and calls `onToken` once per generated token. */
function tokenStamper(m: LoadedOnnxModel, onToken: () => void) {
  let promptSeen = false;
  class TokenStamper extends m.tf.BaseStreamer {
    override put(value: bigint[][]): void {
      if (!promptSeen) {
        promptSeen = true;
        return;
      }
      for (let i = 0; i < (value[0]?.length ?? 0); i++) onToken();
    }
    override end(): void {}
  }
  return new TokenStamper();
}

/** Stops generation at the next token once the signal is aborted. */
function abortCriterion(m: LoadedOnnxModel, signal: AbortSignal) {
  class StopOnAbort extends m.tf.StoppingCriteria {
    override _call(inputIds: number[][]): boolean[] {
      return inputIds.map(() => signal.aborted);
    }
  }
  return new StopOnAbort();
}

function abortError(signal: AbortSignal, tokens: number): BackendError {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'aborted';
  return new BackendError(`generation aborted after ${tokens} token(s): ${reason}`, { kind: 'timeout', cause: signal.reason });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
