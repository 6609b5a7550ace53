// What the harness asks a served engine besides the API: is it ready (GET /health, else GET
// {base}/models), what is it (GET /version: vLLM answers `{"version": "0.10.1"}`), how is its KV cache
// set up (vllm:cache_config_info on /metrics, serving-metrics.md §2), and, between sweep points,
// empty its caches: vLLM's POST /reset_prefix_cache (served when VLLM_SERVER_DEV_MODE=1) and
// POST /reset_mm_cache, so the next point does not start with the previous point's prompts and
// images already cached. Every call has a short time limit and none throws.

import { parsePrometheusText, serverRoot, summarizeScrapes } from '../backends/server-metrics.ts';

export { serverRoot };

interface Answer {
  status: number | null;
  text: string;
  why: string;
}

async function call(fetchFn: typeof globalThis.fetch, url: string, init: RequestInit = {}, timeoutMs = 3000): Promise<Answer> {
  try {
    const res = await fetchFn(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return { status: res.status, text: text.slice(0, 1_000_000), why: `HTTP ${res.status}` };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    return { status: null, text: '', why: cause?.code ?? (e as Error).name ?? 'no answer' };
  }
}

export interface ServerProbe {
  healthy: boolean;
  /** The URL that answered 200, or the one tried last. */
  url: string;
  /** Why it is not healthy (HTTP status or network error code). */
  why: string;
  version: string | null;
  cacheConfig: Record<string, string> | null;
}

export async function probeServer(p: { baseUrl: string; fetch?: typeof globalThis.fetch; info?: boolean }): Promise<ServerProbe> {
  const fetchFn = p.fetch ?? globalThis.fetch;
  const root = serverRoot(p.baseUrl);
  const health = await call(fetchFn, `${root}/health`);
  let url = `${root}/health`;
  let answer = health;
  if (health.status !== 200) {
    url = `${p.baseUrl.replace(/\/+$/, '')}/models`;
    answer = await call(fetchFn, url);
  }
  if (answer.status !== 200) return { healthy: false, url, why: `${health.why}; ${answer.why}`, version: null, cacheConfig: null };
  if (!p.info) return { healthy: true, url, why: 'HTTP 200', version: null, cacheConfig: null };
  const [version, metrics] = await Promise.all([call(fetchFn, `${root}/version`), call(fetchFn, `${root}/metrics`)]);
  return {
    healthy: true,
    url,
    why: 'HTTP 200',
    version: version.status === 200 ? versionOf(version.text) : null,
    cacheConfig: metrics.status === 200 ? (summarizeScrapes([{ atMs: 0, samples: parsePrometheusText(metrics.text) }])?.cacheConfig ?? null) : null,
  };
}

function versionOf(text: string): string | null {
  try {
    const v = (JSON.parse(text) as { version?: unknown }).version;
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  } catch {
    const t = text.trim();
    return t && t.length < 100 ? t : null;
  }
}

/**
 * Empties the engine's prefix and multimodal caches. True when /reset_prefix_cache answered 2xx,
 * false when the server has no such endpoint (404/405: vLLM without VLLM_SERVER_DEV_MODE, or another
 * engine) or failed.
 */
export async function resetServerCaches(p: { baseUrl: string; fetch?: typeof globalThis.fetch }): Promise<boolean> {
  const fetchFn = p.fetch ?? globalThis.fetch;
  const root = serverRoot(p.baseUrl);
  const [prefix] = await Promise.all([
    call(fetchFn, `${root}/reset_prefix_cache`, { method: 'POST' }, 30_000),
    call(fetchFn, `${root}/reset_mm_cache`, { method: 'POST' }, 30_000),
  ]);
  return prefix.status !== null && prefix.status >= 200 && prefix.status < 300;
}
