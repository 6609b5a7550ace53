// The end-of-run summary `eval` and `merge` print.

import type { Results } from '../report/schema.ts';
import { errorReasonLines, incompleteLine } from '../report/error-reasons-text.ts';
import { formatMetric, textTable } from '../report/text-table.ts';
import { out, err } from './output.ts';

/** The end-of-run summary of `eval` and `merge`: notices, a table per suite, error reasons, where the report is. */
export function printSummary(r: Results, runDir: string, turnSummaryLine: (s: Results['suites'][number]) => string | null): void {
  for (const n of r.notices) err(`\n*** ${n} ***`);
  const rows = r.suites.map((s) => {
    const m = s.metrics[s.primaryMetric];
    const ci = m?.ci95 ? `[${formatMetric(s.primaryMetric, m.ci95[0])}, ${formatMetric(s.primaryMetric, m.ci95[1])}]` : '';
    const tps = s.perf.outputTokensPerSec;
    return [s.id, s.primaryMetric, formatMetric(s.primaryMetric, m?.value), ci, `${s.counts.scored}/${s.counts.total}`, String(s.counts.errored), tps === null ? 'n/a' : tps.toFixed(1)];
  });
  out(textTable(['suite', 'metric', 'value', '95% CI', 'scored', 'errored', 'out tok/s'], rows));
  for (const s of r.suites) {
    if (s.judge) out(`${s.id}: judge ${s.judge.model} at ${s.judge.baseUrl}: ${s.judge.calls} call(s), ${s.judge.cacheHits} from the cache, ${s.judgePerf?.errors ?? 0} error(s)`);
    const byTurn = turnSummaryLine(s);
    if (byTurn) out(byTurn);
    const reasons = errorReasonLines(s.counts);
    if (reasons.length) out(`${s.id}: ${s.counts.errored} errored:\n${reasons.map((l) => `  ${l}`).join('\n')}`);
    const incomplete = incompleteLine(s.counts);
    if (incomplete) out(`${s.id}: ${incomplete}`);
  }
  out(`report: ${runDir}/report.md`);
}
