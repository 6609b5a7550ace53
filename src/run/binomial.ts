// Exact binomial random variates from a seeded uniform generator, for the bootstrap's multinomial
// resampling (./bootstrap.ts). Small means use inversion (sequential search); large ones use BTRD,
// the transformed rejection method with decomposition of W. Hörmann, "The generation of binomial
// random variates", Journal of Statistical Computation and Simulation 46 (1993) 101-110, whose
// expected cost does not grow with n.

/** A uniform double in [0, 1). */
export type Uniform = () => number;

/** Stirling-series corrections fc(k) = ln k! − (k + ½)·ln(k + 1) + (k + 1) − ½·ln(2π), k < 10. */
const FC = [
  0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509, 0.01664469118982119,
  0.01387612882307075, 0.01189670994589177, 0.01041126526197209, 0.009255462182712733, 0.008330563433362871,
];

function fc(k: number): number {
  if (k < 10) return FC[k];
  const r = 1 / (k + 1);
  const r2 = r * r;
  return (1 / 12 - (1 / 360 - r2 / 1260) * r2) * r;
}

/** Inversion: walk the probabilities up from 0 (expected cost about n·p; used for n·p < 10). */
function inversion(n: number, p: number, uniform: Uniform): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  for (;;) {
    let r = q ** n;
    let u = uniform();
    let x = 0;
    while (u > r) {
      u -= r;
      x++;
      if (x > n) break; // rounding left a sliver of mass: draw again
      r *= a / x - s;
    }
    if (x <= n) return x;
  }
}

/** BTRD for n·p ≥ 10, p ≤ ½ (Hörmann 1993, algorithm BTRD, steps 0-3.4). */
function btrd(n: number, p: number, uniform: Uniform): number {
  const m = Math.floor((n + 1) * p);
  const r = p / (1 - p);
  const nr = (n + 1) * r;
  const npq = n * p * (1 - p);
  const sq = Math.sqrt(npq);
  const b = 1.15 + 2.53 * sq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const alpha = (2.83 + 5.1 / b) * sq;
  const vr = 0.92 - 4.2 / b;
  const urvr = 0.86 * vr;
  for (;;) {
    let v = uniform();
    let u: number;
    if (v <= urvr) {
      u = v / vr - 0.43;
      return Math.floor(((2 * a) / (0.5 - Math.abs(u)) + b) * u + c);
    }
    if (v >= vr) {
      u = uniform() - 0.5;
    } else {
      u = v / vr - 0.93;
      u = (u < 0 ? -0.5 : 0.5) - u;
      v = uniform() * vr;
    }
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    v = (v * alpha) / (a / (us * us) + b);
    const km = Math.abs(k - m);
    if (km <= 15) {
      // f(k)/f(m) by the recurrence f(i)/f(i−1) = (n + 1)r/i − r
      let f = 1;
      if (m < k) {
        for (let i = m + 1; i <= k; i++) f *= nr / i - r;
      } else if (m > k) {
        for (let i = k + 1; i <= m; i++) v *= nr / i - r;
      }
      if (v <= f) return k;
      continue;
    }
    // squeeze on log(v)
    v = Math.log(v);
    const rho = (km / npq) * (((km / 3 + 0.625) * km + 1 / 6) / npq + 0.5);
    const t = (-km * km) / (2 * npq);
    if (v < t - rho) return k;
    if (v > t + rho) continue;
    const nm = n - m + 1;
    const h = (m + 0.5) * Math.log((m + 1) / (r * nm)) + fc(m) + fc(n - m);
    const nk = n - k + 1;
    if (v <= h + (n + 1) * Math.log(nm / nk) + (k + 0.5) * Math.log((nk * r) / (k + 1)) - fc(k) - fc(n - k)) return k;
  }
}

/** A Binomial(n, p) variate for an integer n ≥ 0 and 0 ≤ p ≤ 1. */
export function binomial(n: number, p: number, uniform: Uniform): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, uniform);
  return n * p < 10 ? inversion(n, p, uniform) : btrd(n, p, uniform);
}
