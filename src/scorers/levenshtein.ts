// Unit-cost Levenshtein (edit) distance over code points, as python-Levenshtein's `distance` and
// the RRC ANLS script's `levenshtein_distance` compute it on Python 3 str (one code point, one
// character). Shared by ANLS and MathVista's closest-choice rule.

/** The code points of a string (Python's view of a str). */
export function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/** Edit distance between two code-point sequences, two rows of the DP table. */
export function levenshtein(a: readonly number[], b: readonly number[]): number {
  if (a.length < b.length) [a, b] = [b, a];
  if (b.length === 0) return a.length;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 0; i < a.length; i++) {
    cur[0] = i + 1;
    const ai = a[i];
    for (let j = 0; j < b.length; j++) {
      const substitution = prev[j] + (ai === b[j] ? 0 : 1);
      cur[j + 1] = Math.min(prev[j + 1] + 1, cur[j] + 1, substitution);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}
