// `npm run eval`: the RunPlan → for each suite (data → backend → journal → final scores) → Report
// pipeline of ../shared/design.md. Returns what happened; the CLI prints it and picks the exit code.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getStyledSuite, getSuite } from '../../suites/index.ts';
import type { OnnxProgress } from '../backends/onnx.ts';
import { createBackend } from '../backends/registry.ts';
import { createServerMetricsWatcher } from '../backends/server-metrics.ts';
import { filesFingerprint, withFileHashes } from '../data/files-fingerprint.ts';
import { readParquetInfo } from '../data/parquet-rows.ts';
import { damagedFileFix, resolveLocalDataset, suiteOptions, type ResolvedDataset } from '../data/dataset.ts';
import { DatasetUnavailableError, resolveHubDataset, type DatasetProgress } from '../data/hub-dataset.ts';
import { UserError } from '../errors.ts';
import { HubNotFoundError } from '../hub/errors.ts';
import { judgeFromPlan } from '../judge/from-plan.ts';
import { extractionNotes, judgeSuite, type JudgeSuiteResult } from '../judge/judge-suite.ts';
import { PACKAGE_ROOT, packagePath } from '../package-root.ts';
import { SATURATION_MESSAGE } from '../load/client-check.ts';
import { RESULTS_SCHEMA_VERSION, resultsSchema, type Results, type SuiteResult } from '../report/schema.ts';
import type { ServeRecord } from '../serve/serve-schema.ts';
import { computeEnergy, type TimeWindow } from '../telemetry/energy.ts';
import { probeHardware } from '../telemetry/probe.ts';
import { startSampler } from '../telemetry/sampler.ts';
import { writeReport } from '../report/write-report.ts';
import { writeShardFile, type SuiteShard } from '../shard/shard-record.ts';
import { checkRunDirShard, shardSelection } from '../shard/shard-selection.ts';
import { schedulerSlot } from '../shard/shard-spec.ts';
import type { Backend, DatasetSpec, ModelInfo } from '../types.ts';
import { finalizeSuite } from './finalize.ts';
import { planIdentity, type RunIdentity } from './identity.ts';
import { loadSettings } from './load-settings.ts';
import { prepareOutDir } from './out-dir.ts';
import { openRunRecord, type RunRecord } from './run-record.ts';
import { acquireRunLock } from './run-lock.ts';
import { runFailures } from './run-verdict.ts';
import { openJournal, rewriteJournal } from './journal.ts';
import { buildPerf } from './perf.ts';
import { timestampId, type RunPlan } from './plan.ts';
import { runSuite, type SuiteProgress } from './run-suite.ts';
import { endpointDelta } from './endpoint-counts.ts';
import { judgePerfOf, suiteResultOf } from './suite-result.ts';

export type EvalEvent =
  | { type: 'start'; runDir: string; model: ModelInfo; resumed: number; repairedLines: number }
  | { type: 'suite'; suite: string; total: number | null; source: string }
  | { type: 'progress'; progress: SuiteProgress }
  | { type: 'notice'; message: string }
  | { type: 'info'; message: string }
  | { type: 'data'; event: DatasetProgress }
  | { type: 'judge'; suite: string; done: number; total: number }
  | { type: 'model'; event: OnnxProgress };

export interface EvalOutcome {
  runDir: string;
  results: Results;
  interrupted: boolean;
  /** Why the run failed although it completed (run-verdict.ts); empty when it passed or was interrupted. */
  failures: string[];
}

export const SAMPLE_NOTICE =
  'Data: the bundled synthetic sample (datasets/README.md), not the real benchmark. These scores say nothing about the model.';

export function harnessInfo(): Results['harness'] {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  let gitCommit: string | null = null;
  // Only a checkout of the harness has a commit: an installed copy (node_modules/vlm-harness) has no
  // .git, and asking git there would record the commit of whatever project contains it.
  if (!existsSync(join(PACKAGE_ROOT, '.git'))) return { version: pkg.version, gitCommit };
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 })
      .toString()
      .trim();
  } catch {
    gitCommit = null;
  }
  return { version: pkg.version, gitCommit };
}

/** lmms-eval moved its datasets from `lmms-lab` to `lmms-lab-encoder` (datasets.md §0); either may hold a copy. */
const LMMS_ORGS = ['lmms-lab-encoder', 'lmms-lab'];

async function resolveOnHub(spec: DatasetSpec, plan: RunPlan, emit: (e: EvalEvent) => void): Promise<ResolvedDataset> {
  const opts = { ...(plan.revision ? { revision: plan.revision } : {}), onProgress: (p: DatasetProgress) => emit({ type: 'data', event: p }) };
  try {
    return await resolveHubDataset(spec, opts);
  } catch (e) {
    const [org, name] = spec.repo.split('/');
    const other = LMMS_ORGS.find((o) => o !== org);
    if (!(e instanceof HubNotFoundError && e.missing === 'repo' && LMMS_ORGS.includes(org) && other)) throw e;
    emit({ type: 'info', message: `${spec.repo} not found; trying ${other}/${name}` });
    return resolveHubDataset({ ...spec, repo: `${other}/${name}` }, opts);
  }
}

