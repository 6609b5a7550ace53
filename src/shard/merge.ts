// `vlm-harness merge <shard dirs…> --out DIR`: the shards of one sharded run (src/shard/) made into
// one run directory whose results equal what a single run of the whole selection gives.
// 1. The shards are read and checked as one run (merge-inputs.ts).
// 2. Their samples.jsonl files become the merged journal, and run.json lists every shard's
//    invocations (merge-union.ts).
// 3. Per suite, the data is read again (the same files: their fingerprint is checked) for the full
//    selection in dataset order; the shards must hold exactly their ranges of it.
// 4. The union is scored by the same code as `eval` (finalizeSuite: MMMU's seeded fallback draws in
//    dataset order, CIDEr-D over the whole corpus, the bootstrap over every sample), perf pools
//    every timed request over the union of the shards' generation intervals (perf.ts), and the
//    suite's entry is built by the same builder (suite-result.ts).
// 5. Energy is the shards' joules and tokens added up, or null when a shard measured none
//    (merge-energy.ts).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getStyledSuite } from '../../suites/index.ts';
import { hashSample, streamSamples, type ResolvedDataset } from '../data/dataset.ts';
import { filesFingerprint, withFileHashes } from '../data/files-fingerprint.ts';
import { UserError } from '../errors.ts';
import { RESULTS_SCHEMA_VERSION, resultsSchema, type Results, type SuiteResult } from '../report/schema.ts';
import { writeReport } from '../report/write-report.ts';
import type { EvalEvent } from '../run/eval.ts';
import { harnessInfo } from '../run/eval/harness-info.ts';
import { resolveDatasets } from '../run/eval/resolve-datasets.ts';
import { finalizeSuite } from '../run/finalize.ts';
import { openJournal, rewriteJournal } from '../run/journal.ts';
import { prepareOutDir } from '../run/out-dir.ts';
import { loadSettings } from '../run/load-settings.ts';
import { buildPerf } from '../run/perf.ts';
import { buildPlan, type RunPlan } from '../run/plan.ts';
import type { RunConfig } from '../run/plan/run-config.ts';
import { writeRunFile } from '../run/run-record.ts';
import { acquireRunLock } from '../run/run-lock.ts';
import { createSampleSpill, type SampleSpill } from '../run/sample-spill.ts';
import { runFailures } from '../run/run-verdict.ts';
import { suiteResultOf } from '../run/suite-result.ts';
import type { StyledSuite } from '../types.ts';
import { readShardSet, type ShardInput, type ShardSet } from './merge-inputs.ts';
import { mergedEnergy } from './merge-energy.ts';
import { hostsOf, judgedOutcomes, mergedHardware, mergedJudge, mergedMemory, mergedNotices, shardPerfs } from './merge-parts.ts';
import { checkAssignment, inRanges, unionJournals } from './merge-union.ts';
import { selectionFingerprint } from './shard-selection.ts';

export interface MergeParams {
  dirs: readonly string[];
  out: string;
  allowPartial?: boolean;
  onEvent?: (e: EvalEvent) => void;
}

export interface MergeOutcome {
  runDir: string;
  results: Results;
  /** Why the merged run fails (run-verdict.ts, as `eval` decides); empty when it passes. */
  failures: string[];
}

/** The merged run's id: the shards' own, without the shard suffix the plan gave them. */
function mergedRunId(shard: ShardInput): string {
  return `${shard.results.runId.replace(/-shard\d+of\d+$/, '')}-merged`;
}

/** The output folder may be new, or an earlier merge's; never a run of another kind, nor a shard. */
function checkOut(out: string, shards: readonly ShardInput[]): void {
  const abs = resolve(out);
  const clash = shards.find((s) => resolve(s.dir) === abs);
  if (clash) throw new UserError(`merge --out ${out} is one of the shards; give a new folder (e.g. ${join(out, '..', 'merged')}).`);
  if (!existsSync(join(out, 'samples.jsonl'))) return;
  let merged = false;
  try {
    merged = (JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { merge?: unknown }).merge !== undefined;
  } catch {
    merged = false;
  }
  if (!merged) throw new UserError(`merge --out ${out} already holds a run that is not a merge; give a new folder.`);
}

