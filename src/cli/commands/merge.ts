// `vlm-harness merge`: the shards of a sharded run into one run directory, with eval's summary.

import type { Command } from 'commander';
import { RunFailed } from '../exit-errors.ts';
import { examples } from '../help-text.ts';
import { err } from '../output.ts';
import { printSummary } from '../print-summary.ts';

export function addMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('Merge the shards of a sharded run (eval --shard) into one run directory, scored exactly as one run of the whole selection')
    .argument('<dirs...>', 'the shard run directories (each holds shard.json)')
    .requiredOption('--out <dir>', 'the merged run directory (new, or an earlier merge to replace)')
    .option('--allow-partial', 'merge the finished shards even when others are missing or unfinished: the result says it is partial, and gate refuses it')
    .addHelpText(
      'after',
      examples([
        'vlm-harness merge runs/shard-* --out runs/merged',
        'vlm-harness merge runs/shard-0 runs/shard-1 runs/shard-2 --out runs/merged --allow-partial',
      ]) + '\nExit codes: 0 ok, 1 fatal error, 2 refused (a missing, unfinished or foreign shard, conflicting ids) or bad input, 3 the merged run failed (as eval decides).\n',
    )
    .action(async (dirs: string[], o: { out: string; allowPartial?: boolean }) => {
      const [{ mergeShards }, { turnSummaryLine }] = await Promise.all([import('../../shard/merge.ts'), import('../../report/conversation-text.ts')]);
      const outcome = await mergeShards({ dirs, out: o.out, allowPartial: o.allowPartial ?? false, onEvent: (e) => (e.type === 'info' || e.type === 'notice' ? err(e.message) : e.type === 'suite' ? err(`${e.suite}: ${e.total ?? '?'} samples from ${e.source} data`) : undefined) });
      const m = outcome.results.merge!;
      err(`merged ${m.merged.length} of ${m.shards} shards into ${outcome.runDir}`);
      printSummary(outcome.results, outcome.runDir, turnSummaryLine);
      if (m.partial) err(`\nwarning: PARTIAL result: shard(s) ${m.missing.map((i) => `${i}/${m.shards}`).join(', ')} missing; gate refuses it.`);
      if (outcome.failures.length) {
        for (const f of outcome.failures) err(`error: ${f}`);
        throw new RunFailed();
      }
    });
}
