// report.md: the run summary a person reads (and CI can paste into a step summary).

import { cardCaveats, formatDelta, inCiText } from './card-text.ts';
import { errorReasonLines, incompleteLine } from './error-reasons-text.ts';
import { describeLoad } from './load-compare.ts';
import { LOOP_DELAY_P99_LIMIT_MS, SATURATION_MESSAGE } from '../load/client-check.ts';
import { shardLines, shardStatus } from './shard-md.ts';
import { fixedOrNa, formatMetric } from './text-table.ts';
import { conversationLines } from './conversation-text.ts';
import type { Results, SuiteResult } from './schema.ts';

/** Escapes text for a Markdown table cell (pipes and newlines would break the row; HTML is inert text). */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function status(results: Results): string {
  // a partial merge is incomplete for good; a shard's status says it is one part
  const sharded = shardStatus(results);
  if (results.merge?.partial) return sharded!;
  const run = runStatus(results);
  return sharded ? `${sharded}; ${run}` : run;
}

function runStatus(results: Results): string {
  if (!results.completed) return 'INCOMPLETE (interrupted; resume to finish)';
  const allErrored = results.suites.filter((s) => s.counts.total > 0 && s.counts.errored === s.counts.total).map((s) => s.id);
  if (allErrored.length) return `completed, but FAILED: every sample of ${allErrored.join(', ')} errored (reasons under Errors)`;
  const errored = results.suites.reduce((n, s) => n + s.counts.errored, 0);
  return errored ? `completed, with ${errored} errored sample${errored === 1 ? '' : 's'} (reasons under Errors)` : 'completed';
}

export function reportMarkdown(results: Results): string {
  const gpus = results.hardware.gpus;
  const gpuText = gpus.length ? `${gpus.length} x ${mdCell(gpus[0].model ?? gpus[0].name ?? 'unknown GPU')}` : 'no GPU recorded';
  const lines: string[] = [
    `# vlm-harness run ${mdCell(results.runId)}`,
    '',
    ...results.notices.map((n) => `> **${mdCell(n)}**\n`),
    `- Model: \`${mdCell(results.model.id)}\` via \`${results.model.backend}\`, dtype ${results.model.dtype ?? 'unknown'}`,
    `- Hardware: ${gpuText}${results.hardware.label ? ` (${mdCell(results.hardware.label)})` : ''}; host ${mdCell(results.hardware.host.cpuModel ?? 'unknown CPU')}, ${results.hardware.host.memTotalMiB} MiB`,
    `- Created: ${results.createdAt}; harness ${results.harness.version}${results.harness.gitCommit ? ` (${results.harness.gitCommit.slice(0, 12)})` : ''}`,
    `- Status: ${status(results)}`,
    '',
    '## Accuracy',
    '',
    '| suite | prompt style | metric | value | 95% CI | scored | errored | data |',
    '|---|---|---|---:|---|---:|---:|---|',
  ];
  for (const s of results.suites) {
    const m = s.metrics[s.primaryMetric];
    const ci = m?.ci95 ? `${formatMetric(s.primaryMetric, m.ci95[0])} – ${formatMetric(s.primaryMetric, m.ci95[1])}` : '';
    const data = `${s.dataset.source}: ${mdCell(s.dataset.repo)}${s.dataset.revision ? `@${s.dataset.revision.slice(0, 10)}` : ''} (${mdCell(s.dataset.split)})`;
    lines.push(
      `| ${s.id} v${s.version} | ${s.promptStyle ?? 'lmms-eval'} | ${s.primaryMetric} | ${formatMetric(s.primaryMetric, m?.value)} | ${ci} | ${s.counts.scored}/${s.counts.total} | ${s.counts.errored} | ${data} |`,
    );
  }
  lines.push(...cardLines(results.suites));
  const extra = results.suites.flatMap((s) =>
    Object.entries(s.metrics)
      // the by-turn values have their own table (conversation-text.ts)
      .filter(([k]) => k !== s.primaryMetric && !(s.conversation && k.startsWith(`${s.primaryMetric}_turn_`)))
      .map(([k, v]) => `| ${s.id} | ${mdCell(k)} | ${formatMetric(k, v.value)} |`),
  );
  if (extra.length) lines.push('', '| suite | other metric | value |', '|---|---|---:|', ...extra);
  const failed = results.suites.filter((s) => s.counts.errored > 0 || s.counts.incomplete);
  if (failed.length) {
    lines.push('', '## Errors', '');
    for (const s of failed) {
      const reasons = errorReasonLines(s.counts);
      if (reasons.length) lines.push(`**${s.id}**: ${s.counts.errored} of ${s.counts.total} samples errored${s.counts.errored === s.counts.total ? ' (all of them)' : ''}:`, '', ...reasons.map((r) => `- ${mdCell(r)}`), '');
      const incomplete = incompleteLine(s.counts);
      if (incomplete) lines.push(`**${s.id}**: ${mdCell(incomplete)}.`, '');
    }
  }
  lines.push(
    '',
    '## Performance',
    '',
    '| suite | duration s | req/s | out tok/s | TTFT p50 ms | TTFT p99 ms | TPOT p50 ms | E2E p50 ms | E2E p99 ms | tokens from |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const s of results.suites) {
    const p = s.perf;
    lines.push(
      `| ${s.id} | ${fixedOrNa(p.durationSec, 1)} | ${fixedOrNa(p.requestsPerSec, 2)} | ${fixedOrNa(p.outputTokensPerSec, 1)} | ${fixedOrNa(p.ttftMs?.p50, 1)} | ${fixedOrNa(p.ttftMs?.p99, 1)} | ${fixedOrNa(p.tpotMs?.p50, 1)} | ${fixedOrNa(p.e2eLatencyMs?.p50, 1)} | ${fixedOrNa(p.e2eLatencyMs?.p99, 1)} | ${p.tokenSource} |`,
    );
  }
  const clients = results.suites.filter((s) => s.perf.client);
  if (clients.length) lines.push('');
  for (const s of clients) {
    const c = s.perf.client!;
    const threads = c.workers === 0 ? 'the main thread' : `${c.workers} client worker${c.workers > 1 ? 's' : ''}`;
    const delay = c.loopDelayP99Ms === null ? 'not measured' : `${c.loopDelayP99Ms.toFixed(1)} ms`;
    const verdict = c.saturated ? `**${SATURATION_MESSAGE}** (${mdCell(c.reason ?? '')})` : c.reason ? `kept up; ${mdCell(c.reason)}` : 'kept up';
    lines.push(`- Load generator, ${s.id}: ${threads}, event-loop delay p99 ${delay} (limit ${LOOP_DELAY_P99_LIMIT_MS} ms): ${verdict}`);
  }
  for (const s of results.suites) {
    const n = s.perf.invocations ?? 1;
    if (n > 1 && !results.merge) lines.push('', `${s.id}: the figures pool the timed samples of ${n} invocations (a resumed run); throughput divides by the sum of their own durations.`);
    if (s.perf.mixedLoad) lines.push('', `> **${s.id}: those invocations ran under different load settings; the figures mix loads and are not comparable with other runs.**`);
    if (s.load) lines.push('', `${s.id} load: ${mdCell(describeLoad(s.load))}.`);
    const eps = s.perf.endpoints ?? [];
    if (eps.length > 1 || eps.some((e) => e.errored > 0)) {
      lines.push('', `${s.id} endpoints: ${eps.map((e) => `${mdCell(e.baseUrl)} ${e.requests} request${e.requests === 1 ? '' : 's'}${e.errored ? ` (${e.errored} failed there)` : ''}`).join('; ')}.`);
    }
  }
  lines.push(...conversationLines(results.suites));
  lines.push(...shardLines(results, mdCell));
  const judged = results.suites.filter((s) => s.judge);
  if (judged.length) {
    // the judge's own cost, never mixed into the model's performance above
    lines.push(
      '',
      '## Judge',
      '',
      '| suite | judge model | base URL | calls | cache hits | needed the judge | errors | prompt tokens | output tokens | latency p50 ms | time s |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const s of judged) {
      const j = s.judge!;
      const p = s.judgePerf;
      lines.push(
        `| ${s.id} | ${mdCell(j.model)} | ${mdCell(j.baseUrl)} | ${j.calls} | ${j.cacheHits} | ${p?.requests ?? 'n/a'} | ${p?.errors ?? 'n/a'} | ${p?.promptTokens ?? 'n/a'} | ${p?.outputTokens ?? 'n/a'} | ${fixedOrNa(p?.latencyMs?.p50, 1)} | ${fixedOrNa(p?.durationSec, 1)} |`,
      );
    }
  }
  const mem = results.memory;
  const vram = mem.peakVramMiB === null ? 'not measured' : `${mem.peakVramMiB} MiB peak, ${mem.meanVramMiB ?? 'n/a'} MiB mean (${mem.tool}, ${mem.samples} polls)`;
  lines.push('', `Peak RSS: ${fixedOrNa(mem.peakRssMiB, 0)} MiB; GPU memory: ${vram}`);
  lines.push(energyLine(results));
  if (results.serve) {
    const v = results.serve;
    lines.push(`Server: \`${mdCell(v.command.join(' '))}\`${v.version ? ` (version ${mdCell(v.version)})` : ''}, healthy after ${fixedOrNa(v.readySec, 1)} s; its log: ${mdCell(v.log)}`);
  }
  lines.push('');
  return lines.join('\n');
}

