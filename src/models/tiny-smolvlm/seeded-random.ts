// A seeded source of weights for the tiny model. Only integer arithmetic (mulberry32, a public-domain
// 32-bit generator) and one multiplication per value, so the same seed gives the same float32 bits
// on every machine and Node version: no Math.random, and no transcendental functions (whose last
// bit may differ between V8 releases) in the weights.

export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** `count` values drawn uniformly from [-scale, scale]. */
  uniform(count: number, scale: number): Float32Array;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return {
    next,
    uniform(count, scale) {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = (next() * 2 - 1) * scale;
      return out;
    },
  };
}
