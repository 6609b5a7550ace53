// `vlm-harness meta-evals`: Meta's published outputs mapped onto a suite's samples for replay.

import type { Command } from 'commander';
import { SUITE_IDS } from '../../../suites/index.ts';
import type { MetaEvalsOptions } from '../../meta-evals/meta-evals-command.ts';
import { examples } from '../help-text.ts';
import { err, out } from '../output.ts';

export function addMetaEvalsCommand(program: Command): void {
  program
    .command('meta-evals')
    .description("Map Meta's published Llama 3.2 Vision outputs (llama-32-evals details, parquet or JSONL) onto a suite's samples: writes {id, prediction} JSONL for --backend replay")
    .requiredOption('--suite <id>', `the suite the details belong to (${SUITE_IDS.join(', ')})`)
    .requiredOption('--input <file>', "Meta's `<model>-evals__<task>__details` rows: a parquet file from the Hub, or JSONL")
    .requiredOption('--out <file>', 'where the {id, prediction} JSONL goes')
    .option('--data <source>', "the suite's data to match against: 'hub' (default), 'sample' or a parquet file/folder")
    .option('--subject <names>', "MMMU subjects, or 'all' (the card's 900 questions)")
    .option('--split <name>', 'dataset split (default: the suite’s evaluation split)')
    .option('--lmms-org <org>', "org hosting lmms-eval's dataset copies")
    .option('--revision <sha|branch>', 'dataset revision to pin')
    .option('--question-column <name>', "Meta's question column (default input_question)")
    .option('--prediction-column <name>', "Meta's output column (default output_prediction_text)")
    .option('--id-column <name>', "a column that already holds this harness's sample ids (skips matching by question)")
    .addHelpText(
      'after',
      examples([
        'vlm-harness meta-evals --suite mmmu --subject all --input meta-evals/<the mmmu __details parquet> --out mmmu-meta.jsonl',
        'vlm-harness eval --preset llama-3.2-11b-card --suite mmmu --backend replay --predictions mmmu-meta.jsonl',
      ]),
    )
    .action(async (o: MetaEvalsOptions) => {
      const { metaEvalsCommand } = await import('../../meta-evals/meta-evals-command.ts');
      const r = await metaEvalsCommand(o, err);
      out(r.lines[0]);
      for (const w of r.warnings) err(w);
      out(r.lines.slice(1).join('\n'));
    });
}