/**
 * The full selection of a suite in dataset order, spilled to a file as finalisation reads it, and
 * the fingerprint of the samples as read (what a single run records in dataset.fingerprint).
 */
async function readSelection(p: { suite: StyledSuite; plan: RunPlan; datasets: ResolvedDataset[]; spill: string }): Promise<{ samples: SampleSpill; fingerprint: string }> {
  const hash = createHash('sha256');
  const samples = createSampleSpill(p.spill);
  const { plan } = p;
  for await (const { sample } of streamSamples({ suite: p.suite, datasets: p.datasets, ...(plan.limit !== undefined ? { limit: plan.limit } : {}), ...(plan.ids ? { ids: new Set(plan.ids) } : {}) })) {
    hashSample(hash, sample);
    samples.add(sample);
  }
  return { samples, fingerprint: `sha256:${hash.digest('hex')}` };
}

export async function mergeShards(p: MergeParams): Promise<MergeOutcome> {
  const emit = p.onEvent ?? (() => {});
  const set = await readShardSet({ dirs: p.dirs, allowPartial: p.allowPartial ?? false });
  for (const why of set.leftOut) emit({ type: 'info', message: `left out: ${why}` });
  checkOut(p.out, set.shards);
  prepareOutDir(p.out);
  const lock = acquireRunLock(p.out);
  try {
    // Nothing the merge is judged by is written until every check has passed: the union goes to a
    // scratch file, samples.jsonl, run.json and the reports come at the end.
    const scratch = join(p.out, '.merge');
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch);
    try {
      return await mergeInto({ ...p, set, scratch });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  } finally {
    lock.release();
  }
}