function energyLine(results: Results): string {
  const e = results.energy;
  if (e === undefined) return '';
  if (e === null) return `Energy: not measured (${mdCell(results.hardware.notes.find((n) => n.startsWith('energy:'))?.slice(8) ?? 'no power reading')})`;
  return `Energy: ${fixedOrNa(e.energyJ, 1)} J over ${fixedOrNa(e.durationSec, 1)} s of generation, ${fixedOrNa(e.avgPowerW, 1)} W mean (${mdCell(e.source)}, ${e.perGpu.length} GPU(s)); ${fixedOrNa(e.joulesPerOutputToken, 4)} J/output token, ${fixedOrNa(e.outputTokensPerJoule, 3)} output tokens/J`;
}

/** The "Model card" section of report.md; empty when no suite carries a card number. */
function cardLines(suites: readonly SuiteResult[]): string[] {
  const withCard = suites.filter((s) => s.card);
  if (!withCard.length) return [];
  const lines = [
    '',
    `## Against the model card (${mdCell(withCard[0].card!.title)})`,
    '',
    '| suite | metric | card | card split | ours | 95% CI | ours − card | card in our CI | notes |',
    '|---|---|---:|---|---:|---|---:|---|---|',
  ];
  for (const s of withCard) {
    const card = s.card!;
    const m = s.metrics[s.primaryMetric];
    const ci = m?.ci95 ? `${formatMetric(card.metric, m.ci95[0])} – ${formatMetric(card.metric, m.ci95[1])}` : 'n/a';
    lines.push(
      `| ${s.id} | ${card.metric} | ${formatMetric(card.metric, card.value)} | ${mdCell(card.split)} | ${formatMetric(card.metric, m?.value)} | ${ci} | ${formatDelta(card.metric, card.delta)} | ${inCiText(card.inCi95)} | ${mdCell(cardCaveats(s).join('; '))} |`,
    );
  }
  return lines;
}
