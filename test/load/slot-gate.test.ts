// --concurrency enforced in the client workers (slot-gate.ts): one limit across every worker, a
// queued request sent as soon as a slot frees without the main thread (proved by blocking the main
// thread while it happens), and a queued request that is aborted never sent. No wall clock: the
// server runs in its own thread and counts in shared memory what it received and held.

import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createClientPool, type ChatClient } from '../../src/load/client-pool.ts';
import type { ChatPostRequest } from '../../src/load/client-wire.ts';
import { mainGate, slotBuffer, workerGate } from '../../src/load/slot-gate.ts';

// [0] requests received, [1] requests the test lets the server answer (in arrival order),
// [2] open now, [3] most open at once
const SERVER = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const a = new Int32Array(workerData.counts);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const n = Atomics.add(a, 0, 1) + 1;
    const open = Atomics.add(a, 2, 1) + 1;
    if (open > Atomics.load(a, 3)) Atomics.store(a, 3, open);
    Atomics.notify(a, 0);
    const answer = () => {
      if (Atomics.load(a, 1) < n) return setTimeout(answer, 1);
      Atomics.sub(a, 2, 1);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\\n\\ndata: [DONE]\\n\\n');
    };
    answer();
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

async function startServer(): Promise<{ url: string; counts: Int32Array }> {
  const counts = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(SERVER, { eval: true, workerData: { counts: counts.buffer } });
  opened.push({ close: () => worker.terminate() });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return { url: `http://127.0.0.1:${port}/v1/chat/completions`, counts };
}

function pool(workers: number, limit: number): ChatClient {
  const p = createClientPool({ workers });
  opened.push(p);
  p.limitInFlight!(limit);
  return p;
}

const req = (url: string): ChatPostRequest => ({ url, headers: { 'content-type': 'application/json' }, body: '{}', maxResponseBytes: 1 << 20, maxErrorBytes: 1 << 16 });

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('concurrency slots claimed in the client workers', () => {
  it('refill a finished request\'s slot from the worker\'s queue while the main thread is blocked', async () => {
    const { url, counts } = await startServer();
    const client = pool(1, 1);
    const events: string[] = [];
    const hooks = (name: string) => ({ queued: () => events.push(`${name} queued`), sent: () => events.push(`${name} sent`) });
    const a = client.post(req(url), new AbortController().signal, hooks('a'));
    const b = client.post(req(url), new AbortController().signal, hooks('b'));
    await until(() => Atomics.load(counts, 0) === 1 && events.includes('b queued'));
    expect(events).toEqual(['b queued']); // a went out at once; b waits for a's slot
    // Let the server answer a, and block this thread until b reaches the server: the worker must
    // send b on its own, since this thread's event loop does not turn in between.
    Atomics.store(counts, 1, 2);
    Atomics.wait(counts, 0, 1, 30_000); // (a guard, not a measurement)
    expect(Atomics.load(counts, 0)).toBe(2);
    expect((await a).kind).toBe('stream');
    expect((await b).kind).toBe('stream');
    expect(events).toEqual(['b queued', 'b sent']);
  });

  it('hold one limit across every worker', async () => {
    const { url, counts } = await startServer();
    const client = pool(2, 3);
    const replies = Array.from({ length: 8 }, () => client.post(req(url), new AbortController().signal));
    for (let answered = 0; answered <= 8; answered++) {
      await until(() => Atomics.load(counts, 0) === Math.min(8, answered + 3));
      Atomics.store(counts, 1, answered + 1);
    }
    expect((await Promise.all(replies)).map((r) => r.kind)).toEqual(Array(8).fill('stream'));
    expect(Atomics.load(counts, 3)).toBe(3);
  });

  it('never send a queued request that was aborted, and give its place to the next', async () => {
    const { url, counts } = await startServer();
    const client = pool(1, 1);
    let bQueued = false;
    const a = client.post(req(url), new AbortController().signal);
    const stopB = new AbortController();
    const b = client.post(req(url), stopB.signal, { queued: () => (bQueued = true), sent: () => expect.unreachable('b was sent') });
    await until(() => bQueued);
    stopB.abort(new Error('stopped'));
    await expect(b).rejects.toThrow('stopped');
    const c = client.post(req(url), new AbortController().signal);
    Atomics.store(counts, 1, 2);
    expect((await a).kind).toBe('stream');
    expect((await c).kind).toBe('stream');
    expect(Atomics.load(counts, 0)).toBe(2); // a and c; b never went out
  });

  it('wake a worker whose claim failed just before another worker freed a slot (no lost wake-up)', async () => {
    const buffer = slotBuffer(2);
    mainGate(buffer).setLimit(1);
    const [w0, w1] = [workerGate(buffer, 0), workerGate(buffer, 1)];
    expect(w0.tryClaim()).toBe(true);
    expect(w1.tryClaim()).toBe(false);
    w0.release(); // frees the slot before w1 starts waiting, and nothing changes after
    let woke = false;
    const wait = w1.changed().then(() => (woke = true));
    await Promise.race([wait, new Promise((resolve) => setImmediate(resolve))]);
    expect(woke).toBe(true);
    expect(w1.tryClaim()).toBe(true);
  });

  it('take back the slots of a worker that stopped', () => {
    const buffer = slotBuffer(2);
    const main = mainGate(buffer);
    main.setLimit(2);
    const [w0, w1] = [workerGate(buffer, 0), workerGate(buffer, 1)];
    expect([w0.tryClaim(), w0.tryClaim(), w1.tryClaim()]).toEqual([true, true, false]);
    main.reclaim(0);
    expect(main.inFlight()).toBe(0);
    expect([w1.tryClaim(), w1.tryClaim(), w1.tryClaim()]).toEqual([true, true, false]);
    main.setLimit(0); // no limit
    expect(w0.tryClaim()).toBe(true);
    w1.release();
    expect(main.inFlight()).toBe(2);
  });
});
