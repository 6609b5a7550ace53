// `vlm-harness score`: re-scores saved predictions with a metric; a table, or one JSON document.

import { Option, type Command } from 'commander';
import { formatMetric, textTable } from '../../report/text-table.ts';
import { METRIC_IDS } from '../../scorers/types.ts';
import { examples } from '../help-text.ts';
import { out } from '../output.ts';

export function addScoreCommand(program: Command): void {
  program
    .command('score')
    .description('Re-score a JSONL file of predictions with an official metric, without a model')
    .addOption(new Option('--metric <name>', 'metric').choices([...METRIC_IDS]).makeOptionMandatory())
    .requiredOption('--input <file>', 'JSONL: {"id","prediction","references"[,"options","question_type"]} per line; - reads standard input')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      examples([
        'vlm-harness score --metric vqa --input preds.jsonl',
        'vlm-harness score --metric mmmu --input preds.jsonl --json > scores.json',
        'cat preds.jsonl | vlm-harness score --metric anls --input -',
      ]),
    )
    .action(async (opts: { metric: string; input: string; json?: boolean }) => {
      const { scoreFile } = await import('../../run/score-file.ts');
      const result = await scoreFile(opts);
      if (opts.json) {
        out(JSON.stringify(result));
        return;
      }
      const rows = Object.entries(result.aggregate).map(([k, v]) => {
        const ci = result.ci95[k];
        return [k, formatMetric(k, v), ci ? `[${formatMetric(k, ci[0])}, ${formatMetric(k, ci[1])}]` : ''];
      });
      out(`${result.metric}: ${result.n} samples`);
      out(textTable(['metric', 'value', '95% CI'], rows));
    });
}
