// Done when "Real Slurm": a real single-node Slurm cluster (started for this test, seconds) runs
// deploy/slurm/eval-array.sbatch as a 3-task array and deploy/slurm/merge.sbatch after it
// (--dependency=afterok), and the merged result equals a single-node run of the same suites.
// Where Slurm is not installed (or not root) the test is skipped, with the reason in its name so
// the CI summary shows it (.ci/run installs the packages first).

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, CLI, runCli } from '../helpers/run-cli.ts';
import { evalArgs, expectSameRun, readResults, writePredictions } from '../helpers/shard-runs.ts';
import { findSlurm, startSlurm } from '../helpers/slurm-cluster.ts';

const found = findSlurm();
const skip = 'missing' in found ? found.missing : null;
if (skip) console.warn(`\n!!! SKIPPED: the real Slurm test: ${skip}\n`);

describe('deploy/slurm on a real Slurm cluster', () => {
  it.skipIf(skip !== null)(`a 3-task eval array and the afterok merge equal a single-node run${skip ? ` (SKIPPED: ${skip})` : ''}`, { timeout: 240_000 }, async () => {
    if ('missing' in found) return;
    const root = mkdtempSync(join(tmpdir(), 'slurm-eval-'));
    const preds = writePredictions(root);
    const single = await runCli(evalArgs(preds, join(root, 'single')));
    expect(single.code, single.stderr).toBe(0);
    // the command the scripts run: this checkout's compiled CLI (VLM_HARNESS), as an installed bin would be
    const harness = join(root, 'vlm-harness');
    writeFileSync(harness, `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
    chmodSync(harness, 0o755);
    const runs = join(root, 'runs');
    const cluster = await startSlurm(found.paths);
    try {
      const env = { RUN_ROOT: runs, VLM_HARNESS: harness };
      const evalFlags = evalArgs(preds, 'unused').slice(1, -2); // eval's flags without the subcommand and --out
      const array = (await cluster.cmd('sbatch', ['--parsable', '--array=0-2', '-o', join(cluster.root, 'log', 'eval-%A_%a.out'), join(REPO, 'deploy/slurm/eval-array.sbatch'), ...evalFlags], env)).trim().split(';')[0];
      const merge = (await cluster.cmd('sbatch', ['--parsable', `--dependency=afterok:${array}`, '-o', join(cluster.root, 'log', 'merge-%j.out'), join(REPO, 'deploy/slurm/merge.sbatch')], env)).trim().split(';')[0];
      const jobs = await cluster.waitFor([array, merge]);
      const states = [...jobs.values()].map((j) => `${j.JobId} ${j.ArrayTaskId ?? '-'} ${j.JobState} ${j.ExitCode}`);
      expect(states.filter((s) => s.includes(' COMPLETED 0:0')), `${states.join('\n')}\n${cluster.logs()}`).toHaveLength(4);
      expect([...jobs.values()].filter((j) => j.ArrayJobId === array).map((j) => j.ArrayTaskId).sort()).toEqual(['0', '1', '2']);
      const merged = readResults(join(runs, 'merged'));
      expect(merged.merge).toMatchObject({ shards: 3, merged: [0, 1, 2], partial: false });
      expectSameRun({ dir: join(runs, 'merged'), results: merged }, { dir: join(root, 'single'), results: readResults(join(root, 'single')) });
    } finally {
      await cluster.stop();
    }
  });
});
