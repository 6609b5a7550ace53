// `numpy.mean` of a float64 vector, which the pycocoevalcap scorers use for ROUGE-L and CIDEr-D
// (salaniz/pycocoevalcap at ad63453cfab57a81a02b2949b17a91fab1c3df77; numpy 2). numpy adds with
// pairwise summation (numpy/_core/src/umath/loops_utils.h.src `pairwise_sum`), which differs from
// a left-to-right sum in the last bits once there are 8 or more values. Spec: scoring.md §7.

const BLOCK = 128;

function pairwiseSum(a: readonly number[], start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= BLOCK) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    }
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** `np.mean(np.array(values))`; NaN for an empty list, as numpy returns (with a warning). */
export function npMean(values: readonly number[]): number {
  return (0 + pairwiseSum(values, 0, values.length)) / values.length;
}
