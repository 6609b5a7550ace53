// gate.md: the gate verdict as Markdown, ready for $GITHUB_STEP_SUMMARY or a PR comment. Every
// untrusted string (model ids, labels, sample ids in notes) goes through mdCell.

import { CHECK_HEADER, checkCells, verdictText, type GateCheck } from './gate-check.ts';
import type { LoadedRun } from '../load-run.ts';
import { mdCell } from '../report-md.ts';

const HEADLINE: Record<0 | 1 | 2, string> = {
  0: '✅ vlm-harness gate: pass',
  1: '❌ vlm-harness gate: regression',
  2: '⚠️ vlm-harness gate: runs not comparable',
};

function describeRun(run: LoadedRun): string {
  const r = run.results;
  const gpu = r.hardware.gpus[0];
  const hw = r.hardware.label ?? (gpu ? `${r.hardware.gpuCount}x ${gpu.model ?? gpu.name ?? 'GPU'}` : 'no GPU recorded');
  return `\`${mdCell(r.runId)}\`: ${mdCell(r.model.id)} via ${mdCell(r.model.backend)}, dtype ${mdCell(r.model.dtype ?? 'unknown')}, ${mdCell(hw)}`;
}

export function gateMarkdown(params: {
  exitCode: 0 | 1 | 2;
  checks: readonly GateCheck[];
  notes: readonly string[];
  baseline: LoadedRun;
  candidate: LoadedRun;
  rulesSource: string;
}): string {
  const { checks } = params;
  const failed = checks.filter((c) => c.verdict === 'fail' || c.verdict === 'not-comparable');
  const lines = [
    `## ${HEADLINE[params.exitCode]}`,
    '',
    `- Baseline: ${describeRun(params.baseline)}`,
    `- Candidate: ${describeRun(params.candidate)}`,
    `- Rules: \`${mdCell(params.rulesSource)}\``,
    '',
  ];
  if (failed.length) {
    lines.push('**What failed**', '');
    for (const c of failed) lines.push(`- ${mdCell(c.suite ?? 'run')} · ${mdCell(c.name)}: ${mdCell(c.note)}`);
    lines.push('');
  }
  lines.push(`| ${[...CHECK_HEADER, 'note'].join(' | ')} |`, `|${CHECK_HEADER.map((h) => (['suite', 'check', 'verdict'].includes(h) ? '---' : '---:')).join('|')}|---|`);
  for (const c of checks) {
    const cells = checkCells(c).map(mdCell);
    cells[cells.length - 1] = c.verdict === 'fail' || c.verdict === 'not-comparable' ? `**${verdictText(c.verdict)}**` : verdictText(c.verdict);
    lines.push(`| ${[...cells, mdCell([c.note, c.method ? `(${c.method})` : ''].filter(Boolean).join(' '))].join(' | ')} |`);
  }
  if (params.notes.length) lines.push('', ...params.notes.map((n) => `> ${mdCell(n)}`));
  lines.push(
    '',
    '<details><summary>How the checks decide</summary>',
    '',
    '- Accuracy fails only when the drop exceeds the tolerance **and** a paired test on the samples both runs scored is significant at alpha: exact McNemar (two-sided binomial on discordant pairs) for 0/1 scores, paired bootstrap of per-sample differences for continuous scores, paired bootstrap over images (the corpus metric rescored per resample) for CIDEr. The 95% CI is the paired-bootstrap percentile interval of the delta (candidate − baseline).',
    '- Throughput, TTFT and peak VRAM are relative changes against percentage tolerances; a figure missing from either run is skipped, and so is every one of them when the runs were made under different load settings (concurrency, request rate, client workers, max tokens, prompt style).',
    '- Errored samples: a cap on the candidate rate and on its rise over the baseline.',
    '- Runs whose suite version, dataset fingerprint or sample ids differ are refused (exit 2) unless a rule allows it.',
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}
