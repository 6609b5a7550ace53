// How a run compares with the model card (runs made with `--preset`), as report.md and `compare`
// word it: the difference in points, whether the card's number lies inside our 95% interval, and
// what differs from the card's own setting (a test split we cannot score, a partial run).

import type { SuiteResult } from './schema.ts';
import { formatMetric } from './text-table.ts';

/** A difference in the metric's scale as people read it: points for accuracy-like metrics. */
export function formatDelta(metric: string, delta: number | null): string {
  if (delta === null) return 'n/a';
  const shown = formatMetric(metric, Math.abs(delta));
  return `${delta < 0 ? '−' : '+'}${shown}`;
}

export function inCiText(inCi: boolean | null): string {
  return inCi === null ? 'n/a' : inCi ? 'yes' : 'no';
}

/** What a reader must know about one comparison with the card. */
export function cardCaveats(s: SuiteResult): string[] {
  const card = s.card;
  if (!card) return [];
  const out: string[] = [];
  if (card.note) out.push(card.note);
  if (!card.fullRun) out.push(`partial run: ${s.counts.total} samples, not the full split`);
  if (s.counts.errored) out.push(`${s.counts.errored} errored sample(s) are not in our number`);
  return out;
}
