// One `--concurrency` limit shared by every client worker, claimed and released in the workers
// themselves. The main thread keeps a few prepared requests queued in each worker ahead of need;
// when a request finishes, its worker releases the slot and starts the next queued request at
// once, with no round trip through the main thread (whose event loop runs 15-35 ms late now and
// then at hundreds of streams: young-generation collections, journal writes, scoring). A worker
// whose own queue is empty leaves the freed slot to the others, which wait on the shared count
// (Atomics.waitAsync) rather than on a message from the main thread.
//
// Layout of the shared Int32Array: [0] the limit (0: none), [1] requests in flight across all
// workers, [2] a version bumped by every change that can free a slot (a release, a new limit, a
// reclaim), [3 + i] requests in flight of worker i (so a worker that dies hands its slots back).
// A worker waits on the version it read before its failed claim, not on the count: a slot freed
// between that claim and the wait then ends the wait at once instead of being missed (a worker
// with a queue and nothing left to wake it would otherwise wait for good).

/** Atomics.waitAsync (V8 8.7+, so Node 16+; typed from ES2024, past this project's lib). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

const LIMIT = 0;
const IN_FLIGHT = 1;
const VERSION = 2;
const WORKER_0 = 3;

export function slotBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer((WORKER_0 + workers) * Int32Array.BYTES_PER_ELEMENT);
}

/** Tells the waiting workers that a slot may have freed. */
function bump(a: Int32Array): void {
  Atomics.add(a, VERSION, 1);
  Atomics.notify(a, VERSION);
}

export interface SlotGate {
  /** Takes a slot when one is free (always, without a limit). */
  tryClaim(): boolean;
  release(): void;
  /** Resolves once a slot may have freed (a release, a new limit, a reclaim) since `tryClaim` last ran. */
  changed(): Promise<void>;
}

/** A worker's view of the shared slots. */
export function workerGate(buffer: SharedArrayBuffer, index: number): SlotGate {
  const a = new Int32Array(buffer);
  let seen = 0;
  return {
    tryClaim() {
      seen = Atomics.load(a, VERSION); // read first: a release after this read changes it
      for (;;) {
        const limit = Atomics.load(a, LIMIT);
        const n = Atomics.load(a, IN_FLIGHT);
        if (limit > 0 && n >= limit) return false;
        if (Atomics.compareExchange(a, IN_FLIGHT, n, n + 1) === n) {
          Atomics.add(a, WORKER_0 + index, 1);
          return true;
        }
      }
    },
    release() {
      Atomics.sub(a, WORKER_0 + index, 1);
      Atomics.sub(a, IN_FLIGHT, 1);
      bump(a);
    },
    changed() {
      const w = waitAsync(a, VERSION, seen); // 'not-equal' at once when something changed since the claim
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
      bump(a);
    },
    reclaim(index: number) {
      const held = Atomics.exchange(a, WORKER_0 + index, 0);
      if (held) Atomics.sub(a, IN_FLIGHT, held);
      bump(a);
    },
    inFlight: () => Atomics.load(a, IN_FLIGHT),
  };
}
