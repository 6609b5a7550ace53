// `vlm-harness sweep`: one plan run at rising load. Each point is a normal eval run (runEval with the
// plan buildPlan makes from the same flags, only the load changed) in its own directory under the
// sweep directory, so `compare` and `gate` work on any point. One backend serves every point; with
// --serve one server does, and its prefix and multimodal caches are emptied before each point when
// it allows (src/serve/server-endpoints.ts), so no point starts warm from the one before. The sweep
// then reads each point back (results.json, samples.jsonl) into sweep.json and its reports.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../backends/registry.ts';
import { UserError } from '../errors.ts';
import { loadRun, loadSamples } from '../report/load-run.ts';
import { runEval, type EvalEvent } from '../run/eval.ts';
import { prepareOutDir } from '../run/out-dir.ts';
import { buildPlan, type RunPlan } from '../run/plan.ts';
import type { RunConfig } from '../run/plan/run-config.ts';
import { copyLogSlice } from '../serve/log-slice.ts';
import type { ManagedServer } from '../serve/managed-server.ts';
import { resetServerCaches } from '../serve/server-endpoints.ts';
import { SERVER_LOG, withServer } from '../serve/with-server.ts';
import type { Backend } from '../types.ts';
import { nextAutoStep, type MeasuredPoint } from './auto-profile.ts';
import { buildSweep } from './build-sweep.ts';
import type { Slo } from './slo.ts';
import { measurePoint, type MeasuredSweepPoint, type PointRun } from './sweep-point.ts';
import type { Sweep, SweepPoint } from './sweep-schema.ts';
import { writeSweepReports } from './write-sweep.ts';

export interface SweepOptions {
  /** The eval flags every point shares (explicitly given ones only). */
  flags: RunConfig;
  configFile?: string;
  /** `--concurrency 1,2,4`: the loads of a concurrency sweep, or with a rate list the one cap. */
  concurrency?: number[];
  /** `--request-rate 1,2,4`. */
  requestRate?: number[];
  profile: 'list' | 'auto';
  slos: Slo[] | null;
  repeats: number;
  /** Most points `--profile auto` measures. */
  maxPoints: number;
  gpuHourCostUsd: number | null;
  /** The sweep directory; default reports/<timestamp>-<suite>-<model>-sweep. */
  out?: string;
  reportsDir?: string;
  now?: Date;
  defaults: { backend: string; data: string };
}

export type SweepEvent =
  /** A run of a point starts; `index` counts runs from 0 (repeats included). */
  | { type: 'point'; label: string; index: number; phase: SweepPoint['phase'] }
  | { type: 'eval'; event: EvalEvent }
  | { type: 'info'; message: string };

export interface SweepDeps {
  signal: AbortSignal;
  onEvent?: (e: SweepEvent) => void;
  /** Environment for the GPU tools and the backend; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface SweepOutcome {
  sweepDir: string;
  sweep: Sweep;
  files: string[];
  interrupted: boolean;
  /**
   * Set when every point failed as a run (every sample errored, or --max-error-rate): the sweep
   * measured nothing. A few failed points are a finding (a load the server cannot take) and are noted.
   */
  failures: string[];
}

/** Concurrency when a request-rate sweep gives no cap: high enough that the rate, not the cap, sets the load. */
export const RATE_SWEEP_CONCURRENCY = 256;

interface LoadSpec {
  concurrency: number | null;
  requestRate: number | null;
}

function checkLoads(o: SweepOptions): Sweep['load'] {
  if (o.profile === 'auto') {
    if (o.requestRate) throw new UserError('--profile auto sweeps concurrency (from 1, doubling); drop --request-rate, or drop --profile auto and list the rates.');
    if (o.concurrency) throw new UserError('--profile auto chooses the concurrencies itself; drop --concurrency, or drop --profile auto.');
    return 'concurrency';
  }
  if (o.requestRate) {
    if (o.concurrency && o.concurrency.length > 1) throw new UserError('A sweep varies one thing: with --request-rate 1,2,4 give at most one --concurrency (the cap on requests in flight).');
    return 'request-rate';
  }
  if (!o.concurrency) throw new UserError('sweep: give the loads, e.g. --concurrency 1,2,4,8,16,32 or --request-rate 1,2,4,8, or let --profile auto choose them.');
  return 'concurrency';
}

