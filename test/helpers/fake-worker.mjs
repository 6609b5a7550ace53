// A scripted stand-in for python/worker.py: a Node script that speaks the same JSON-lines protocol,
// so the transformers backend's process handling is tested without Python, torch or a GPU.
// Run as `node fake-worker.mjs --model M --dtype D --device X` (the backend's `python` is
// process.execPath and its `workerPath` this file).
//
// Start-up behaviour, from FAKE_WORKER_MODE:
//   normal (default) | slow-start (never ready) | missing-dep | gated | oom-load | exit (dies before
//   ready) | ignore-shutdown (ready, but ignores shutdown and stdin's end)
// Per request, from the last text part of the request: it contains HANG (never answers), OOM (an
// oom error), BADIMAGE (an input error), CRASH (exits mid-request); FAKE_WORKER_CRASH_AT=N also
// crashes on the Nth request counted across restarts (in FAKE_WORKER_LOG's folder).
// FAKE_WORKER_START_MS delays `ready`; FAKE_WORKER_GEN_MS is each answer's delay (default 20).
// FAKE_WORKER_MEMORY=bytes reports that peak memory (times the request's number).
// FAKE_WORKER_LOG: a file that gets one JSON line per event (start, request, shutdown), with the
// images' sizes as read from their files and whether a request arrived while another was running.

import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const env = process.env;
const mode = env.FAKE_WORKER_MODE ?? 'normal';
const argv = process.argv.slice(2);
const arg = (name) => argv[argv.indexOf(name) + 1];
// The worker's clock: any monotonic seconds; an offset shows that the host only uses differences.
const clock = () => 5000 + performance.now() / 1000;

function log(event) {
  if (env.FAKE_WORKER_LOG) appendFileSync(env.FAKE_WORKER_LOG, JSON.stringify({ pid: process.pid, ...event }) + '\n');
}

function send(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function requestNumber() {
  if (!env.FAKE_WORKER_LOG) return 0;
  const counter = join(dirname(env.FAKE_WORKER_LOG), 'fake-worker-count');
  const n = (existsSync(counter) ? Number(readFileSync(counter, 'utf8')) : 0) + 1;
  writeFileSync(counter, String(n));
  return n;
}

log({ event: 'start', argv });
process.stderr.write(`fake worker: loading ${arg('--model')}\n`);

const startups = {
  'missing-dep': () => fail('missing_dependency', 'torch is not installed. Install them for this interpreter: pip install torch transformers pillow.', 3),
  gated: () => fail('gated', `${arg('--model')} is a gated model. Accept its license on https://huggingface.co/${arg('--model')}, then set HF_TOKEN=<token>.`, 4),
  'oom-load': () => fail('oom', 'loading ran out of memory: CUDA out of memory', 4),
  exit: () => {
    process.stderr.write('Traceback (most recent call last):\nSyntaxError: fake\n');
    process.exit(1);
  },
  'slow-start': () => setInterval(() => undefined, 1000),
};

function fail(kind, message, code) {
  send({ type: 'error', kind, message });
  process.exitCode = code;
}

if (startups[mode]) {
  startups[mode]();
} else {
  setTimeout(serve, Number(env.FAKE_WORKER_START_MS ?? 0));
}

function serve() {
  // Noise on stdout that is not a protocol line: the host must skip it.
  process.stdout.write('Loading checkpoint shards: 100%\n');
  send({
    type: 'ready',
    model: arg('--model'),
    model_type: 'mllama',
    dtype: arg('--dtype'),
    device: arg('--device'),
    device_name: 'AMD Instinct MI300X',
    torch: '2.5.1+rocm6.2',
    transformers: '4.46.3',
    cuda: null,
    hip: '6.2.41133',
    max_images: 1,
  });
  let busy = 0;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const msg = JSON.parse(line);
    if (msg.type === 'shutdown') {
      log({ event: 'shutdown' });
      if (mode !== 'ignore-shutdown') process.exit(0);
      return;
    }
    const n = requestNumber();
    const texts = msg.messages.flatMap((m) => m.content.filter((c) => c.type === 'text').map((c) => c.text));
    const last = texts.at(-1) ?? msg.raw_prompt ?? '';
    const images = msg.images.map((p) => ({ path: p, bytes: existsSync(p) ? statSync(p).size : -1 }));
    log({ event: 'request', n, id: msg.id, overlap: busy > 0, msg, images });
    if (/CRASH/.test(last) || Number(env.FAKE_WORKER_CRASH_AT) === n) {
      process.stderr.write('Segmentation fault (fake)\n');
      process.exit(139);
    }
    if (/HANG/.test(last)) return;
    busy++;
    const start = clock();
    setTimeout(() => {
      busy--;
      if (/OOM/.test(last)) return send({ type: 'error', id: msg.id, kind: 'oom', message: 'out of GPU memory generating with M in bf16; 1.50 GiB free of 192.00 GiB on AMD Instinct MI300X' });
      if (/BADIMAGE/.test(last)) return send({ type: 'error', id: msg.id, kind: 'input', message: 'image 1 could not be read: cannot identify image file' });
      const tokens = Math.min(3, msg.max_new_tokens);
      const tokenTimes = Array.from({ length: tokens }, (_, i) => start + 0.01 + 0.002 * i);
      const memory = env.FAKE_WORKER_MEMORY ? Number(env.FAKE_WORKER_MEMORY) * n : null;
      send({
        type: 'result',
        id: msg.id,
        text: `echo: ${last}`,
        prompt_tokens: 10 + texts.join(' ').length,
        output_tokens: tokens,
        timing: { start, first_token: tokenTimes[0] ?? null, token_times: tokenTimes, end: tokenTimes.at(-1) ?? start },
        max_memory_allocated: memory,
        max_memory_reserved: memory === null ? null : memory * 2,
      });
    }, Number(env.FAKE_WORKER_GEN_MS ?? 20));
  });
  lines.on('close', () => {
    if (mode !== 'ignore-shutdown') process.exit(0);
    setInterval(() => undefined, 1000);
  });
}
