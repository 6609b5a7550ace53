// results.json `serve`: the inference server a run started and stopped itself (`--serve`). The
// command is stored with secrets masked (command-line.ts); the version and the KV-cache config are
// what the server said about itself once it was healthy.

import { z } from 'zod';

export const serveRecordSchema = z.object({
  /** The server's argv (leading NAME=value environment settings first), secrets masked as `***`. */
  command: z.array(z.string()),
  /** The API root the run talked to. */
  baseUrl: z.string(),
  /** The URL whose 200 said the server was ready (`/health`, else `/v1/models`). */
  healthUrl: z.string(),
  /** Seconds from start to the first healthy answer. */
  readySec: z.number(),
  /** GET /version (vLLM: `{"version": "0.10.1"}`); null when the server has no such endpoint. */
  version: z.string().nullable(),
  /** Labels of vllm:cache_config_info from /metrics (block_size, num_gpu_blocks, cache_dtype …); null without. */
  cacheConfig: z.record(z.string(), z.string()).nullable(),
  /** The server's stdout and stderr, relative to the run directory. */
  log: z.string(),
  /**
   * Before this run: whether vLLM's POST /reset_prefix_cache (and /reset_mm_cache) emptied the caches
   * (sweep points after the first); null when not attempted, false when the server has no such endpoint.
   */
  cacheReset: z.boolean().nullable().optional(),
});

export type ServeRecord = z.infer<typeof serveRecordSchema>;
