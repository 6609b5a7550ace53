import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiBackend } from '../../src/backends/openai.ts';
import { histogramWindowMean, sumSeries } from '../../src/backends/prometheus-text.ts';
import {
  createServerMetricsWatcher,
  metricsUrl,
  parsePrometheusText,
  summarizeScrapes,
  type Scrape,
} from '../../src/backends/server-metrics.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';

const EXPOSITION = `# HELP vllm:generation_tokens_total Number of generation tokens processed.
# TYPE vllm:generation_tokens_total counter
vllm:generation_tokens_total{engine="0",model_name="m"} 1500.0
vllm:generation_tokens_total{engine="1",model_name="m"} 500.0
vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.42 1712345678000
vllm:cache_config_info{block_size="16",cache_dtype="auto",note="a \\"quoted\\", {braced} \\\\ value\\nnext",num_gpu_blocks="2048",} 1.0
vllm:ttft_seconds_bucket{le="0.5",model_name="m"} 3.0
vllm:ttft_seconds_bucket{le="+Inf",model_name="m"} 4.0
vllm:ttft_seconds_sum{model_name="m"} 1.2
vllm:ttft_seconds_count{model_name="m"} 4.0
process_start_time_seconds 1.7e+09
weird_gauge NaN
neg_gauge -Inf
broken{label=unquoted} 1
not a sample line
`;

describe('parsePrometheusText', () => {
  it('parses names, labels with escapes, special values, timestamps and histogram series', () => {
    const samples = parsePrometheusText(EXPOSITION);
    expect(samples.map((s) => s.name)).toEqual([
      'vllm:generation_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:kv_cache_usage_perc',
      'vllm:cache_config_info',
      'vllm:ttft_seconds_bucket',
      'vllm:ttft_seconds_bucket',
      'vllm:ttft_seconds_sum',
      'vllm:ttft_seconds_count',
      'process_start_time_seconds',
      'weird_gauge',
      'neg_gauge',
    ]);
    expect(samples[2]).toEqual({ name: 'vllm:kv_cache_usage_perc', labels: { engine: '0', model_name: 'm' }, value: 0.42 });
    expect(samples[3].labels).toEqual({ block_size: '16', cache_dtype: 'auto', note: 'a "quoted", {braced} \\ value\nnext', num_gpu_blocks: '2048' });
    expect(samples[5].labels.le).toBe('+Inf');
    expect(samples[8].value).toBe(1.7e9);
    expect(samples[9].value).toBeNaN();
    expect(samples[10].value).toBe(-Infinity);
    expect(sumSeries(samples, 'vllm:generation_tokens_total')).toBe(2000);
    expect(sumSeries(samples, 'absent')).toBeNull();
  });

  it('computes a histogram window mean from _sum and _count deltas', () => {
    const before = parsePrometheusText('h_sum 1.0\nh_count 2\n');
    const after = parsePrometheusText('h_sum 4.0\nh_count 8\n');
    expect(histogramWindowMean(before, after, 'h')).toBeCloseTo(0.5);
    expect(histogramWindowMean(after, after, 'h')).toBeNull();
  });
});

describe('summarizeScrapes', () => {
  const scrape = (atMs: number, text: string): Scrape => ({ atMs, samples: parsePrometheusText(text) });

  it('takes counter deltas over the window, the KV peak and the cache config', () => {
    const s = summarizeScrapes([
      scrape(0, 'vllm:generation_tokens_total{engine="0"} 100\nvllm:generation_tokens_total{engine="1"} 50\nvllm:num_preemptions_total 2\nvllm:kv_cache_usage_perc 0.1\nvllm:cache_config_info{num_gpu_blocks="10",block_size="16"} 1'),
      scrape(1000, 'vllm:generation_tokens_total{engine="0"} 300\nvllm:generation_tokens_total{engine="1"} 150\nvllm:num_preemptions_total 3\nvllm:kv_cache_usage_perc 0.93'),
      scrape(4000, 'vllm:generation_tokens_total{engine="0"} 1000\nvllm:generation_tokens_total{engine="1"} 350\nvllm:num_preemptions_total 7\nvllm:kv_cache_usage_perc 0.5'),
    ]);
    expect(s).toEqual({
      generationTokensPerSec: 1200 / 4,
      kvCacheUsagePeak: 0.93,
      preemptions: 5,
      cacheConfig: { num_gpu_blocks: '10', block_size: '16' },
      scrapes: 3,
    });
  });

  it('falls back to vllm:gpu_cache_usage_perc and returns nulls for what is missing', () => {
    const s = summarizeScrapes([scrape(0, 'vllm:gpu_cache_usage_perc 0.3'), scrape(10, 'vllm:gpu_cache_usage_perc 0.6')]);
    expect(s).toEqual({ generationTokensPerSec: null, kvCacheUsagePeak: 0.6, preemptions: null, cacheConfig: null, scrapes: 2 });
    expect(summarizeScrapes([scrape(0, 'vllm:generation_tokens_total 5')])?.generationTokensPerSec).toBeNull();
    expect(summarizeScrapes([scrape(0, 'vllm:generation_tokens_total 50'), scrape(10, 'vllm:generation_tokens_total 5')])?.generationTokensPerSec).toBeNull();
    expect(summarizeScrapes([])).toBeNull();
  });
});

