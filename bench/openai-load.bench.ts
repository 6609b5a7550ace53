// The load generator against the server's own record (issue: load generation that does not distort
// what it measures). A loopback server scripted at TTFT 120 ms and 15 ms between tokens (10 tokens)
// runs in its own process(es) and records when it received each request and when each chunk's write
// returned. At each concurrency the harness (`npm run eval`, the real CLI in its own process, on a
// synthetic VQAv2 split; the compiled dist/ CLI) and a minimal Node client (bench/minimal-client.mjs) send the same number
// of requests, alternating, several times. The table gives medians and [min, max] over the repeats:
// - throughput: harness req/s ÷ minimal req/s of the same round;
// - timing error: the harness's TTFT/ITL/TPOT p50 minus the same p50 over what the server recorded
//   during that run (TTFT: first chunk − request received; ITL: gaps between chunk writes; TPOT:
//   (last − first chunk) / 9), i.e. what the client added, not what the script said;
// - the client's self-check: worst event-loop delay p99 and whether it flagged itself saturated.
// Knobs (environment): BENCH_CONCURRENCY=1,16,64,256,512  BENCH_REPEATS=3  BENCH_SERVER_PROCESSES=1
// BENCH_CLIENT_WORKERS (default: the CLI's default)  BENCH_REQUESTS (override every level's count).

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageDataUrl } from '../src/backends/openai-image.ts';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../src/data/dataset.ts';
import { decodeImage } from '../src/data/image.ts';
import { resultsSchema } from '../src/report/schema.ts';
import { percentile } from '../src/run/stats.ts';
import { getStyledSuite } from '../suites/index.ts';
import { writeSyntheticVqav2 } from './synthetic-vqav2.ts';

const TTFT_MS = 120;
const ITL_MS = 15;
const TOKENS = 10;
const REPO = fileURLToPath(new URL('../', import.meta.url));
/** The compiled CLI, as `vlm-harness` and `npm run eval` run it (built at the start if stale). */
const CLI = join(REPO, 'dist', 'src', 'cli.js');

/** Requests per run: enough for stable medians, at most a few seconds per run (2,000 at 256, as the issue asks). */
const DEFAULT_REQUESTS: Record<number, number> = { 1: 40, 16: 400, 64: 1000, 256: 2000, 512: 3000 };

interface ServerStats {
  ttftP50: number;
  itlP50: number;
  tpotP50: number;
  requests: number;
}

interface Round {
  minimalReqPerSec: number;
  harnessReqPerSec: number;
  server: ServerStats;
  harness: { ttftP50: number; itlP50: number; tpotP50: number; loopDelayP99Ms: number | null; saturated: boolean };
}

const p50 = (values: number[]) => percentile(Float64Array.from(values).sort(), 50);

function serverStats(records: number[][]): ServerStats {
  const ttft: number[] = [];
  const itl: number[] = [];
  const tpot: number[] = [];
  for (const [received, ...chunks] of records) {
    if (chunks.length !== TOKENS) continue; // a request cut short is not a timing sample
    ttft.push(chunks[0] - received);
    for (let i = 1; i < chunks.length; i++) itl.push(chunks[i] - chunks[i - 1]);
    tpot.push((chunks[chunks.length - 1] - chunks[0]) / (chunks.length - 1));
  }
  return { ttftP50: p50(ttft), itlP50: p50(itl), tpotP50: p50(tpot), requests: ttft.length };
}

async function startServer(processes: number): Promise<{ port: number; child: ChildProcess; ask(cmd: string): Promise<{ records?: number[][] }> }> {
  const child = fork(fileURLToPath(new URL('./loopback-server.mjs', import.meta.url)), ['--ttft-ms', String(TTFT_MS), '--itl-ms', String(ITL_MS), '--tokens', String(TOKENS), '--processes', String(processes)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [m] = (await once(child, 'message')) as [{ port: number }];
  const ask = async (cmd: string) => {
    child.send({ cmd });
    const [reply] = (await once(child, 'message')) as [{ records?: number[][] }];
    return reply;
  };
  return { port: m.port, child, ask };
}

/** The bodies the minimal client sends: the harness's request for each sample (same prompt, same image). */
async function minimalBodies(dataDir: string, n: number): Promise<string[]> {
  const suite = getStyledSuite('vqav2');
  const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((s) => resolveLocalDataset(suite, s, dataDir)));
  const bodies: string[] = [];
  const urls = new Map<Uint8Array, string>();
  for await (const { sample } of streamSamples({ suite, datasets, limit: n })) {
    const image = sample.images[0];
    let url = urls.get(image.bytes);
    if (!url) {
      url = await imageDataUrl(await decodeImage(image));
      urls.set(image.bytes, url);
    }
    const prompt = suite.prompt(sample).messages[0].content.map((p): Record<string, unknown> => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url } }));
    bodies.push(JSON.stringify({ model: 'loopback', max_completion_tokens: suite.generation.maxTokens, temperature: 0, messages: [{ role: 'user', content: prompt }], stream: true, stream_options: { include_usage: true } }));
  }
  return bodies;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))));
  });
}

async function runMinimal(port: number, concurrency: number, n: number, bodiesFile: string): Promise<number> {
  const out = await run(process.execPath, [fileURLToPath(new URL('./minimal-client.mjs', import.meta.url)), String(port), String(concurrency), String(n), bodiesFile]);
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { reqPerSec: number }).reqPerSec;
}

