// A suite's error reasons as lines of text, the same on the console and in report.md: the five most
// frequent with their counts, then "and N more".

import type { SuiteResult } from './schema.ts';

export const SHOWN_REASONS = 5;

/** Lines such as `16 × backend: HTTP 401 …`; empty when nothing errored. The caller escapes them for its format. */
export function errorReasonLines(counts: SuiteResult['counts']): string[] {
  const reasons = counts.errorReasons ?? [];
  const lines = reasons.slice(0, SHOWN_REASONS).map((r) => `${r.count} × ${r.kind}: ${r.reason}`);
  const hidden = reasons.slice(SHOWN_REASONS);
  const moreReasons = hidden.length + (counts.otherErrorReasons?.reasons ?? 0);
  const moreSamples = hidden.reduce((n, r) => n + r.count, 0) + (counts.otherErrorReasons?.samples ?? 0);
  if (moreReasons > 0) lines.push(`and ${moreReasons} more reason${moreReasons === 1 ? '' : 's'} (${moreSamples} sample${moreSamples === 1 ? '' : 's'}; see samples.jsonl)`);
  return lines;
}

/** One line about answers that may be cut short (a stream that ended without [DONE]), or null. */
export function incompleteLine(counts: SuiteResult['counts']): string | null {
  const n = counts.incomplete ?? 0;
  return n ? `${n} scored answer${n === 1 ? '' : 's'} may be cut short: the stream ended without [DONE] or a finish_reason (flagged 'incomplete' in samples.jsonl)` : null;
}
