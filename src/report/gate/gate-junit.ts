// gate.junit.xml: one <testcase> per gate check, so CI test reporters show each check; a
// regression is a <failure>, a refusal to compare an <error>, a skipped check <skipped>.
// All text is XML-escaped (escapeHtml also drops characters XML 1.0 forbids).

import { checkCells, CHECK_HEADER, type GateCheck } from './gate-check.ts';
import { escapeHtml } from '../html-escape.ts';

function detail(c: GateCheck): string {
  const cells = checkCells(c);
  return [...CHECK_HEADER.map((h, i) => `${h}: ${cells[i]}`), ...(c.method ? [`method: ${c.method}`] : []), `note: ${c.note}`].join('\n');
}

export function gateJunit(params: { checks: readonly GateCheck[]; name: string }): string {
  const { checks } = params;
  const count = (v: GateCheck['verdict']) => checks.filter((c) => c.verdict === v).length;
  const totals = `tests="${checks.length}" failures="${count('fail')}" errors="${count('not-comparable')}" skipped="${count('skip')}"`;
  const name = escapeHtml(params.name);
  const cases = checks.map((c) => {
    const open = `    <testcase classname="${escapeHtml(`vlm-harness.gate.${c.suite ?? 'run'}`)}" name="${escapeHtml(`${c.kind}: ${c.name}`)}" time="0"`;
    const message = escapeHtml(c.note);
    switch (c.verdict) {
      case 'pass':
        return `${open}>\n      <system-out>${escapeHtml(detail(c))}</system-out>\n    </testcase>`;
      case 'skip':
        return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
      case 'fail':
        return `${open}>\n      <failure message="${message}" type="regression">${escapeHtml(detail(c))}</failure>\n    </testcase>`;
      case 'not-comparable':
        return `${open}>\n      <error message="${message}" type="not-comparable">${escapeHtml(detail(c))}</error>\n    </testcase>`;
    }
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${name}" ${totals}>`,
    `  <testsuite name="${name}" ${totals}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
