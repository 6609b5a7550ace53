// Entry of a client worker thread (client-pool.ts starts it). The worker owns its keep-alive
// connections, sends the requests it is given, reads their streams, and posts one compact reply per
// request; it also measures its own event-loop delay. Times are read from the shared clock
// `performance.timeOrigin + performance.now()` and reported on the main thread's scale
// (its performance.now()), so a request's start, first token and chunks compare directly with
// every other time the run records. The two timeOrigins agree to tens of microseconds.
// `--concurrency` is claimed here, in the slots all workers share (slot-gate.ts): a request that
// finds none waits in this worker's queue, and the worker sends it as soon as a slot frees, its own
// or another worker's, without asking the main thread.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createAttemptSignals } from '../run/attempt-signals.ts';
import { createAgents, postChatStream, postParams } from './chat-post.ts';
import { createOutbox, toWire, type ChatPostRequest, type ClientWorkerData, type FromWorker, type ToWorker } from './client-wire.ts';
import { createLoopDelayMonitor } from './loop-delay.ts';
import { workerGate } from './slot-gate.ts';

export function runClientWorker(port: MessagePort, data: ClientWorkerData): void {
  const offset = performance.timeOrigin - data.mainTimeOrigin;
  const now = () => performance.now() + offset;
  const agents = createAgents();
  const monitor = createLoopDelayMonitor();
  const inFlight = new Map<number, AbortController>();
  const signals = createAttemptSignals();
  const outbox = createOutbox<FromWorker>((batch) => port.postMessage(batch));
  const send = (m: FromWorker) => outbox.push(m);

  if (data.stallMs) {
    // An overloaded client, on purpose (tests): every turn of the loop blocks for stallMs.
    const stallMs = data.stallMs;
    setInterval(() => {
      const until = performance.now() + stallMs;
      while (performance.now() < until);
    }, 1);
  }

  const gate = workerGate(data.slots, data.index);
  /** Requests waiting for a slot, oldest first. */
  const queue = new Map<number, ChatPostRequest>();
  let waiting = false;

  const start = (id: number, request: ChatPostRequest) => {
    const controller = signals.take();
    inFlight.set(id, controller);
    postChatStream(postParams(request, controller.signal, now, agents))
      .then(
        (reply) => send({ type: 'reply', id, reply }),
        (e: unknown) => {
          if (!controller.signal.aborted) send({ type: 'error', id, error: toWire(e) });
        },
      )
      .finally(() => {
        inFlight.delete(id);
        signals.give(controller);
        gate.release();
        pump();
      });
  };

  /** Sends queued requests while slots are free; otherwise waits for the shared count to change. */
  const pump = () => {
    for (const [id, request] of queue) {
      if (!gate.tryClaim()) break;
      queue.delete(id);
      send({ type: 'sent', id });
      start(id, request);
    }
    if (queue.size === 0 || waiting) return;
    waiting = true;
    void gate.changed().then(() => {
      waiting = false;
      pump();
    });
  };

  const handle = (m: ToWorker) => {
    switch (m.type) {
      case 'post': {
        if (queue.size === 0 && gate.tryClaim()) {
          start(m.id, m.request);
        } else {
          queue.set(m.id, m.request);
          send({ type: 'queued', id: m.id });
          pump();
        }
        break;
      }
      case 'abort':
        // a queued request is dropped unsent
        if (queue.delete(m.id)) break;
        inFlight.get(m.id)?.abort(new DOMException('The request was aborted.', 'AbortError'));
        break;
      case 'reset-delay':
        monitor.reset();
        send({ type: 'delay-reset', seq: m.seq });
        break;
      case 'delay':
        send({ type: 'delay', seq: m.seq, stats: monitor.stats() });
        break;
    }
  };
  port.on('message', (batch: ToWorker[]) => {
    for (const m of batch) handle(m);
  });
}

// Runs only as a worker started by the pool (the marker), never when merely imported.
if (parentPort && (workerData as Partial<ClientWorkerData> | null)?.vlmClientWorker === true) {
  runClientWorker(parentPort, workerData as ClientWorkerData);
}
