// `pow(x, y)` exactly as glibc computes it on x86-64 (glibc 2.28 and later; checked against 2.36):
// sysdeps/ieee754/dbl-64/e_pow.c, the `__pow_fma` variant glibc selects on CPUs with FMA and AVX2.
// Python's `x ** y` on floats calls it: pycocoevalcap's BLEU geometric mean (`bleu ** (1/n)`), its
// CIDEr-D length penalty (`np.e ** (-d²/72)`) and ROUGE-L's `beta ** 2`. glibc's pow is not
// correctly rounded (it misrounds about 1 result in 500 on BLEU-shaped inputs), so only its own
// algorithm reproduces those last bits.
//
// Algorithm (Szabolcs Nagy, Arm): log(x) in double-double from a 128-entry table and a degree-8
// polynomial (`logInline`), then exp(y·log x) with the double-double tail (./glibc-exp.ts).
// Every `fma` is a fused multiply-add in the compiled `__pow_fma` (disassembled from libm.so.6).

import { fma } from './fma.ts';
import { expCore, pow2 } from './glibc-exp.ts';
import { POW_LOG_INVC, POW_LOG_LOGC, POW_LOG_LOGCTAIL } from './glibc-tables.ts';

// __pow_log_data (glibc e_pow_log_data.c): ln2 in two parts, poly A0..A6 (scaled as stored).
const LN2_HI = 0.6931471805598903; // 0x1.62e42fefa3800p-1
const LN2_LO = 5.497923018708371e-14; // 0x1.ef35793c76730p-45
const A0 = -0.5; // -0x1p-1
const A1 = -0.6666666666666679; // -0x1.5555555555560p-1
const A2 = 0.5000000000000007; // 0x1.0000000000006p-1
const A3 = 0.7999999995323976; // 0x1.999999959554ep-1
const A4 = -0.6666666663487739; // -0x1.555555529a47ap-1
const A5 = -1.142909628459501; // -0x1.2495b9b4845e9p+0
const A6 = 1.0000415263675542; // 0x1.0002b8b263fc3p+0

const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer); // [low, high]

/** High 32 bits of asuint64(x) - OFF, OFF = 0x3fe6955500000000 (its low word is zero). */
const OFF_HI = 0x3fe69555;

/** log(x) as hi + tail (about 68 bits) for a positive finite x that is normal, or subnormal scaled by 2^52 with `k0` = -52. */
function logInline(x: number, k0: number): { hi: number; tail: number } {
  word[0] = x;
  const tmpHi = (halves[1] - OFF_HI) | 0;
  const i = (tmpHi >>> 13) & 127; // (tmp >> 45) % 128
  const kx = tmpHi >> 20; // arithmetic: the exponent relative to the table's range
  const z = x * pow2(-kx); // iz = ix - (tmp & 0xfff << 52): x with that exponent removed, exact
  const k = kx + k0;
  const invc = POW_LOG_INVC[i];
  const logc = POW_LOG_LOGC[i];
  const logctail = POW_LOG_LOGCTAIL[i];
  // log(x) = k·ln2 + log(c) + log1p(z/c − 1); r = z/c − 1 is exact by the table's design.
  const r = fma(z, invc, -1);
  const t1 = fma(k, LN2_HI, logc);
  const lo1 = fma(k, LN2_LO, logctail);
  const ar = A0 * r;
  const u1 = fma(r, A2, A1);
  const u2 = fma(r, A4, A3);
  const t2 = r + t1;
  const ar2 = r * ar;
  const lo2 = t1 - t2 + r;
  const ar3 = r * ar2;
  const lo3 = fma(ar, r, -ar2);
  const hi = t2 + ar2;
  const lo4 = t2 - hi + ar2;
  const u3 = fma(fma(r, A6, A5), ar2, u2);
  const q = fma(ar2, u3, u1);
  const lo = fma(ar3, q, lo1 + lo2 + lo3 + lo4);
  const y = hi + lo;
  return { hi: y, tail: hi - y + lo };
}

/** 0 if y is not an integer, 1 if odd, 2 if even (e_pow.c `checkint`; y finite and non-zero). */
function checkInt(y: number): 0 | 1 | 2 {
  if (!Number.isInteger(y)) return 0;
  if (Math.abs(y) >= 2 ** 53) return 2;
  return y % 2 === 0 ? 2 : 1;
}

/** glibc's `pow(x, y)` (x86-64, FMA), bit for bit, including its special cases. */
export function glibcPow(x: number, y: number): number {
  let negative = false;
  let ax = x;
  let k0 = 0;
  const ay = Math.abs(y);
  const xSpecial = !(x >= 2 ** -1022 && x < Infinity); // x ≤ 0, subnormal, inf or nan
  const ySpecial = !(ay >= 2 ** -65 && ay < 2 ** 63); // |y| tiny or huge, inf or nan
  if (xSpecial || ySpecial) {
    if (y === 0 || Number.isNaN(y) || !Number.isFinite(y)) {
      if (y === 0) return 1;
      if (x === 1) return 1;
      if (Number.isNaN(x) || Number.isNaN(y)) return x + y;
      if (Math.abs(x) === 1) return 1;
      if (Math.abs(x) < 1 === y > 0) return 0; // |x| < 1 and y = inf, or |x| > 1 and y = -inf
      return y * y;
    }
    if (x === 0 || !Number.isFinite(x)) {
      let x2 = x * x;
      const odd = checkInt(y) === 1;
      if ((x < 0 || Object.is(x, -0)) && odd) x2 = -x2;
      return y < 0 ? 1 / x2 : x2;
    }
    // x and y are non-zero and finite here.
    if (x < 0) {
      const yint = checkInt(y);
      if (yint === 0) return NaN; // __math_invalid
      negative = yint === 1;
      ax = -x;
    }
    if (!(ay >= 2 ** -65 && ay < 2 ** 63)) {
      if (ax === 1) return 1;
      if (ay < 2 ** -65) return ax > 1 ? 1 + y : 1 - y;
      return ax > 1 === y > 0 ? Infinity : 0; // __math_oflow(0) / __math_uflow(0)
    }
    if (ax < 2 ** -1022) {
      ax *= 2 ** 52; // normalise a subnormal x
      k0 = -52;
    }
  }
  const { hi, tail } = logInline(ax, k0);
  const ehi = y * hi;
  const elo = fma(y, tail, fma(hi, y, -ehi));
  return expCore(ehi, elo, negative);
}