/** A suite's datasets as the plan names them (Hub, bundled sample or local files); also used by `meta-evals`. */
export async function resolveDatasets(plan: RunPlan, suiteId: string, emit: (e: EvalEvent) => void): Promise<ResolvedDataset[]> {
  const suite = getSuite(suiteId);
  const specs = suite.datasets(suiteOptions({ lmmsOrg: plan.lmmsOrg, ...(plan.subjects ? { subjects: plan.subjects } : {}), ...(plan.split ? { split: plan.split } : {}) }));
  if (plan.data !== 'hub') return Promise.all(specs.map((spec) => resolveLocalDataset(suite, spec, plan.data, { mirror: specs.length > 1 })));
  const datasets: ResolvedDataset[] = [];
  try {
    // one at a time: downloads share the link
    for (const spec of specs) datasets.push(await resolveOnHub(spec, plan, emit));
  } catch (e) {
    // Only the embedded default (no --data given) falls back, and says so loudly; an explicit
    // --data hub fails with the Hub's reason.
    if (!(e instanceof DatasetUnavailableError) || !plan.dataFallback) throw e;
    emit({ type: 'info', message: `${e.message} Falling back to the bundled sample.` });
    return Promise.all(specs.map((spec) => resolveLocalDataset(suite, spec, 'sample')));
  }
  return datasets;
}

async function countRows(datasets: readonly ResolvedDataset[], plan: RunPlan): Promise<number | null> {
  if (plan.ids) return plan.ids.length;
  let n = 0;
  for (const ds of datasets) for (const f of ds.files) n += (await readParquetInfo(f.path, { fix: damagedFileFix(ds.source) })).numRows;
  return plan.limit !== undefined ? Math.min(n, plan.limit) : n;
}

export interface EvalDeps {
  signal: AbortSignal;
  onEvent?: (e: EvalEvent) => void;
  /** A ready backend instead of one made from the plan (tests, embedding). */
  backend?: Backend;
  /** Environment for the GPU tools (PATH); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The server `--serve` started for this run (src/serve/), recorded in results.json. */
  serve?: ServeRecord;
}

/** Backends that take a raw prompt past the chat template in the Llama 3 dialog format. */
const RAW_PROMPT_BACKENDS = ['transformers', 'replay'];

export async function runEval(plan: RunPlan, deps: EvalDeps): Promise<EvalOutcome> {
  const emit = deps.onEvent ?? (() => {});
  // unknown suites, and suites without the asked-for prompt style, fail before anything starts
  plan.suites.forEach((id) => getStyledSuite(id, plan.promptStyle));
  if (plan.rawPrompt && !deps.backend && !RAW_PROMPT_BACKENDS.includes(plan.backend)) {
    throw new UserError(
      `--raw-prompt sends Llama 3 dialog text past the chat template, which only --backend transformers can do; ` +
        `backend '${plan.backend}' applies its own template to the image and text parts. Drop --raw-prompt.`,
    );
  }
  // so do an --out that cannot hold the run, a directory another invocation is writing, and a run
  // directory whose identity the plan would change: all before any model loads
  prepareOutDir(plan.runDir);
  // a shard run by a scheduler may take over the lock an earlier attempt of its slot left on another host
  const slot = plan.shard ? schedulerSlot(deps.env ?? process.env) : undefined;
  const lock = acquireRunLock(plan.runDir, slot ? { slot } : {});
  try {
    const was = lock.tookOverFrom;
    if (was) emit({ type: 'info', message: `took over the lock of process ${was.pid}${was.slot ? ` on host ${was.host} (an earlier attempt of ${was.slot})` : ''} (started ${was.startedAt}), which is no longer running` });
    const record = openRunRecord(plan.runDir, plan);
    // a directory with results holds one shard (or none) for good
    if (record.bound) checkRunDirShard(plan.runDir, plan.shard);
    const identity = planIdentity(plan);
    record.check(identity);
    if (deps.backend) return await evaluate(plan, deps, deps.backend, { record, identity }); // a backend handed in belongs to the caller
    const backend = await createBackend(plan.backend, plan, { ...(deps.env ? { env: deps.env } : {}), onProgress: (e) => emit({ type: 'model', event: e }) });
    try {
      return await evaluate(plan, deps, backend, { record, identity });
    } finally {
      await backend.close?.();
    }
  } finally {
    lock.release();
  }
}

/** A new invocation's id: its start time and a random suffix (two invocations may start in one second). */
function invocationId(now: Date): string {
  return `${timestampId(now)}-${randomBytes(3).toString('hex')}`;
}

async function evaluate(plan: RunPlan, deps: EvalDeps, backend: Backend, run: { record: RunRecord; identity: RunIdentity }): Promise<EvalOutcome> {
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
        const found = new Set<string>();
        if (!sharding) for (const s of outcome.samples.read()) found.add(s.id);
        const absent = sharding ? sharding.absentIds : plan.ids.filter((id) => !found.has(id));
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
