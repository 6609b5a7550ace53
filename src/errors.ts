// Errors a user can fix. The CLI prints their message without a stack trace and exits with
// `exitCode` (2 for usage and input mistakes, 1 for a fatal run error); anything else is a bug.

export class UserError extends Error {
  override name = 'UserError';
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The closest candidate by edit distance, for "Did you mean …?" hints (null when nothing is close). */
export function closest(input: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best !== null && bestDist <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

export function unknownName(what: string, input: string, candidates: readonly string[]): UserError {
  const hint = closest(input, candidates);
  const tail = hint ? ` Did you mean '${hint}'?` : ` Known: ${candidates.join(', ')}.`;
  return new UserError(`Unknown ${what} '${input}'.${tail}`);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
