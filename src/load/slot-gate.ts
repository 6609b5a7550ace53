// One `--concurrency` limit shared by every client worker, claimed and released in the workers
// themselves. The main thread keeps a few prepared requests queued in each worker ahead of need;
// when a request finishes, its worker releases the slot and starts the next queued request at
// once, with no round trip through the main thread (whose event loop runs 15-35 ms late now and
// then at hundreds of streams: young-generation collections, journal writes, scoring). A worker
// whose own queue is empty leaves the freed slot to the others, which wait on the shared count
// (Atomics.waitAsync) rather than on a message from the main thread.
//
// Layout of the shared Int32Array: [0] the limit (0: none), [1] requests in flight across all
// workers, [2 + i] those of worker i (so a worker that dies hands its slots back).

/** Atomics.waitAsync (V8 8.7+, so Node 16+; typed from ES2024, past this project's lib). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

const LIMIT = 0;
const IN_FLIGHT = 1;

export function slotBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer((2 + workers) * Int32Array.BYTES_PER_ELEMENT);
}

export interface SlotGate {
  /** Takes a slot when one is free (always, without a limit). */
  tryClaim(): boolean;
  release(): void;
  /** Resolves once the count of requests in flight or the limit has changed since `tryClaim` last failed. */
  changed(): Promise<void>;
}

/** A worker's view of the shared slots. */
export function workerGate(buffer: SharedArrayBuffer, index: number): SlotGate {
  const a = new Int32Array(buffer);
  return {
    tryClaim() {
      for (;;) {
        const limit = Atomics.load(a, LIMIT);
        const n = Atomics.load(a, IN_FLIGHT);
        if (limit > 0 && n >= limit) return false;
        if (Atomics.compareExchange(a, IN_FLIGHT, n, n + 1) === n) {
          Atomics.add(a, 2 + index, 1);
          return true;
        }
      }
    },
    release() {
      Atomics.sub(a, 2 + index, 1);
      Atomics.sub(a, IN_FLIGHT, 1);
      Atomics.notify(a, IN_FLIGHT);
    },
    changed() {
      // a change between the failed claim and this read is seen as 'not-equal' by the next claim
      const w = waitAsync(a, IN_FLIGHT, Atomics.load(a, IN_FLIGHT));
      return w.async ? w.value.then(() => undefined) : Promise.resolve();
    },
  };
}

/** The main thread's side: sets the limit, and takes back the slots of a worker that stopped. */
export function mainGate(buffer: SharedArrayBuffer) {
  const a = new Int32Array(buffer);
  return {
    setLimit(limit: number) {
      Atomics.store(a, LIMIT, Math.max(0, Math.floor(limit)));
      Atomics.notify(a, IN_FLIGHT);
    },
    reclaim(index: number) {
      const held = Atomics.exchange(a, 2 + index, 0);
      if (held) Atomics.sub(a, IN_FLIGHT, held);
      Atomics.notify(a, IN_FLIGHT);
    },
    inFlight: () => Atomics.load(a, IN_FLIGHT),
  };
}
