// ROUGE-L as pycocoevalcap computes it: salaniz/pycocoevalcap rouge/rouge.py (`Rouge.calc_score`,
// `my_lcs`) at ad63453cfab57a81a02b2949b17a91fab1c3df77. Spec: ../shared/spec/scoring.md §5.3.

/** `self.beta**2` with beta = 1.2, a Python float power (glibc pow): 1.44, as a test checks. */
export const ROUGE_BETA_SQUARED = 1.44;
const BETA2 = ROUGE_BETA_SQUARED;

/** Length of the longest common subsequence of two token lists (one rolling DP row). */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0; // row[j - 1] of the previous i
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}

/**
 * ROUGE-L F-measure of one candidate against its references. Tokens come from `split(" ")`, not
 * `split()`: empty tokens count, and a U+00A0 inside a PTB token does not split it. Precision and
 * recall are maximised independently, possibly over different references.
 */
export function rougeL(candidate: string, references: readonly string[]): number {
  const cand = candidate.split(' ');
  let precMax = 0;
  let recMax = 0;
  for (const reference of references) {
    const ref = reference.split(' ');
    const lcs = lcsLength(ref, cand);
    precMax = Math.max(precMax, lcs / cand.length);
    recMax = Math.max(recMax, lcs / ref.length);
  }
  if (precMax === 0 || recMax === 0) return 0;
  return ((1 + BETA2) * precMax * recMax) / (recMax + BETA2 * precMax);
}
