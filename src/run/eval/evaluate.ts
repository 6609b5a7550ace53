// The pipeline of one `npm run eval` invocation once its run directory is locked and its backend
// made (../eval.ts): for each suite data → backend → journal → judge → final scores and perf, with
// the telemetry sampler beside it, then results.json and the report writers.

import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getStyledSuite } from '../../../suites/index.ts';
import { createServerMetricsWatcher } from '../../backends/server-metrics.ts';
import { filesFingerprint, withFileHashes } from '../../data/files-fingerprint.ts';
import { readParquetInfo } from '../../data/parquet-rows.ts';
import { damagedFileFix, type ResolvedDataset } from '../../data/dataset.ts';
import { judgeFromPlan } from '../../judge/from-plan.ts';
import { extractionNotes, judgeSuite, type JudgeSuiteResult } from '../../judge/judge-suite.ts';
import { SATURATION_MESSAGE } from '../../load/client-check.ts';
import { RESULTS_SCHEMA_VERSION, resultsSchema, type Results, type SuiteResult } from '../../report/schema.ts';
import { computeEnergy, type TimeWindow } from '../../telemetry/energy.ts';
import { probeHardware } from '../../telemetry/probe.ts';
import { startSampler } from '../../telemetry/sampler.ts';
import { writeReport } from '../../report/write-report.ts';
import { writeShardFile, type SuiteShard } from '../../shard/shard-record.ts';
import { shardSelection } from '../../shard/shard-selection.ts';
import type { Backend } from '../../types.ts';
import type { EvalDeps, EvalOutcome } from '../eval.ts';
import { finalizeSuite } from '../finalize.ts';
import type { RunIdentity } from '../identity.ts';
import { loadSettings } from '../load-settings.ts';
import type { RunRecord } from '../run-record.ts';
import { runFailures } from '../run-verdict.ts';
import { openJournal, rewriteJournal } from '../journal.ts';
import { buildPerf } from '../perf.ts';
import { timestampId, type RunPlan } from '../plan.ts';
import { runSuite } from '../run-suite.ts';
import { endpointDelta } from '../endpoint-counts.ts';
import { judgePerfOf, suiteResultOf } from '../suite-result.ts';
import { harnessInfo } from './harness-info.ts';
import { resolveDatasets } from './resolve-datasets.ts';

export const SAMPLE_NOTICE =
  'Data: the bundled synthetic sample (datasets/README.md), not the real benchmark. These scores say nothing about the model.';

async function countRows(datasets: readonly ResolvedDataset[], plan: RunPlan): Promise<number | null> {
  if (plan.ids) return plan.ids.length;
  let n = 0;
  for (const ds of datasets) for (const f of ds.files) n += (await readParquetInfo(f.path, { fix: damagedFileFix(ds.source) })).numRows;
  return plan.limit !== undefined ? Math.min(n, plan.limit) : n;
}

/** A new invocation's id: its start time and a random suffix (two invocations may start in one second). */
function invocationId(now: Date): string {
  return `${timestampId(now)}-${randomBytes(3).toString('hex')}`;
}

