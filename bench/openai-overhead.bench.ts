// Harness overhead against a server that answers instantly (issue: serving backend, item 8): the
// requests/s the whole per-sample path sustains (image validation, request building, the openai
// backend's streaming client, extraction, scoring) beside a minimal Node client that POSTs the same
// prebuilt bodies and reads the responses. Same process, same loopback server (in a child process),
// alternating runs; the ratio is what to read, not the absolute numbers.

import { spawn } from 'node:child_process';
import { once, setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { createOpenAiBackend } from '../src/backends/openai.ts';
import { imageDataUrl } from '../src/backends/openai-image.ts';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../src/data/dataset.ts';
import { decodeImage } from '../src/data/image.ts';
import { runSample, type ImageCache } from '../src/run/run-sample.ts';
import type { Sample } from '../src/types.ts';
import { getStyledSuite } from '../suites/index.ts';

const suite = getStyledSuite('chartqa');

async function loadSamples(): Promise<Sample[]> {
  const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((s) => resolveLocalDataset(suite, s, 'sample')));
  const out: Sample[] = [];
  for await (const { sample } of streamSamples({ suite, datasets })) out.push(sample);
  return out;
}

async function minimalBodies(samples: Sample[]): Promise<string[]> {
  return Promise.all(
    samples.map(async (s) => {
      const url = await imageDataUrl(await decodeImage(s.images[0]));
      return JSON.stringify({
        model: 'loopback',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }, { type: 'text', text: s.question }] }],
        max_completion_tokens: 16,
        stream: true,
        stream_options: { include_usage: true },
      });
    }),
  );
}

interface Measured {
  reqPerSec: number;
  cpuMsPerRequest: number;
}

async function measure(n: number, concurrency: number, one: (i: number) => Promise<void>): Promise<Measured> {
  const limit = pLimit(concurrency);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => limit(() => one(i))));
  const sec = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { reqPerSec: n / sec, cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / n };
}

export async function benchOpenAiOverhead(o: { requests?: number; concurrencies?: number[] } = {}): Promise<Array<Record<string, string | number>>> {
  const requests = o.requests ?? 1500;
  const child = spawn(process.execPath, [fileURLToPath(new URL('./loopback-server.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [first] = (await once(child.stdout!, 'data')) as [Buffer];
  const baseUrl = `http://127.0.0.1:${first.toString().trim()}/v1`;
  try {
    const samples = await loadSamples();
    const bodies = await minimalBodies(samples);
    const backend = createOpenAiBackend({ baseUrl, model: 'loopback' });
    const signal = new AbortController().signal;
    setMaxListeners(200, signal); // as runSuite does for its requests in flight
    // As in a run: each distinct image is validated once per suite (the bundled chartqa has 8 charts)
    const imageCache: ImageCache = new Map();
    const harness = async (i: number) => {
      const r = await runSample({ suite, sample: samples[i % samples.length], backend, timeoutMs: 30_000, maxRetries: 0, signal, imageCache });
      if (r.state !== 'scored') throw new Error(`harness request failed: ${r.error.message}`);
    };
    const minimal = async (i: number) => {
      const res = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i % bodies.length] });
      await res.text();
    };
    const rows: Array<Record<string, string | number>> = [];
    for (const c of o.concurrencies ?? [1, 16, 64]) {
      await measure(100, c, minimal); // warm both paths and the connection pool
      await measure(100, c, harness);
      const m1 = await measure(requests, c, minimal);
      const h1 = await measure(requests, c, harness);
      const m2 = await measure(requests, c, minimal);
      const h2 = await measure(requests, c, harness);
      const m = (m1.reqPerSec + m2.reqPerSec) / 2;
      const h = (h1.reqPerSec + h2.reqPerSec) / 2;
      rows.push({
        concurrency: c,
        'minimal req/s': Math.round(m),
        'harness req/s': Math.round(h),
        'harness / minimal': Number((h / m).toFixed(3)),
        'minimal CPU ms/req': Number(((m1.cpuMsPerRequest + m2.cpuMsPerRequest) / 2).toFixed(3)),
        'harness CPU ms/req': Number(((h1.cpuMsPerRequest + h2.cpuMsPerRequest) / 2).toFixed(3)),
      });
    }
    return rows;
  } finally {
    child.kill();
  }
}
