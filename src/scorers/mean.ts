// The plain mean every per-sample metric reports: Python's `sum(values) / len(values)`, i.e. a
// left-to-right double sum (not pairwise, not compensated), then one division. The reference
// aggregators (vqaEval.py `setAccuracy`, lmms-eval's `mean` aggregation, the RRC script) all do this,
// and summation order can move the last bit.

/** Mean of `values` in order; NaN for an empty list (Python raises ZeroDivisionError there). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}
