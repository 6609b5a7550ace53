// The by-turn view of `--conversation` runs: report.md's "Conversations" section (for each suite, the
// official metric by turn with its 95% interval beside the turn's latency and prompt size, so a reader
// sees in one table how accuracy holds up and how latency grows with the history), and the terminal's
// one line per suite.

import { turnMetricName } from '../conversation/turn-metrics.ts';
import type { SuiteResult } from './schema.ts';
import { fixedOrNa, formatMetric } from './text-table.ts';

export function conversationLines(suites: readonly SuiteResult[]): string[] {
  const withTurns = suites.filter((s) => s.conversation);
  if (withTurns.length === 0) return [];
  const lines = ['', '## Conversations'];
  for (const s of withTurns) {
    const c = s.conversation!;
    const metric = s.primaryMetric;
    const history = c.history === 'model' ? "the model's own answers" : 'reference answers';
    lines.push(
      '',
      `### ${s.id} by turn`,
      '',
      `${c.conversations} conversation${c.conversations === 1 ? '' : 's'} of up to ${c.maxTurns} turns about one image each; the later turns saw ${history} as history. ` +
        `Each turn is scored on its own with the suite's metric (${metric}); timings are over that turn's timed requests.`,
      '',
      `| turn | scored | ${metric} | 95% CI | TTFT p50 ms | TTFT p99 ms | E2E p50 ms | E2E p99 ms | prompt tokens (mean) |`,
      '|---:|---:|---:|---|---:|---:|---:|---:|---:|',
    );
    const perf = new Map((s.perf.byTurn ?? []).map((t) => [t.turn, t]));
    for (const t of c.turns) {
      const m = s.metrics[turnMetricName(metric, t.turn)];
      const ci = m?.ci95 ? `${formatMetric(metric, m.ci95[0])} – ${formatMetric(metric, m.ci95[1])}` : '';
      const p = perf.get(t.turn);
      const tokens = fixedOrNa(p?.promptTokensMean, 1);
      lines.push(
        `| ${t.turn} | ${t.scored}/${t.samples} | ${formatMetric(metric, m?.value)} | ${ci} | ${fixedOrNa(p?.ttftMs?.p50, 1)} | ${fixedOrNa(p?.ttftMs?.p99, 1)} | ${fixedOrNa(p?.e2eLatencyMs?.p50, 1)} | ${fixedOrNa(p?.e2eLatencyMs?.p99, 1)} | ${tokens} |`,
      );
    }
  }
  return lines;
}

/** The terminal's by-turn line: `docvqa by turn: anls 80.00 | 75.00 | 70.00; TTFT p50 ms 41.2 | 55.0 | 60.3`. */
export function turnSummaryLine(s: SuiteResult): string | null {
  if (!s.conversation) return null;
  const metric = s.primaryMetric;
  const values = s.conversation.turns.map((t) => formatMetric(metric, s.metrics[turnMetricName(metric, t.turn)]?.value));
  const perf = new Map((s.perf.byTurn ?? []).map((t) => [t.turn, t]));
  const ttft = s.conversation.turns.map((t) => fixedOrNa(perf.get(t.turn)?.ttftMs?.p50, 1));
  return `${s.id} by turn: ${metric} ${values.join(' | ')}; TTFT p50 ms ${ttft.join(' | ')}`;
}
