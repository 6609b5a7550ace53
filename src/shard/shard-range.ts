// Which samples a shard runs: a contiguous range of the selection's dataset-ordered positions.
// Shard i of N over M samples takes positions [floor(i*M/N), floor((i+1)*M/N)): the ranges depend
// only on M and N (never on timing, workers or the order requests finish), cover 0..M-1 exactly
// once, and differ in size by at most one. Contiguous ranges let a shard read only its own part of
// the data files (row groups before its range are skipped).

export interface ShardRange {
  /** First position in the selection (inclusive). */
  start: number;
  /** One past the last position. */
  end: number;
}

export function shardRange(p: { index: number; count: number; total: number }): ShardRange {
  // BigInt keeps i*M exact whatever the sizes
  const at = (i: number) => Number((BigInt(i) * BigInt(p.total)) / BigInt(p.count));
  return { start: at(p.index), end: at(p.index + 1) };
}
