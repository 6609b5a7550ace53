// The natural logarithm correctly rounded (to nearest, ties to even), which neither V8's `Math.log`
// (`Math.log(3)` is 1.0986122886681096; the exact value rounds to 1.0986122886681098) nor glibc's
// `log` (it misrounds about 1 input in 40,000) guarantees. CIDEr-D's document-frequency weights are
// logs of integers (./numpy-log.ts builds numpy's values on top of this).
//
// Method: x = 2^k·m with m in [√½, √2); log(m) = 2·atanh(s) with s = (m − 1)/(m + 1), |s| < 0.172,
// summed as a double-double series; k·ln2 added in double-double. The relative error stays below
// 2^-98, and Ziv's test accepts the rounded result only when that error cannot move it across a
// rounding boundary; otherwise an exact 200-bit BigInt evaluation decides (`exactLog`).

import { productError, roundScaledToDouble } from './fma.ts';

const LN2_HI = 0.6931471805599453; // RN(ln 2)
const LN2_LO = 2.3190468138462996e-17; // RN(ln 2 − LN2_HI)
/** Terms of the atanh series: 22 reach 2^-110 for |s| < 0.172. */
const TERMS = 22;
const ERROR_BOUND = 2 ** -98;

const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer); // [low, high]

let coefficients: Float64Array | null = null;

/** 1/(2j + 1) as double-doubles [hi0, lo0, hi1, lo1, …], built once. */
function seriesCoefficients(): Float64Array {
  if (coefficients) return coefficients;
  const c = new Float64Array(2 * TERMS);
  for (let j = 0; j < TERMS; j++) {
    const d = 2 * j + 1;
    const hi = 1 / d;
    const [p, pe] = twoProd(hi, d);
    c[2 * j] = hi;
    c[2 * j + 1] = (1 - p - pe) / d; // 1 − p is exact (Sterbenz)
  }
  coefficients = c;
  return c;
}

/** The exact product as a double-double [rounded, error]. */
function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  return [p, productError(a, b, p)];
}

/** log(x) for a positive finite x, correctly rounded. */
export function crLog(x: number): number {
  if (!(x > 0) || x === Infinity) {
    if (x === 0) return -Infinity;
    return x === Infinity ? Infinity : NaN;
  }
  if (x === 1) return 0; // the only exact case
  // x = 2^k·m with m in [√½, √2)
  let k = 0;
  let y = x;
  if (y < 2 ** -1022) {
    y *= 2 ** 54;
    k = -54;
  }
  word[0] = y;
  k += ((halves[1] >>> 20) & 0x7ff) - 1023;
  halves[1] = (halves[1] & 0x800fffff) | 0x3ff00000; // m in [1, 2)
  let m = word[0];
  if (m > Math.SQRT2) {
    m /= 2; // exact, and now in (√½, 1)
    k += 1;
  }

  // s = (m − 1)/(m + 1) as a double-double (sh, sl)
  const num = m - 1; // exact (Sterbenz)
  const dh = m + 1;
  const bb = dh - m;
  const dl = m - (dh - bb) + (1 - bb);
  const q1 = num / dh;
  const [p, pe] = twoProd(q1, dh);
  const q2 = (num - p - pe - q1 * dl) / dh;
  const sh = q1 + q2;
  const sl = q2 - (sh - q1);
  // t = s² (double-double)
  const [t0, t0e] = twoProd(sh, sh);
  const tlRaw = t0e + 2 * sh * sl;
  const th = t0 + tlRaw;
  const tl = tlRaw - (th - t0);
  // P = Σ t^j/(2j+1), Horner in double-double
  const c = seriesCoefficients();
  let ph = c[2 * (TERMS - 1)];
  let pl = c[2 * (TERMS - 1) + 1];
  for (let j = TERMS - 2; j >= 0; j--) {
    // (ph, pl) = (ph, pl)·(th, tl) + c_j
    const [mh, me] = twoProd(ph, th);
    const ml = me + (ph * tl + pl * th);
    const mh2 = mh + ml;
    const ml2 = ml - (mh2 - mh);
    const sH = mh2 + c[2 * j];
    const v = sH - mh2;
    const sE = mh2 - (sH - v) + (c[2 * j] - v) + ml2 + c[2 * j + 1];
    ph = sH + sE;
    pl = sE - (ph - sH);
  }
  // log(m) = 2·s·P
  const [lh0, le0] = twoProd(sh, ph);
  const ll0 = le0 + (sh * pl + sl * ph);
  let lh = 2 * (lh0 + ll0);
  let ll = 2 * (ll0 - (lh / 2 - lh0));
  // + k·ln2
  if (k !== 0) {
    const [kh, ke] = twoProd(k, LN2_HI);
    const kl = ke + k * LN2_LO;
    const sH = kh + lh;
    const v = sH - kh;
    const sE = kh - (sH - v) + (lh - v) + kl + ll;
    lh = sH + sE;
    ll = sE - (lh - sH);
  }
  // Ziv's rounding test: RN(lh + ll) = lh unless the error bound reaches the nearest rounding boundary.
  word[0] = Math.abs(lh);
  const exponent = (halves[1] >>> 20) & 0x7ff;
  const powerOfTwo = (halves[1] & 0xfffff) === 0 && halves[0] === 0;
  const ulp = 2 ** (exponent - 1075);
  const towardZero = ll !== 0 && ll < 0 === lh > 0;
  const halfGap = powerOfTwo && towardZero ? ulp / 4 : ulp / 2;
  if (Math.abs(ll) + ERROR_BOUND * Math.abs(lh) < halfGap) return lh;
  return exactLog(x);
}

// ---- exact evaluation (fallback and test reference) ----

const PREC = 200n;
let ln2Fixed: bigint | null = null;

/** 2·atanh(n/d)·2^PREC for 0 < n/d < 1/5, truncated (error below 2^-190). */
function atanhFixed(n: bigint, d: bigint): bigint {
  const s = (n << PREC) / d;
  const s2 = (s * s) >> PREC;
  let term = s;
  let sum = 0n;
  for (let j = 1n; term !== 0n; j += 2n) {
    sum += term / j;
    term = (term * s2) >> PREC;
  }
  return 2n * sum;
}

/** log(x) for a positive finite x from a 200-bit fixed-point evaluation, rounded once. */
export function exactLog(x: number): number {
  if (x === 1) return 0;
  ln2Fixed ??= atanhFixed(1n, 3n); // ln 2 = 2·atanh(1/3)
  // x = M·2^E exactly, then normalise M/2^b into [√½, √2)
  let e = 0;
  let v = x;
  while (v >= 2 ** 53) {
    v /= 2;
    e += 1;
  }
  while (!Number.isInteger(v)) {
    v *= 2;
    e -= 1;
  }
  const mant = BigInt(v);
  const bits = mant.toString(2).length;
  // m = mant / 2^bits in [1/2, 1); log(x) = log(m) + (e + bits)·ln2
  let k = e + bits;
  let num = mant;
  let den = 1n << BigInt(bits);
  // move m into [√½, √2): m < √½ ⇔ 2m² < 1
  if (2n * num * num < den * den) {
    den >>= 1n;
    k -= 1;
  }
  // log(m) = 2·atanh((m − 1)/(m + 1))
  const logM = num >= den ? atanhFixed(num - den, num + den) : -atanhFixed(den - num, num + den);
  const total = BigInt(k) * ln2Fixed + logM;
  return roundScaledToDouble(total, -Number(PREC));
}