function pointName(l: LoadSpec, load: Sweep['load'], repeat: number, repeats: number): string {
  const base = load === 'concurrency' ? `c${l.concurrency}` : `r${l.requestRate}`;
  return repeats > 1 ? `${base}-${repeat + 1}` : base;
}

function checkSweepDir(dir: string): void {
  if (!existsSync(dir)) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw new UserError(`--out ${dir} is not a folder.`);
  }
  if (entries.length > 0) {
    throw new UserError(`--out ${dir} is not empty${entries.includes('sweep.json') ? ' (it holds a sweep)' : ''}. A sweep writes its points there as fresh runs; choose a new folder.`);
  }
}

export async function runSweep(o: SweepOptions, deps: SweepDeps): Promise<SweepOutcome> {
  const load = checkLoads(o);
  const emit = deps.onEvent ?? (() => {});
  const planFor = (l: LoadSpec, out: string): RunPlan =>
    buildPlan({
      flags: {
        ...o.flags,
        ...(l.concurrency !== null ? { concurrency: l.concurrency } : {}),
        ...(l.requestRate !== null ? { requestRate: l.requestRate } : {}),
        out,
      },
      ...(o.configFile ? { configFile: o.configFile } : {}),
      defaults: o.defaults,
    });
  // the first plan checks every flag before anything starts
  const now = o.now ?? new Date();
  const probe = buildPlan({ flags: o.flags, ...(o.configFile ? { configFile: o.configFile } : {}), now, ...(o.reportsDir ? { reportsDir: o.reportsDir } : {}), defaults: o.defaults });
  if (probe.suites.length !== 1) throw new UserError(`A sweep measures one suite (its curves and accuracy are per suite); got ${probe.suites.join(', ')}. Run one sweep per suite.`);
  const sweepDir = o.out ?? join(o.reportsDir ?? 'reports', `${probe.runId}-sweep`);
  checkSweepDir(sweepDir);
  prepareOutDir(sweepDir);
  const rateCap = load === 'request-rate' ? (o.concurrency?.[0] ?? o.flags.concurrency ?? RATE_SWEEP_CONCURRENCY) : null;
  const notes: string[] = [];
  if (load === 'request-rate' && !o.concurrency && o.flags.concurrency === undefined) notes.push(`No --concurrency given: at most ${RATE_SWEEP_CONCURRENCY} requests in flight, so the rate sets the load.`);

  const measured: MeasuredSweepPoint[] = [];
  let serveRecord: Sweep['serve'] = null;
  let interrupted = false;
  let failure: unknown = null;
  let samplesPerPoint = Infinity;
  let runsStarted = 0;
  const failedRuns: string[] = [];
  let cacheResetAvailable: boolean | null = null;

  const runPoint = async (l: LoadSpec, phase: SweepPoint['phase'], backend: Backend, server: ManagedServer | null): Promise<MeasuredSweepPoint | null> => {
    const runs: PointRun[] = [];
    let cacheReset: boolean | null = null;
    for (let r = 0; r < o.repeats; r++) {
      const name = pointName(l, load, r, o.repeats);
      emit({ type: 'point', label: name, index: runsStarted++, phase });
      const dir = join(sweepDir, name);
      const logFrom = server?.logSize() ?? 0;
      if (probe.backend === 'openai' && probe.baseUrl) {
        // once the server has said it has no such endpoint, do not ask again
        cacheReset = cacheResetAvailable === false ? false : await resetServerCaches({ baseUrl: probe.baseUrl });
        if (!cacheReset && cacheResetAvailable === null) emit({ type: 'info', message: 'the server has no POST /reset_prefix_cache (vLLM serves it with VLLM_SERVER_DEV_MODE=1): points may start with a warm cache' });
        cacheResetAvailable ??= cacheReset;
      }
      const outcome = await runEval(planFor(l, dir), {
        signal: deps.signal,
        backend,
        onEvent: (event) => {
          // the samples a point can draw on (the data's rows, capped by --limit): more concurrency is idle
          if (event.type === 'suite' && event.total !== null) samplesPerPoint = Math.min(samplesPerPoint, event.total);
          emit({ type: 'eval', event });
        },
        ...(deps.env ? { env: deps.env } : {}),
        ...(server ? { serve: { ...server.record, cacheReset } } : {}),
      });
      if (server) copyLogSlice({ from: join(sweepDir, SERVER_LOG), start: logFrom, end: server.logSize(), to: join(dir, SERVER_LOG) });
      for (const f of outcome.failures) failedRuns.push(`${name}: ${f}`);
      const run = loadRun(dir);
      runs.push({ runDir: name, results: run.results, samples: loadSamples(run) ?? [] });
      if (outcome.interrupted) {
        interrupted = true;
        break;
      }
    }
    if (runs.length === 0) return null;
    const point = measurePoint({ runs, ...l, phase, order: measured.length, slos: o.slos, gpuHourCostUsd: o.gpuHourCostUsd, cacheReset });
    measured.push(point);
    return point;
  };

  const backend = await createBackend(probe.backend, probe, { ...(deps.env ? { env: deps.env } : {}) });
  try {
    await withServer({ plan: probe, dir: sweepDir, signal: deps.signal, onInfo: (message) => emit({ type: 'info', message }) }, async (server) => {
      serveRecord = server?.record ?? null;
      try {
        if (o.profile === 'auto') {
          const history: MeasuredPoint[] = [];
          for (;;) {
            const step = nextAutoStep({ measured: history, budget: o.maxPoints, maxLoad: samplesPerPoint });
            if (step.done) {
              notes.push(`--profile auto stopped: ${step.reason}.`);
              break;
            }
            const point = await runPoint({ concurrency: step.load, requestRate: null }, step.phase, backend, server);
            if (!point || interrupted) break;
            history.push({ load: step.load, outputTokensPerSec: point.outputTokensPerSec, latencyMs: point.e2elMs.p50, sloPass: point.sloPass, clientSaturated: point.clientSaturated === true });
          }
        } else {
          const loads: LoadSpec[] =
            load === 'concurrency' ? o.concurrency!.map((c) => ({ concurrency: c, requestRate: null })) : o.requestRate!.map((r) => ({ concurrency: rateCap, requestRate: r }));
          for (const l of loads) {
            if (deps.signal.aborted) interrupted = true;
            if (interrupted || !(await runPoint(l, 'list', backend, server)) || interrupted) break;
          }
        }
      } catch (e) {
        failure = e; // the points measured so far are still written out below
      }
    });
  } finally {
    await backend.close?.();
  }
  if (load === 'concurrency' && Number.isFinite(samplesPerPoint)) {
    const over = measured.filter((p) => (p.concurrency ?? 0) > samplesPerPoint).map((p) => p.concurrency);
    if (over.length) notes.push(`Concurrency ${over.join(', ')} is more than the ${samplesPerPoint} samples of a point: at most ${samplesPerPoint} requests were in flight there.`);
  }
  if (failedRuns.length) notes.push(`Runs that failed (their points are in the table, with their errors): ${failedRuns.join('; ')}.`);
  const first = measured.length ? loadRun(join(sweepDir, measured[0].runDir)).results : null;
  const gpu = first?.hardware.gpus[0];
  const sweep = buildSweep(
    {
      sweepId: sweepDir.replace(/^.*[\\/](?=[^\\/]+$)/, ''),
      createdAt: now.toISOString(),
      completed: !interrupted && failure === null && measured.length > 0 && measured.every((p) => p.completed),
      suite: probe.suites[0],
      model: first ? first.model : { id: probe.model ?? probe.backend, backend: probe.backend, dtype: probe.dtype ?? null },
      hardware: { label: first?.hardware.label ?? null, gpu: gpu ? (gpu.model ?? gpu.name) : null, gpuCount: first?.hardware.gpuCount ?? 0 },
      load,
      profile: o.profile,
      slo: o.slos,
      limit: probe.limit ?? null,
      durationSec: probe.durationSec ?? null,
      repeats: o.repeats,
      gpuHourCostUsd: o.gpuHourCostUsd,
      notes,
      serve: serveRecord,
    },
    measured,
  );
  const files = await writeSweepReports(sweepDir, sweep);
  if (failure) throw failure;
  const allFailed = runsStarted > 0 && new Set(failedRuns.map((f) => f.slice(0, f.indexOf(':')))).size === runsStarted;
  return { sweepDir, sweep, files, interrupted, failures: allFailed ? failedRuns : [] };
}
