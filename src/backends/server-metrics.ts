// Server-side view of a run from vLLM's Prometheus endpoint (spec/serving-metrics.md §2): scrape
// GET {server root}/metrics before the measured window, every `intervalMs` during it and after it,
// then summarise: generation throughput from the `vllm:generation_tokens_total` delta over the
// window, the peak of `vllm:kv_cache_usage_perc` (falling back to the deprecated
// `vllm:gpu_cache_usage_perc`), the `vllm:num_preemptions_total` delta and the labels of
// `vllm:cache_config_info`. Counters are summed over label sets (one per `engine` with data
// parallelism). The endpoint is optional: a server without it gives a null summary, and no scrape
// failure ever reaches the run. Periodic timers are unref'd so they never keep the process alive.

import { parsePrometheusText, sumSeries, type PromSample } from './prometheus-text.ts';

export { parsePrometheusText, type PromSample } from './prometheus-text.ts';

export interface Scrape {
  /** Monotonic ms (the injected `now`) when the scrape's response arrived. */
  atMs: number;
  samples: PromSample[];
}

export interface ServerMetricsSummary {
  /** Δ vllm:generation_tokens_total / Δt between the first and last scrape; null if unknown. */
  generationTokensPerSec: number | null;
  /** Highest KV-cache usage (0–1) seen in any scrape; null if the server does not export it. */
  kvCacheUsagePeak: number | null;
  /** Δ vllm:num_preemptions_total over the window; null if not exported. */
  preemptions: number | null;
  /** Labels of vllm:cache_config_info (num_gpu_blocks, block_size, cache_dtype …). */
  cacheConfig: Record<string, string> | null;
  /** Successful scrapes. */
  scrapes: number;
}

/** The server's root: the API base URL without its trailing /v1 (where vLLM serves /metrics, /health …). */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** {server root}/metrics. */
export function metricsUrl(baseUrl: string): string {
  return `${serverRoot(baseUrl)}/metrics`;
}

function counterDelta(first: Scrape, last: Scrape, name: string): number | null {
  const a = sumSeries(first.samples, name);
  const b = sumSeries(last.samples, name);
  if (a === null || b === null || b < a) return null; // missing, or the server restarted
  return b - a;
}

/** Summarises scrapes in time order; null when there was none (no /metrics endpoint). */
export function summarizeScrapes(scrapes: readonly Scrape[]): ServerMetricsSummary | null {
  if (scrapes.length === 0) return null;
  const first = scrapes[0];
  const last = scrapes[scrapes.length - 1];
  const elapsedSec = (last.atMs - first.atMs) / 1000;
  const tokens = scrapes.length > 1 ? counterDelta(first, last, 'vllm:generation_tokens_total') : null;
  const preemptions = scrapes.length > 1 ? counterDelta(first, last, 'vllm:num_preemptions_total') : null;

  let kvPeak: number | null = null;
  for (const s of scrapes) {
    let found = s.samples.filter((x) => x.name === 'vllm:kv_cache_usage_perc');
    if (found.length === 0) found = s.samples.filter((x) => x.name === 'vllm:gpu_cache_usage_perc');
    for (const x of found) if (Number.isFinite(x.value)) kvPeak = Math.max(kvPeak ?? -Infinity, x.value);
  }

  let cacheConfig: Record<string, string> | null = null;
  for (let i = scrapes.length - 1; i >= 0 && cacheConfig === null; i--) {
    const info = scrapes[i].samples.find((x) => x.name === 'vllm:cache_config_info');
    if (info) cacheConfig = { ...info.labels };
  }

  return {
    generationTokensPerSec: tokens !== null && elapsedSec > 0 ? tokens / elapsedSec : null,
    kvCacheUsagePeak: kvPeak,
    preemptions,
    cacheConfig,
    scrapes: scrapes.length,
  };
}

export interface ServerMetricsWatcherOptions {
  /** The /metrics URL (see metricsUrl). */
  url: string;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  /** Period of the scrapes between start and stop; 0 scrapes only at start and stop. 1000 by default. */
  intervalMs?: number;
  /** Time limit of one scrape; 5000 ms by default. */
  timeoutMs?: number;
}

export interface ServerMetricsWatcher {
  /** Takes the "before" scrape and starts the periodic ones. Never rejects. */
  start(): Promise<void>;
  /** Takes the "after" scrape and summarises; null when the server has no /metrics. Never rejects. */
  stop(): Promise<ServerMetricsSummary | null>;
}

type ScrapeOutcome = { ok: true; scrape: Scrape } | { ok: false; absent: boolean };

export function createServerMetricsWatcher(options: ServerMetricsWatcherOptions): ServerMetricsWatcher {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => performance.now());
  const intervalMs = options.intervalMs ?? 1000;
  const scrapes: Scrape[] = [];
  let absent = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let inFlight: Promise<void> | undefined;

  async function scrapeOnce(): Promise<ScrapeOutcome> {
    try {
      const res = await fetchFn(options.url, {
        headers: { accept: 'text/plain' },
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      const text = await res.text();
      if (!res.ok) return { ok: false, absent: res.status === 404 };
      return { ok: true, scrape: { atMs: now(), samples: parsePrometheusText(text) } };
    } catch (e) {
      return { ok: false, absent: isRefused(e) };
    }
  }

  async function take(): Promise<void> {
    const outcome = await scrapeOnce();
    if (outcome.ok) scrapes.push(outcome.scrape);
    else if (outcome.absent && scrapes.length === 0) absent = true;
  }

  function tick(): void {
    if (inFlight) return; // a slow server: skip rather than pile up scrapes
    inFlight = take().finally(() => {
      inFlight = undefined;
    });
  }

  return {
    async start() {
      try {
        await take();
        if (!absent && intervalMs > 0) {
          timer = setInterval(tick, intervalMs);
          timer.unref();
        }
      } catch {
        // never throws into the run
      }
    },
    async stop() {
      try {
        if (timer) clearInterval(timer);
        timer = undefined;
        await inFlight;
        if (!absent) await take();
        return summarizeScrapes(scrapes);
      } catch {
        return null;
      }
    },
  };
}

function isRefused(e: unknown): boolean {
  const cause = e instanceof Error ? (e.cause as { code?: unknown } | undefined) : undefined;
  const code = cause?.code ?? (e as { code?: unknown } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND';
}
