// `exp(x)` exactly as glibc computes it on x86-64 (glibc 2.28 and later; checked against 2.36):
// sysdeps/ieee754/dbl-64/e_exp.c, the variant glibc selects on CPUs with FMA and AVX2
// (`__exp_fma`, sysdeps/x86_64/fpu/multiarch). Python's `math.exp` calls it, and so the COCO caption
// metrics (pycocoevalcap's BLEU brevity penalty) depend on its last bit. glibc's exp is not correctly
// rounded (about 1 result in 1,000 differs from the exact value's rounding), and V8's `Math.exp`
// is another algorithm altogether, so neither a correctly rounded exp nor `Math.exp` reproduces it.
//
// Algorithm (Szabolcs Nagy, Arm): x = k·ln2/128 + r, exp(x) = 2^(k/128)·exp(r), with 2^(k/128) from
// a table (./glibc-tables.ts) and exp(r) − 1 a degree-5 polynomial. Every `fma` below is where the
// compiled `__exp_fma` (disassembled from libm.so.6) uses a fused multiply-add; the others are plain.

import { fma } from './fma.ts';
import { EXP_SCALE, EXP_TAIL } from './glibc-tables.ts';

// __exp_data (glibc e_exp_data.c): N/ln2, −ln2/N in two parts, round-to-integer shift, poly C2..C5.
const INV_LN2_N = 184.6649652337873; // 0x1.71547652b82fep7
const NEG_LN2_HI_N = -0.005415212348111709; // -0x1.62e42fefa0000p-8
const NEG_LN2_LO_N = -1.2864023111638346e-14; // -0x1.cf79abc9e3b3ap-47
const SHIFT = 6755399441055744.0; // 0x1.8p52
const C2 = 0.49999999999996786; // 0x1.ffffffffffdbdp-2
const C3 = 0.16666666666665886; // 0x1.555555555543cp-3
const C4 = 0.0416666808410674; // 0x1.55555cf172b91p-5
const C5 = 0.008333335853059549; // 0x1.1111167a4d017p-7

let pow2Table: Float64Array | null = null;

/** 2^m for an integer m in [-1074, 1023], exactly (built once, on first use). */
export function pow2(m: number): number {
  if (pow2Table === null) {
    const t = new Float64Array(2098);
    const bits = new DataView(new ArrayBuffer(8));
    for (let e = -1074; e <= 1023; e++) {
      if (e >= -1022) bits.setBigUint64(0, BigInt(e + 1023) << 52n);
      else bits.setBigUint64(0, 1n << BigInt(e + 1074)); // subnormal
      t[e + 1074] = bits.getFloat64(0);
    }
    pow2Table = t;
  }
  return pow2Table[m + 1074];
}

/**
 * `specialcase` of e_exp.c / e_pow.c: the result is scale·(1 + tmp) where scale's exponent may
 * overflow (k > 0) or fall into the subnormal range (k < 0). `k` is the table index's integer part.
 */
function specialCase(tmp: number, scaleMantissa: number, k: number, negative: boolean): number {
  const sign = negative ? -1 : 1;
  if (k >= 0) {
    const scale = sign * scaleMantissa * pow2(k - 1009);
    return fma(scale, tmp, scale) * 2 ** 1009;
  }
  const scale = sign * scaleMantissa * pow2(k + 1022);
  const scaled = scale * tmp; // not fused here: the product is used twice
  let y = scale + scaled;
  if (Math.abs(y) < 1) {
    // Round to the final precision before scaling into the subnormal range (no double rounding).
    const one = y < 0 ? -1 : 1;
    let lo = scale - y + scaled;
    const hi = one + y;
    lo = one - hi + y + lo;
    y = hi + lo - one;
    if (y === 0) y = negative ? -0 : 0;
  }
  return 2 ** -1022 * y;
}

/**
 * `sign·exp(x + xtail)` for |xtail| ≪ |x|: the shared core of e_exp.c's `__exp` (xtail = 0) and
 * e_pow.c's `exp_inline`. `x` is finite here.
 */
export function expCore(x: number, xtail: number, negative: boolean): number {
  const ax = Math.abs(x);
  let special = false;
  if (!(ax >= 2 ** -54 && ax < 512)) {
    if (ax < 2 ** -54) {
      const one = 1 + x;
      return negative ? -one : one;
    }
    if (ax >= 1024) {
      // __math_uflow / __math_oflow
      if (x < 0) return negative ? -0 : 0;
      return negative ? -Infinity : Infinity;
    }
    special = true;
  }
  // x = k·ln2/N + r with k an integer; the shift rounds x·N/ln2 to an integer in one fused step.
  const kd = fma(x, INV_LN2_N, SHIFT) - SHIFT;
  let r = fma(kd, NEG_LN2_HI_N, x);
  r = fma(kd, NEG_LN2_LO_N, r);
  if (xtail !== 0) r = xtail + r;
  const idx = kd & 127; // kd is an integer with |kd| < 2^31; & gives kd mod 128 (two's complement)
  const k = (kd - idx) / 128;
  // exp(x) = 2^(k/N)·exp(r) ≈ scale + scale·(tail + exp(r) − 1)
  const p1 = fma(r, C3, C2);
  const s = r + EXP_TAIL[idx];
  const r2 = r * r;
  const p2 = fma(r, C5, C4);
  const q = fma(p1, r2, s);
  const tmp = fma(r2 * r2, p2, q);
  if (special) return specialCase(tmp, EXP_SCALE[idx], k, negative);
  const scale = (negative ? -EXP_SCALE[idx] : EXP_SCALE[idx]) * pow2(k);
  return fma(scale, tmp, scale);
}

/** glibc's `exp(x)` (x86-64, FMA), bit for bit. */
export function glibcExp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return 1 + x;
  if (x === -Infinity) return 0;
  return expCore(x, 0, false);
}
