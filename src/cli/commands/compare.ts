// `vlm-harness compare`: the hardware comparison of finished runs or sweeps; the table, warnings
// and the files it wrote.

import type { Command } from 'commander';
import { examples } from '../help-text.ts';
import { err, out } from '../output.ts';

export function addCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('Hardware comparison of finished runs, or of sweeps (curves on one chart): comparison.md (+ PNG charts), comparison.csv, comparison.html')
    .argument('<runs...>', 'run directories or results.json files; or sweep directories (with sweep.json)')
    .option('--out <dir>', 'output directory', 'reports/comparison')
    .option('--reference <label>', 'row the ratios are taken against: hardware label, row label, run id or GPU model (default: the first run)')
    .addHelpText(
      'after',
      examples([
        'vlm-harness compare reports/mi210-run reports/mi250-run reports/mi300x-run --reference MI300X',
        'vlm-harness compare reports/*/results.json --out reports/comparison',
      ]),
    )
    .action(async (runs: string[], o: { out: string; reference?: string }) => {
      const { compareRuns } = await import('../../report/compare/compare.ts');
      const r = await compareRuns({ inputs: runs, out: o.out, ...(o.reference ? { reference: o.reference } : {}) });
      out(r.table);
      for (const w of r.warnings) err(`warning: ${w}`);
      out(`wrote ${r.files.join(', ')}`);
    });
}
