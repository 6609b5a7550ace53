// A correctly rounded fused multiply-add, `fma(a, b, c) = RN(a·b + c)` with one rounding, which
// JavaScript lacks. glibc's exp and pow on x86-64 CPUs with FMA (./glibc-exp.ts, ./glibc-pow.ts)
// use the instruction at every step; emulating them bit for bit needs the same single rounding.
//
// Method: S. Boldo and G. Melquiond, "Emulation of FMA and correctly rounded sums: proved
// algorithms using rounding to odd", IEEE Trans. Computers 57(4), 2008, Algorithm 5: the product
// split exactly into two doubles (Veltkamp/Dekker), the sum's low parts added with rounding to
// odd, one final rounding to nearest. Where the exact split could overflow or underflow, an exact
// BigInt computation decides instead (`exactFma`).

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp)

const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer); // little-endian: [low word, high word]

/** Magnitudes where Veltkamp's split and the product's error term are exact. */
const SPLIT_MAX = 2 ** 995;
const PRODUCT_MIN = 2 ** -900; // the error term (≥ 2^-106 of the product) stays normal

/** `RN(x + y)` rounded to odd instead: the exact sum if representable, else the neighbour with an odd last bit. */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  const bb = s - x;
  const err = x - (s - bb) + (y - bb); // TwoSum: s + err == x + y exactly
  if (err === 0) return s;
  word[0] = s;
  if ((halves[0] & 1) === 1) return s;
  // s is even, so the exact value lies strictly between s and its neighbour towards err, which is odd.
  const away = s > 0 === err > 0; // away from zero: the magnitude grows by one unit in the last place
  if (away) {
    halves[0] += 1; // s is even: no carry out of the low word
  } else if (halves[0] === 0) {
    halves[0] = 0xffffffff;
    halves[1] -= 1;
  } else {
    halves[0] -= 1;
  }
  return word[0];
}

/**
 * `a·b − p` exactly, for p = a·b as rounded (Dekker's product with Veltkamp's split), so that
 * p + error is the exact product. Needs |a|, |b| < 2^995 and the product far from underflow.
 */
export function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** `fma(a, b, c)`: `a·b + c` rounded once to the nearest double, ties to even. */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  const ap = Math.abs(p);
  if (!(aa < SPLIT_MAX && ab < SPLIT_MAX && ap < SPLIT_MAX && ap > PRODUCT_MIN && Math.abs(c) < SPLIT_MAX)) {
    // Zeros, huge or tiny operands, infinities and NaN: decided exactly.
    return a === 0 || b === 0 ? p + c : exactFma(a, b, c);
  }
  const e = productError(a, b, p);
  if (e === 0) return p + c; // the product is a double: one rounding already
  // (th, tl) = TwoSum(c, p)
  const th = c + p;
  const z = th - c;
  const tl = c - (th - z) + (p - z);
  return th + addRoundToOdd(tl, e);
}

// ---- exact arithmetic (slow path and test reference) ----

/** A finite double as `mantissa · 2^exponent` with an integer mantissa. */
function decompose(x: number): { m: bigint; e: number } {
  word[0] = x;
  const hi = halves[1];
  const lo = halves[0];
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) {
    e = -1074;
  } else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return { m: hi >>> 31 ? -m : m, e };
}

/** The double nearest to `m · 2^e` (ties to even), with IEEE overflow to ±Infinity and gradual underflow. */
export function roundScaledToDouble(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let mag = negative ? -m : m;
  const bits = mag.toString(2).length;
  // Keep 53 bits, or fewer where the result is subnormal (its last bit weighs 2^-1074).
  let keepExp = Math.max(e + bits - 53, -1074);
  const drop = keepExp - e;
  if (drop > 0) {
    const shift = BigInt(drop);
    const rest = mag & ((1n << shift) - 1n);
    mag >>= shift;
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (mag & 1n) === 1n)) mag += 1n;
  } else {
    keepExp = e; // fewer than 53 bits (or a subnormal that fits): exact as it is
  }
  const value = Number(mag) * 2 ** keepExp; // exact: mag ≤ 2^53 and the scale is a power of two
  // 2 ** keepExp underflows for keepExp < -1074 only when drop ≤ 0, which needs e < -1074: never.
  return negative ? -value : value;
}

/** `fma` by exact rational arithmetic: the reference for the fast path, and its fallback. */
export function exactFma(a: number, b: number, c: number): number {
  // An infinite or NaN factor behaves as in plain arithmetic; with finite factors the exact product
  // never overflows, so an infinite or NaN addend decides alone.
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a * b + c;
  if (!Number.isFinite(c)) return c;
  const x = decompose(a);
  const y = decompose(b);
  const z = decompose(c);
  const pm = x.m * y.m;
  const pe = x.e + y.e;
  const e = Math.min(pe, z.e);
  const sum = (pm << BigInt(pe - e)) + (z.m << BigInt(z.e - e));
  // IEEE: an exact zero sum is +0 unless both addends are -0.
  if (sum === 0n) return Object.is(a * b, -0) && Object.is(c, -0) ? -0 : 0;
  return roundScaledToDouble(sum, e);
}