async function mergeInto(p: MergeParams & { set: ShardSet; scratch: string }): Promise<MergeOutcome> {
  const emit = p.onEvent ?? (() => {});
  const { set } = p;
  const journalPath = join(p.scratch, 'samples.jsonl');
  const { shards, count } = set;
  const first = shards[0];
  const identity = first.file.identity;
  const owner = await unionJournals({ shards, journal: journalPath });
  const invocations = shards.flatMap((s) => s.invocations).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const { shard: _shard, ...config } = first.config;
  const savedConfig: RunConfig = { ...config, out: p.out };
  const plan = buildPlan({ flags: savedConfig, defaults: { backend: 'onnx', data: 'hub' } });
  const journal = openJournal(journalPath);
  journal.close(); // read for scoring (reads work after close); nothing is appended
  const suiteResults: SuiteResult[] = [];
  const finalFiles = new Map<string, string>();
  for (const id of plan.suites) {
    const suite = getStyledSuite(id, plan.promptStyle);
    const shardSuite = first.results.suites.find((s) => s.id === id);
    // the data the shards read, at the revision they resolved, and no other (its fingerprint is checked)
    const revision = shardSuite?.dataset.revision ?? undefined;
    const suitePlan: RunPlan = { ...plan, ...(revision ? { revision } : {}), ...(shardSuite?.dataset.source === 'sample' ? { data: 'sample' } : {}), dataFallback: false };
    const datasets = await withFileHashes(await resolveDatasets(suitePlan, id, emit));
    const files = filesFingerprint(datasets);
    const expected = identity.suites[id]?.fingerprint;
    if (expected && files !== expected) {
      throw new UserError(`merge: ${id}: the data files here (${files.slice(7, 19)}…) are not the ones the shards read (${expected.slice(7, 19)}…). Point the merge at the same --data, Hub revision and cache as the shards.`);
    }
    const { samples, fingerprint } = await readSelection({ suite, plan, datasets, spill: join(p.scratch, `${id}.samples`) });
    const full = selectionFingerprint({ files, ...(plan.limit !== undefined ? { limit: plan.limit } : {}), ...(plan.ids ? { ids: plan.ids } : {}), total: samples.count });
    const recorded = first.file.suites[id];
    if (recorded && recorded.fingerprint !== full) {
      throw new UserError(`merge: ${id}: the full selection read here (${samples.count} samples) is not the one the shards split (${recorded.total} samples). Merge with the shards' data and selection.`);
    }
    const held = checkAssignment({ suite: id, samples, shards, owner });
    emit({ type: 'suite', suite: id, total: held.reduce((n, h) => n + h.end - h.start, 0), source: datasets[0].source });
    const { judge, judgePerf } = mergedJudge(shards, id);
    const judged = judge && suite.judging ? judgedOutcomes(journal.results.values(), id) : undefined;
    const finalFile = join(p.scratch, `${id}.final`);
    finalFiles.set(id, finalFile);
    const scores = finalizeSuite({ suite, samples: inRanges(samples, held), journal, out: finalFile, ...(judged ? { judged } : {}) });
    if (scores.missing > 0) throw new Error(`merge: ${id}: ${scores.missing} samples without a result after the assignment check`);
    const load = shardSuite?.load ?? loadSettings(plan, suite);
    // the union journal holds only the shards present: the selection's index is the filter
    const measured = await buildPerf({ journalPath, suite: id, ids: samples, isLatest: journal.isLatest, invocations, currentLoad: load });
    samples.remove();
    suiteResults.push(
      suiteResultOf({
        suite,
        scores,
        datasets,
        // a partial merge read only some shards' samples: its fingerprint is the full selection's
        // only when every shard is there
        fingerprint: set.missing.length ? `sha256:${createHash('sha256').update(fingerprint).update(`partial:${set.missing.join(',')}`).digest('hex')}` : fingerprint,
        perf: { ...measured.perf, shards: shardPerfs(shards, id) },
        load: measured.load,
        judge,
        judgePerf,
        preset: plan.preset,
      }),
    );
  }
  rewriteJournal(journal, finalFiles);
  renameSync(journalPath, join(p.out, 'samples.jsonl'));
  writeRunFile(p.out, { version: 1, identity, invocations });
  writeFileSync(join(p.out, 'config.json'), `${JSON.stringify(savedConfig, null, 2)}\n`);
  const partial = set.missing.length > 0;
  const notices = mergedNotices(shards);
  // each shard measured its own GPUs over its own windows: summed, or null when some shard has none
  const energy = mergedEnergy(shards);
  if (energy.notice) notices.push(energy.notice);
  if (partial) {
    notices.unshift(
      `PARTIAL: shard${set.missing.length > 1 ? 's' : ''} ${set.missing.map((i) => `${i}/${count}`).join(', ')} missing; these results cover ${shards.length} of ${count} shards, not the whole selection (gate refuses them).`,
    );
  }
  const results: Results = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: mergedRunId(first),
    createdAt: new Date().toISOString(),
    completed: !partial,
    notices,
    harness: harnessInfo(),
    model: first.results.model,
    hardware: mergedHardware(shards, energy.note),
    server: null,
    suites: suiteResults,
    energy: energy.energy,
    merge: {
      shards: count,
      merged: shards.map((s) => s.file.index),
      missing: set.missing,
      partial,
      sources: shards.map((s) => ({ index: s.file.index, runId: s.results.runId, hosts: hostsOf(s), samples: s.file.samples, samplesSha256: s.file.samplesSha256, energy: s.results.energy ?? null })),
    },
    memory: mergedMemory(shards),
  };
  resultsSchema.parse(results);
  writeReport(p.out, results);
  return { runDir: p.out, results, failures: runFailures(results, plan.maxErrorRate) };
}
