// `vlm-harness list`: suites, prompt styles, presets, backends and metrics, from their registries.

import type { Command } from 'commander';
import { suites } from '../../../suites/index.ts';
import { backends } from '../../backends/registry.ts';
import { CARD_PRESETS } from '../../presets/card-presets.ts';
import { PROMPT_STYLE_DESCRIPTIONS, PROMPT_STYLES, styledSuite, stylesOf } from '../../prompt-style/styles.ts';
import { textTable } from '../../report/text-table.ts';
import { METRIC_IDS } from '../../scorers/types.ts';
import { examples } from '../help-text.ts';
import { out } from '../output.ts';

export function addListCommand(program: Command): void {
  program
    .command('list')
    .description('List suites, prompt styles, presets, backends and metrics')
    .addHelpText('after', examples(['vlm-harness list']))
    .action(() => {
      out('Suites:');
      out(textTable(['id', 'metric', 'prompt styles (version)', 'title'], Object.values(suites).map((s) => [s.id, s.judging ? `${s.primaryMetric} (${s.judging.primaryMetric} with --judge-base-url)` : s.primaryMetric, stylesOf(s).map((st) => `${st} v${styledSuite(s, st).version}`).join(', '), s.title])));
      out('');
      out('Prompt styles (--prompt-style):');
      out(textTable(['style', 'prompts'], PROMPT_STYLES.map((st) => [st, PROMPT_STYLE_DESCRIPTIONS[st]])));
      out('');
      out('Presets (--preset):');
      out(textTable(['preset', 'suites', 'style', 'what'], Object.values(CARD_PRESETS).map((p) => [p.id, p.suites.join(','), p.promptStyle, p.title])));
      out('');
      out('Backends:');
      out(textTable(['id', 'description'], Object.entries(backends).map(([id, b]) => [id, b.description])));
      out('');
      out(`Metrics (vlm-harness score --metric): ${METRIC_IDS.join(', ')}`);
    });
}
