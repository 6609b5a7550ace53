// The messages between the transformers backend and python/worker.py (its docstring is the other
// half of this contract): what a Request becomes on the wire, the worker's replies checked with zod,
// and a result turned into a Generation. Pure functions, so the timing conversion is tested alone.

import { z } from 'zod';
import type { ContentPart, Generation, ImageInput, Message, Request } from '../types.ts';

export const readySchema = z.object({
  type: z.literal('ready'),
  model: z.string(),
  model_type: z.string().nullable().optional(),
  dtype: z.string(),
  device: z.string().optional(),
  device_name: z.string().nullable(),
  torch: z.string().nullable(),
  transformers: z.string().nullable(),
  cuda: z.string().nullable().optional(),
  hip: z.string().nullable().optional(),
  /** 1 for Mllama (one image per prompt, as vLLM and the seed ran it); null when the worker sets no limit. */
  max_images: z.number().int().positive().nullable().optional(),
});

const seconds = z.number().finite();

export const resultSchema = z.object({
  type: z.literal('result'),
  id: z.string(),
  text: z.string(),
  prompt_tokens: z.number().int().nonnegative().nullable().optional(),
  output_tokens: z.number().int().nonnegative(),
  /** time.perf_counter() seconds in the worker: only differences from `start` mean anything here. */
  timing: z.object({
    start: seconds,
    first_token: seconds.nullable().optional(),
    token_times: z.array(seconds),
    end: seconds,
  }),
  max_memory_allocated: z.number().nonnegative().nullable().optional(),
  max_memory_reserved: z.number().nonnegative().nullable().optional(),
});

export const errorSchema = z.object({
  type: z.literal('error'),
  id: z.string().nullable().optional(),
  /** Startup: missing_dependency | gated | oom | load; per request: oom | input | backend. */
  kind: z.string(),
  message: z.string(),
});

export type WorkerReady = z.infer<typeof readySchema>;
export type WorkerResult = z.infer<typeof resultSchema>;
export type WorkerError = z.infer<typeof errorSchema>;
export type WorkerReply = WorkerReady | WorkerResult | WorkerError;

const replySchema = z.discriminatedUnion('type', [readySchema, resultSchema, errorSchema]);

/** The reply, or a description of what is wrong with the line. */
export function parseReply(line: unknown): { ok: true; reply: WorkerReply } | { ok: false; problem: string } {
  const r = replySchema.safeParse(line);
  if (r.success) return { ok: true, reply: r.data };
  const issue = r.error.issues[0];
  return { ok: false, problem: `${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}` };
}

export interface GenerateMessage {
  type: 'generate';
  id: string;
  messages: Array<{ role: Message['role']; content: Array<{ type: 'image' } | { type: 'text'; text: string }> }>;
  raw_prompt?: string;
  /** Paths of the request's images, in the order their parts appear. */
  images: string[];
  max_new_tokens: number;
  temperature: number;
}

/** The request's images in order (a raw prompt's images are the image parts of its messages, too). */
export function requestImages(request: Request): ImageInput[] {
  return request.messages.flatMap((m) => m.content.filter((c): c is Extract<ContentPart, { type: 'image' }> => c.type === 'image').map((c) => c.image));
}

/** The wire form: image parts become `{type: 'image'}` placeholders, as chat templates expect. */
export function toGenerateMessage(request: Request, id: string, imagePaths: string[]): GenerateMessage {
  return {
    type: 'generate',
    id,
    messages: request.messages.map((m) => ({
      role: m.role,
      content: m.content.map((c) => (c.type === 'image' ? { type: 'image' as const } : { type: 'text' as const, text: c.text })),
    })),
    ...(request.rawPrompt !== undefined ? { raw_prompt: request.rawPrompt } : {}),
    images: imagePaths,
    max_new_tokens: request.maxTokens,
    temperature: request.temperature,
  };
}

/**
 * A worker result as a Generation. The worker's clock is mapped onto ours by anchoring its `start`
 * (when it began the request) at `sentMs` (performance.now() just before the request was written):
 * every later stamp is sentMs + (t − start)·1000, so TTFT and token gaps are the worker's own
 * measurements and the pipe's sub-millisecond delay is the only error.
 */
export function toGeneration(result: WorkerResult, sentMs: number): Generation {
  const at = (t: number) => sentMs + (t - result.timing.start) * 1000;
  const chunkMs = result.timing.token_times.map(at);
  const first = result.timing.first_token ?? result.timing.token_times[0];
  return {
    text: result.text,
    ...(result.prompt_tokens != null ? { promptTokens: result.prompt_tokens } : {}),
    outputTokens: result.output_tokens,
    tokenSource: 'tokenizer',
    timing: {
      startMs: sentMs,
      ...(first != null ? { firstTokenMs: at(first) } : {}),
      chunkMs,
      endMs: at(result.timing.end),
    },
  };
}

export const MIME_EXTENSIONS: Record<ImageInput['mime'], string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};
