// `vlm-harness gate`: the CI verdict; the table and files, then the verdict's exit code.

import type { Command } from 'commander';
import { GateVerdict } from '../exit-errors.ts';
import { examples } from '../help-text.ts';
import { out } from '../output.ts';

export function addGateCommand(program: Command): void {
  program
    .command('gate')
    .description('CI verdict on a candidate run against a baseline (exit 0 pass, 1 regression, 2 not comparable or bad input)')
    .requiredOption('--baseline <run>', 'baseline run directory or results.json')
    .requiredOption('--candidate <run>', 'candidate run directory or results.json')
    .option('--rules <file>', 'gate rules YAML (default configs/gates.yaml)')
    .option('--out <dir>', 'where gate.md and gate.junit.xml go (default: the candidate run directory)')
    .addHelpText(
      'after',
      examples([
        'vlm-harness gate --baseline reports/baselines/mmmu --candidate reports/candidate/mmmu',
        'vlm-harness gate --baseline base/results.json --candidate cand/results.json --rules configs/gates.yaml',
      ]) + '\nExit codes: 0 pass, 1 regression, 2 not comparable or bad input.\n',
    )
    .action(async (o: { baseline: string; candidate: string; rules?: string; out?: string }) => {
      const { gateRuns } = await import('../../report/gate/gate.ts');
      const r = await gateRuns(o);
      out(r.table);
      out(`wrote ${r.files.join(', ')}`);
      if (r.exitCode !== 0) throw new GateVerdict(r.exitCode);
    });
}
