// Peak RSS of `npm run eval` as the run grows (issue: flat memory for long runs): the compiled CLI in
// its own process on synthetic VQAv2 splits (bench/synthetic-vqav2.ts, Hub-like 10,000-row shards) of
// 1,000, 10,000 and 50,000 samples, with the replay backend and with the openai backend against the
// instant loopback server (concurrency 32, default client workers). Peak RSS is getrusage's
// ru_maxrss over every thread of the process, read at exit (bench/max-rss.mjs). Each size is run
// `repeats` times, alternating; the table gives the median and the ratio to the smallest size.
// Standalone: npx tsx bench/memory.bench.ts [sizes, default 1000 50000]

import { fork, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writePredictions, writeSyntheticVqav2 } from './synthetic-vqav2.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));

function peakRssMiB(args: string[], work: string): Promise<{ mib: number; sec: number }> {
  const rssFile = join(work, `rss-${Date.now()}-${Math.random()}`);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', fileURLToPath(new URL('./max-rss.mjs', import.meta.url)), join(REPO, 'dist', 'src', 'cli.js'), ...args], {
      cwd: REPO,
      env: { ...process.env, VLM_MAX_RSS_FILE: rssFile, OPENAI_API_KEY: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`eval exited ${code}: ${err.slice(-1500)}`));
      resolve({ mib: Number(readFileSync(rssFile, 'utf8')) / 1024, sec: (performance.now() - t0) / 1000 });
    });
  });
}

export async function benchMemory(o: { sizes?: number[]; repeats?: number } = {}): Promise<Array<Record<string, string | number>>> {
  const sizes = o.sizes ?? [1000, 10_000, 50_000];
  const repeats = o.repeats ?? 3;
  spawnSync(process.execPath, [join(REPO, 'scripts', 'build-dist.mjs'), '--if-stale'], { cwd: REPO, stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'vlm-memory-bench-'));
  const server = fork(fileURLToPath(new URL('./loopback-server.mjs', import.meta.url)), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    for (const n of sizes) writePredictions(join(work, `preds-${n}.jsonl`), await writeSyntheticVqav2(join(work, `vqav2-${n}`), n));
    const backends: Record<string, (n: number) => string[]> = {
      replay: (n) => ['--backend', 'replay', '--predictions', join(work, `preds-${n}.jsonl`)],
      openai: () => ['--backend', 'openai', '--base-url', `http://127.0.0.1:${port}/v1`, '--model', 'loopback', '--concurrency', '32'],
    };
    const rows: Array<Record<string, string | number>> = [];
    for (const [backend, flags] of Object.entries(backends)) {
      const peaks = new Map<number, number[]>(sizes.map((n) => [n, []]));
      const secs = new Map<number, number[]>(sizes.map((n) => [n, []]));
      for (let r = 0; r < repeats; r++) {
        for (const n of r % 2 === 0 ? sizes : [...sizes].reverse()) {
          const out = join(work, `run-${backend}-${n}-${r}`);
          const m = await peakRssMiB(['eval', '--suite', 'vqav2', '--data', join(work, `vqav2-${n}`), ...flags(n), '--out', out], work);
          rmSync(out, { recursive: true, force: true });
          peaks.get(n)!.push(m.mib);
          secs.get(n)!.push(m.sec);
          process.stderr.write(`memory: ${backend} ${n} samples: peak RSS ${m.mib.toFixed(0)} MiB (${m.sec.toFixed(1)} s)\n`);
        }
      }
      const median = (v: number[]) => {
        const s = [...v].sort((a, b) => a - b);
        return (s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2;
      };
      const base = median(peaks.get(sizes[0])!);
      for (const n of sizes) {
        const p = peaks.get(n)!;
        rows.push({
          backend,
          samples: n,
          'peak RSS MiB (median)': Math.round(median(p)),
          'runs MiB': p.map((v) => Math.round(v)).join(', '),
          [`vs ${sizes[0]}`]: Number((median(p) / base).toFixed(3)),
          'wall s (median)': Number(median(secs.get(n)!).toFixed(1)),
        });
      }
    }
    return rows;
  } finally {
    server.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  console.table(await benchMemory(sizes.length ? { sizes } : {}));
}