async function runHarness(p: { port: number; concurrency: number; n: number; dataDir: string; workDir: string; clientWorkers?: string }): Promise<Round['harness'] & { reqPerSec: number }> {
  const out = join(p.workDir, `run-${p.concurrency}-${Date.now()}`);
  const args = [CLI, 'eval', '--suite', 'vqav2', '--data', p.dataDir, '--limit', String(p.n), '--backend', 'openai', '--base-url', `http://127.0.0.1:${p.port}/v1`, '--model', 'loopback', '--concurrency', String(p.concurrency), '--request-timeout', '120', '--out', out];
  if (p.clientWorkers) args.push('--client-workers', p.clientWorkers);
  await run(process.execPath, args, { OPENAI_API_KEY: '' });
  const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
  rmSync(out, { recursive: true, force: true });
  const perf = results.suites[0].perf;
  if (results.suites[0].counts.scored !== p.n) throw new Error(`harness run at concurrency ${p.concurrency}: ${results.suites[0].counts.errored} of ${p.n} requests errored`);
  return {
    reqPerSec: perf.requestsPerSec ?? NaN,
    ttftP50: perf.ttftMs?.p50 ?? NaN,
    itlP50: perf.itlMs?.p50 ?? NaN,
    tpotP50: perf.tpotMs?.p50 ?? NaN,
    loopDelayP99Ms: perf.client?.loopDelayP99Ms ?? null,
    saturated: perf.client?.saturated ?? false,
  };
}

const median = (v: number[]) => p50(v);
const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const spread = (v: number[], d = 1) => `${fmt(median(v), d)} [${fmt(Math.min(...v), d)}, ${fmt(Math.max(...v), d)}]`;

export async function benchOpenAiLoad(o: { concurrencies?: number[]; repeats?: number; serverProcesses?: number; clientWorkers?: string; requests?: number } = {}): Promise<Array<Record<string, string | number>>> {
  const env = process.env;
  const concurrencies = o.concurrencies ?? (env.BENCH_CONCURRENCY ? env.BENCH_CONCURRENCY.split(',').map(Number) : [1, 16, 64, 256, 512]);
  const repeats = o.repeats ?? Number(env.BENCH_REPEATS ?? 3);
  const processes = o.serverProcesses ?? Number(env.BENCH_SERVER_PROCESSES ?? 1);
  const clientWorkers = o.clientWorkers ?? env.BENCH_CLIENT_WORKERS;
  const requestsOf = (c: number) => o.requests ?? (env.BENCH_REQUESTS ? Number(env.BENCH_REQUESTS) : (DEFAULT_REQUESTS[c] ?? 2000));
  await run(process.execPath, [join(REPO, 'scripts', 'build-dist.mjs'), '--if-stale']);
  const workDir = mkdtempSync(join(tmpdir(), 'vlm-load-bench-'));
  const dataDir = join(workDir, 'vqav2');
  const most = Math.max(...concurrencies.map(requestsOf));
  await writeSyntheticVqav2(dataDir, most);
  const bodiesFile = join(workDir, 'bodies.json');
  writeFileSync(bodiesFile, JSON.stringify(await minimalBodies(dataDir, most)));
  const server = await startServer(processes);
  const rows: Array<Record<string, string | number>> = [];
  try {
    for (const c of concurrencies) {
      const n = requestsOf(c);
      const rounds: Round[] = [];
      for (let r = 0; r < repeats; r++) {
        // alternate which goes first, so a drift in the machine's load does not favour one side
        const order = r % 2 === 0 ? ['minimal', 'harness'] : ['harness', 'minimal'];
        let minimal = NaN;
        let harness: Awaited<ReturnType<typeof runHarness>> | null = null;
        let stats: ServerStats | null = null;
        for (const side of order) {
          await server.ask('reset');
          if (side === 'minimal') {
            minimal = await runMinimal(server.port, c, n, bodiesFile);
          } else {
            harness = await runHarness({ port: server.port, concurrency: c, n, dataDir, workDir, ...(clientWorkers ? { clientWorkers } : {}) });
            stats = serverStats((await server.ask('records')).records ?? []);
          }
        }
        rounds.push({ minimalReqPerSec: minimal, harnessReqPerSec: harness!.reqPerSec, server: stats!, harness: harness! });
        process.stderr.write(`concurrency ${c}, round ${r + 1}/${repeats}: minimal ${fmt(minimal, 0)} req/s, harness ${fmt(harness!.reqPerSec, 0)} req/s, TTFT p50 ${fmt(harness!.ttftP50)} vs server ${fmt(stats!.ttftP50)} ms\n`);
      }
      rows.push({
        concurrency: c,
        requests: n,
        'minimal req/s': spread(rounds.map((x) => x.minimalReqPerSec), 0),
        'harness req/s': spread(rounds.map((x) => x.harnessReqPerSec), 0),
        'harness / minimal': spread(rounds.map((x) => x.harnessReqPerSec / x.minimalReqPerSec), 3),
        'server TTFT p50': spread(rounds.map((x) => x.server.ttftP50)),
        'TTFT p50 error ms': spread(rounds.map((x) => x.harness.ttftP50 - x.server.ttftP50), 2),
        'server ITL p50': spread(rounds.map((x) => x.server.itlP50), 2),
        'ITL p50 error ms': spread(rounds.map((x) => x.harness.itlP50 - x.server.itlP50), 2),
        'TPOT p50 error ms': spread(rounds.map((x) => x.harness.tpotP50 - x.server.tpotP50), 2),
        'loop delay p99 ms': spread(rounds.map((x) => x.harness.loopDelayP99Ms ?? NaN), 1),
        saturated: rounds.filter((x) => x.harness.saturated).length ? `${rounds.filter((x) => x.harness.saturated).length}/${rounds.length}` : 'no',
      });
    }
    return rows;
  } finally {
    server.child.kill();
    rmSync(workDir, { recursive: true, force: true });
  }
}