describe('metricsUrl', () => {
  it('drops the /v1 suffix of the API base URL', () => {
    expect(metricsUrl('http://h:8000/v1')).toBe('http://h:8000/metrics');
    expect(metricsUrl('http://h:8000/v1/')).toBe('http://h:8000/metrics');
    expect(metricsUrl('http://h:8000/')).toBe('http://h:8000/metrics');
    expect(metricsUrl('http://h/proxy/v1')).toBe('http://h/proxy/metrics');
  });
});

describe('createServerMetricsWatcher', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startOpenAiServer({ metrics: { kvUsage: [0.1, 0.7, 0.2] }, script: { chunks: 6, tokensPerChunk: 2 } });
  });
  afterAll(() => server.close());

  it('summarises a before/after window with an injected clock', async () => {
    let clock = 0;
    const watcher = createServerMetricsWatcher({ url: metricsUrl(server.baseUrl), now: () => clock, intervalMs: 0 });
    await watcher.start();
    const backend = createOpenAiBackend({ baseUrl: server.baseUrl, model: 'm' });
    const signal = new AbortController().signal;
    const req = { sampleId: 's', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'x' }] }], maxTokens: 12, temperature: 0 };
    await Promise.all([backend.generate(req, signal), backend.generate(req, signal)]);
    clock = 2000;
    const s = await watcher.stop();
    expect(s).toEqual({
      generationTokensPerSec: 24 / 2, // 2 requests × 6 chunks × 2 tokens over 2 s
      kvCacheUsagePeak: 0.7,
      preemptions: 1, // the test server's counter counts scrapes
      cacheConfig: expect.objectContaining({ num_gpu_blocks: '2048', block_size: '16', cache_dtype: 'auto' }),
      scrapes: 2,
    });
  });

  it('scrapes periodically between start and stop', async () => {
    const watcher = createServerMetricsWatcher({ url: metricsUrl(server.baseUrl), intervalMs: 20 });
    await watcher.start();
    await new Promise((r) => setTimeout(r, 150));
    const s = await watcher.stop();
    expect(s?.scrapes).toBeGreaterThanOrEqual(3);
    expect(s?.generationTokensPerSec).toBe(0);
  });

  it('is null when the server has no /metrics (404) or refuses connections', async () => {
    const bare = await startOpenAiServer();
    try {
      const w = createServerMetricsWatcher({ url: metricsUrl(bare.baseUrl), intervalMs: 10 });
      await w.start();
      await new Promise((r) => setTimeout(r, 40));
      expect(await w.stop()).toBeNull();
      expect(bare.requests.filter((r) => r.path === '/metrics')).toHaveLength(1); // no periodic scrapes
    } finally {
      await bare.close();
    }
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const w = createServerMetricsWatcher({ url: `http://127.0.0.1:${port}/metrics` });
    await w.start();
    expect(await w.stop()).toBeNull();
  });

  it('never throws, even when fetch itself throws synchronously', async () => {
    const fetch = (() => {
      throw new Error('boom');
    }) as unknown as typeof globalThis.fetch;
    const w = createServerMetricsWatcher({ url: 'http://127.0.0.1:1/metrics', fetch, intervalMs: 5 });
    await expect(w.start()).resolves.toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    await expect(w.stop()).resolves.toBeNull();
  });
});