export async function evaluate(plan: RunPlan, deps: EvalDeps, backend: Backend, run: { record: RunRecord; identity: RunIdentity }): Promise<EvalOutcome> {
  const emit = deps.onEvent ?? (() => {});
  const suitesToRun = plan.suites.map((id) => getStyledSuite(id, plan.promptStyle));
  const model = await backend.describe();
  const runDir = plan.runDir;
  // The model as loaded (a fallback, a served name) is part of the identity: checked before anything
  // is written. The dtype is what the backend loaded (the fallback model is fp32 whatever was asked);
  // a server's is unknown to the client, so the --dtype given is recorded.
  const identity: RunIdentity = { ...run.identity, model: model.id, dtype: model.dtype ?? plan.dtype ?? null };
  run.record.check(identity);
  writeFileSync(join(runDir, 'config.json'), `${JSON.stringify(plan.savedConfig, null, 2)}\n`);
  const invocation = invocationId(new Date());
  run.record.startInvocation(invocation, new Date());
  const journal = openJournal(join(runDir, 'samples.jsonl'), { invocation });
  const notices: string[] = [];
  if (model.notice) notices.push(model.notice);
  emit({ type: 'start', runDir, model, resumed: journal.results.size, repairedLines: journal.repairedLines });
  for (const n of notices) emit({ type: 'notice', message: n });
  const judge = plan.judge ? judgeFromPlan(plan.judge, { runDir, maxRetries: plan.maxRetries, ...(deps.env ? { env: deps.env } : {}) }) : null;
  // the judge's name is part of every cache key and of results.json: resolve it before any work
  const judgeId = judge ? await judge.identity() : null;

  const telemetryCmd = plan.telemetryCmd ? plan.telemetryCmd.split(/\s+/).filter(Boolean) : undefined;
  const hardware = await probeHardware({
    ...(deps.env ? { env: deps.env } : {}),
    ...(telemetryCmd ? { telemetryCmd } : {}),
    ...(plan.hardwareLabel ? { label: plan.hardwareLabel } : {}),
  });
  if (hardware.gpus.length === 0) emit({ type: 'info', message: `no GPU recorded: ${hardware.notes.join('; ') || 'no GPU tool answered'}` });
  const sampler = startSampler({
    tool: hardware.tool,
    ...(plan.gpus ? { gpus: plan.gpus } : {}),
    intervalMs: plan.telemetryIntervalSec * 1000,
    ...(deps.env ? { env: deps.env } : {}),
    ...(telemetryCmd ? { telemetryCmd } : {}),
  });

  const serverWatcher = backend.metricsUrl ? createServerMetricsWatcher({ url: backend.metricsUrl }) : null;
  await serverWatcher?.start();
  let telemetryDone: ReturnType<typeof sampler.stop>;
  let serverDone: Promise<Results['server']>;
  const suiteResults: SuiteResult[] = [];
  /** Each finalised suite's final samples.jsonl lines, in a file until the journal is rewritten. */
  const finalFiles = new Map<string, string>();
  // what energy is integrated over: the suites' generation windows, and the tokens made in them
  const windows: TimeWindow[] = [];
  let windowTokens = 0;
  const shardSuites: Record<string, SuiteShard> = {};
  let interrupted = false;
  try {
    for (const suite of suitesToRun) {
      if (deps.signal.aborted) {
        interrupted = true;
        break;
      }
      const datasets = await withFileHashes(await resolveDatasets(plan, suite.id, emit));
      const source = datasets[0].source;
      // the data files are part of the identity too: checked before any sample is read
      run.record.check({ ...identity, suites: { ...identity.suites, [suite.id]: { ...identity.suites[suite.id], fingerprint: filesFingerprint(datasets), source } } });
      if (source === 'sample' && !notices.includes(SAMPLE_NOTICE)) {
        notices.push(SAMPLE_NOTICE);
        emit({ type: 'notice', message: SAMPLE_NOTICE });
      }
      const rows = await countRows(datasets, plan);
      // a shard runs its range of the selection (src/shard/); the selection itself is the same for all
      const sharding = plan.shard ? await shardSelection({ suite, datasets, shard: plan.shard, rows, ...(plan.limit !== undefined ? { limit: plan.limit } : {}), ...(plan.ids ? { ids: plan.ids } : {}) }) : null;
      if (sharding) shardSuites[suite.id] = sharding.record;
      const total = sharding ? sharding.count : rows;
      emit({ type: 'suite', suite: suite.id, total, source });
      const notes = extractionNotes(suite, judgeId);
      if (notes.info) emit({ type: 'info', message: notes.info });
      if (notes.notice && !notices.includes(notes.notice)) {
        notices.push(notes.notice);
        emit({ type: 'notice', message: notes.notice });
      }
      const endpointsBefore = backend.endpoints?.() ?? null;
      const outcome = await runSuite({
        suite,
        datasets,
        backend,
        journal,
        concurrency: plan.concurrency,
        timeoutMs: plan.requestTimeoutSec * 1000,
        maxRetries: plan.maxRetries,
        ...(sharding ? sharding.stream : { ...(plan.limit !== undefined ? { limit: plan.limit } : {}), ...(plan.ids ? { ids: new Set(plan.ids) } : {}) }),
        retryErrors: plan.retryErrors,
        ...(plan.requestRate ? { requestRate: plan.requestRate } : {}),
        warmup: plan.warmup,
        ...(plan.durationSec ? { durationSec: plan.durationSec } : {}),
        total,
        rawPrompt: plan.rawPrompt,
        ...(plan.conversation ? { conversation: plan.conversation } : {}),
        signal: deps.signal,
        onProgress: (progress) => emit({ type: 'progress', progress }),
      });
      if (outcome.produced > 0 && outcome.window) {
        windows.push(outcome.window);
        windowTokens += outcome.outputTokens;
      }
      const generatedAt = Date.now(); // the end of the generation phase on the wall clock (run.json places it)
      if (plan.ids) {
        // the sample spill indexes the ids it holds: no need to read it back
        const absent = sharding ? sharding.absentIds : plan.ids.filter((id) => !outcome.samples.has(id));
        if (absent.length) emit({ type: 'notice', message: `${suite.id}: --ids not found in the data: ${absent.slice(0, 10).join(', ')}${absent.length > 10 ? ', …' : ''}` });
      }
      let judged: JudgeSuiteResult | null = null;
      if (judge && suite.judging && !outcome.interrupted && !deps.signal.aborted) {
        judged = await judgeSuite({
          suite,
          judging: suite.judging,
          stubs: outcome.samples.read(),
          results: journal.results,
          judge,
          signal: deps.signal,
          onProgress: (done, n) => emit({ type: 'judge', suite: suite.id, done, total: n }),
        });
      }
      // with a judge, a sample it has not read yet is unfinished, never scored by the rules instead
      const outcomes = judged?.outcomes ?? (judge && suite.judging ? new Map() : undefined);
      const load = loadSettings(plan, suite);
      // this suite's requests per endpoint; the judge phase has its own client
      const endpoints = endpointsBefore && backend.endpoints ? endpointDelta(endpointsBefore, backend.endpoints()) : null;
      run.record.recordSuite(suite.id, {
        durationSec: outcome.durationSec,
        startedAt: new Date(generatedAt - outcome.durationSec * 1000).toISOString(),
        generated: outcome.produced,
        load,
        client: outcome.client,
        ...(endpoints ? { endpoints } : {}),
      });
      const finalFile = join(runDir, `.${suite.id}.final.tmp`);
      finalFiles.set(suite.id, finalFile);
      const scores = finalizeSuite({ suite, samples: outcome.samples.read(), journal, out: finalFile, ...(outcomes ? { judged: outcomes } : {}) });
      const measured = await buildPerf({
        journalPath: journal.path,
        suite: suite.id,
        ids: outcome.samples,
        isLatest: journal.isLatest,
        invocations: run.record.invocations,
        currentLoad: load,
      });
      outcome.samples.remove();
      interrupted ||= outcome.interrupted || scores.missing > 0 || Boolean(judged?.interrupted);
      const client = outcome.client;
      if (client?.saturated) {
        const message = `${SATURATION_MESSAGE} (${suite.id}: ${client.reason})`;
        notices.push(message);
        emit({ type: 'notice', message });
      } else if (client?.reason) {
        emit({ type: 'info', message: `${suite.id}: ${client.reason}` });
      }
      suiteResults.push(
        suiteResultOf({
          suite,
          scores,
          datasets,
          fingerprint: outcome.fingerprint,
          perf: measured.perf,
          load: measured.load,
          judge: judgeId ? { ...judgeId, calls: judged?.stats.calls ?? 0, cacheHits: judged?.stats.cacheHits ?? 0 } : null,
          judgePerf: judged ? judgePerfOf(judged.stats) : null,
          preset: plan.preset,
          ...(plan.conversation ? { conversation: plan.conversation } : {}),
        }),
      );
      if (interrupted) break;
    }
  } catch (e) {
    run.record.finishInvocation('failed', new Date());
    throw e;
  } finally {
    journal.close();
    telemetryDone = sampler.stop();
    serverDone = serverWatcher?.stop() ?? Promise.resolve(null);
  }
  run.record.finishInvocation(interrupted ? 'interrupted' : 'completed', new Date());
  const telemetry = await telemetryDone;
  const server = await serverDone;
  const energy = computeEnergy({ trace: sampler.powerTrace(), windows, outputTokens: windowTokens });
  if (energy.note) hardware.notes.push(energy.note);
  try {
    // samples.jsonl ends as the final record: each suite's samples once, in dataset order, with the
    // corpus-aware scores; results of suites not run this time are kept as they were.
    if (!interrupted) rewriteJournal(journal, finalFiles);
  } finally {
    for (const f of finalFiles.values()) rmSync(f, { force: true });
  }

  const results: Results = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: plan.runId,
    createdAt: new Date().toISOString(),
    completed: !interrupted,
    notices,
    harness: harnessInfo(),
    model: { id: model.id, backend: model.backend, dtype: identity.dtype ?? null },
    hardware,
    server,
    suites: suiteResults,
    energy: energy.energy,
    ...(deps.serve ? { serve: deps.serve } : {}),
    ...(plan.shard ? { shard: plan.shard } : {}),
    memory: {
      peakRssMiB: telemetry.peakRssMiB,
      peakVramMiB: telemetry.peakVramMiB,
      meanVramMiB: telemetry.meanVramMiB,
      tool: telemetry.tool,
      samples: telemetry.samples,
      telemetry,
      backend: backend.report?.() ?? null,
    },
  };
  resultsSchema.parse(results);
  writeReport(runDir, results);
  if (plan.shard && run.record.bound) {
    await writeShardFile({ runDir, shard: plan.shard, completed: !interrupted, identity: run.record.bound, harness: results.harness, suites: shardSuites });
  }
  return { runDir, results, interrupted, failures: interrupted ? [] : runFailures(results, plan.maxErrorRate) };
}
