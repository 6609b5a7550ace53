// The hardware comparison as plain data, before any writer formats it: one row per (model,
// backend, GPU model x count, dtype, hardware label), each suite's headline figures per row, and
// ratios against a reference row. Runs with the same identity (suites run separately) merge into
// one row. Accuracy from different data (dataset fingerprint or suite version) is flagged, never
// silently put side by side; performance ratios are only taken between equal load settings; runs
// on the tiny fallback model or on the bundled synthetic sample are flagged.

import { unknownName } from '../../errors.ts';
import type { SampleResult } from '../../types.ts';
import { describeLoad, loadDifferences } from '../load-compare.ts';
import { SATURATION_MESSAGE } from '../../load/client-check.ts';
import type { LoadedRun } from '../load-run.ts';
import { runCaveats } from '../run-caveats.ts';
import type { LoadSettings, SuiteResult } from '../schema.ts';

export interface CompareRow {
  /** Unique short name: the hardware label, else `<count>x <GPU>` (disambiguated by dtype, model). */
  label: string;
  hardwareLabel: string | null;
  model: string;
  backend: string;
  dtype: string | null;
  gpu: string;
  gpuCount: number;
  /** Memory of the recorded GPUs together; null when a GPU did not report it. */
  vramTotalMiB: number | null;
  runs: LoadedRun[];
  /** Highest peak VRAM over the row's runs. */
  peakVramMiB: number | null;
  /** Highest peak host RSS over the row's runs (what a CPU run's memory chart shows). */
  peakRssMiB: number | null;
  /** Output tokens per joule over the row's runs that measured energy (Σ tokens / Σ J); null when none did. */
  outputTokensPerJoule: number | null;
  /** Mean GPU power over those runs' generation time, all GPUs together (W). */
  avgPowerW: number | null;
}

export interface SuiteCell {
  run: LoadedRun;
  result: SuiteResult;
  value: number | null;
  ci: [number, number] | null;
  outputTokensPerSec: number | null;
  requestsPerSec: number | null;
  ttftP50Ms: number | null;
  ttftP99Ms: number | null;
  tpotP50Ms: number | null;
  /** Peak VRAM of the run that produced this suite. */
  peakVramMiB: number | null;
  /** Row ÷ reference row, same suite; null when either figure is missing. */
  throughputRatio: number | null;
  ttftP50Ratio: number | null;
  vramRatio: number | null;
  /** False when this cell's suite version or dataset differs from the reference data of the column. */
  sameData: boolean;
  /** The load the figures were measured under (null in runs made before it was recorded). */
  load: LoadSettings | null;
  /**
   * False when the load differs from the reference cell's, or either pools invocations under
   * different loads: the performance ratios are then left out (null).
   */
  sameLoad: boolean;
  /** The run's load generator could not keep up: its latency and throughput are not trustworthy. */
  clientSaturated: boolean;
}

export interface SuiteColumn {
  id: string;
  primaryMetric: string;
  /** Parallel to `rows`; null when a row did not run the suite. */
  cells: Array<SuiteCell | null>;
  /** Set when the rows' data differ: accuracy values in this column are not comparable. */
  dataWarning: string | null;
  /** Set when rows ran under other loads than the reference: their performance ratios are left out. */
  loadWarning: string | null;
}

export interface Comparison {
  rows: CompareRow[];
  referenceIndex: number;
  suites: SuiteColumn[];
  warnings: string[];
}

function gpuOf(run: LoadedRun): { gpu: string; count: number; vramTotalMiB: number | null } {
  const h = run.results.hardware;
  const first = h.gpus[0];
  if (!first) return { gpu: 'no GPU', count: 0, vramTotalMiB: null };
  const totals = h.gpus.map((g) => g.vramTotalMiB);
  return {
    gpu: first.model ?? first.name ?? 'unknown GPU',
    count: h.gpuCount,
    vramTotalMiB: totals.every((t): t is number => t !== null) ? totals.reduce((a, b) => a + b, 0) : null,
  };
}

/** A row's energy: its runs' joules, tokens and seconds added up (runs without a power reading left out). */
function rowEnergy(runs: readonly LoadedRun[]): Pick<CompareRow, 'outputTokensPerJoule' | 'avgPowerW'> {
  let joules = 0;
  let tokens = 0;
  let seconds = 0;
  for (const run of runs) {
    const e = run.results.energy;
    if (!e) continue;
    joules += e.energyJ;
    tokens += e.outputTokens;
    seconds += e.durationSec;
  }
  return { outputTokensPerJoule: joules > 0 ? tokens / joules : null, avgPowerW: seconds > 0 ? joules / seconds : null };
}

function ratioOf(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function dataKey(s: SuiteResult): string {
  // prompt styles version their prompts separately, so the style is part of what was evaluated
  return `${s.promptStyle ?? 'lmms-eval'} v${s.version} · ${s.dataset.fingerprint.replace(/^sha256:/, '').slice(0, 12)}`;
}

function uniqueLabels(rows: readonly CompareRow[], base: (r: CompareRow) => string): string[] {
  const steps: Array<(r: CompareRow) => string> = [base, (r) => `${base(r)} ${r.dtype ?? ''}`.trim(), (r) => `${base(r)} ${r.dtype ?? ''} ${r.model.split('/').pop()}`.trim()];
  for (const step of steps) {
    const labels = rows.map(step);
    if (new Set(labels).size === labels.length) return labels;
  }
  return rows.map((r, i) => `${steps[2](r)} #${i + 1}`);
}

function findReference(rows: readonly CompareRow[], reference: string | undefined): number {
  if (reference === undefined) return 0;
  const want = reference.toLowerCase();
  const finders: Array<(r: CompareRow) => boolean> = [
    (r) => r.label.toLowerCase() === want,
    (r) => (r.hardwareLabel ?? '').toLowerCase() === want,
    (r) => r.runs.some((run) => run.results.runId.toLowerCase() === want),
    (r) => r.gpu.toLowerCase() === want,
  ];
  for (const find of finders) {
    const hits = rows.flatMap((r, i) => (find(r) ? [i] : []));
    if (hits.length === 1) return hits[0];
  }
  throw unknownName('reference row', reference, rows.map((r) => r.label));
}

export function buildComparison(runs: readonly LoadedRun[], opts: { reference?: string } = {}): Comparison {
  const warnings: string[] = [];
  const byKey = new Map<string, CompareRow>();
  for (const run of runs) {
    const r = run.results;
    const g = gpuOf(run);
    const key = JSON.stringify([r.model.id, r.model.backend, g.gpu, g.count, r.model.dtype, r.hardware.label]);
    let row = byKey.get(key);
    if (!row) {
      row = { label: '', hardwareLabel: r.hardware.label, model: r.model.id, backend: r.model.backend, dtype: r.model.dtype, gpu: g.gpu, gpuCount: g.count, vramTotalMiB: g.vramTotalMiB, runs: [], peakVramMiB: null, peakRssMiB: null, outputTokensPerJoule: null, avgPowerW: null };
      byKey.set(key, row);
    }
    row.runs.push(run);
    const v = r.memory.peakVramMiB;
    if (v !== null) row.peakVramMiB = Math.max(row.peakVramMiB ?? v, v);
    const rss = r.memory.peakRssMiB;
    if (rss !== null) row.peakRssMiB = Math.max(row.peakRssMiB ?? rss, rss);
    if (!r.completed) warnings.push(`Run ${r.runId} (${run.input}) is incomplete; its figures cover only the samples it finished.`);
    for (const caveat of runCaveats(r)) warnings.push(`Run ${r.runId} (${run.input}) ${caveat}.`);
  }
  const rows = [...byKey.values()];
  for (const row of rows) Object.assign(row, rowEnergy(row.runs));
  uniqueLabels(rows, (r) => r.hardwareLabel ?? (r.gpuCount ? `${r.gpuCount}x ${r.gpu}` : r.gpu)).forEach((l, i) => (rows[i].label = l));
  const referenceIndex = findReference(rows, opts.reference);

  const suiteIds = [...new Set(runs.flatMap((run) => run.results.suites.map((s) => s.id)))];
  const suites: SuiteColumn[] = suiteIds.map((id) => {
    const found = rows.map((row) => {
      const hits = row.runs.flatMap((run) => run.results.suites.filter((s) => s.id === id).map((result) => ({ run, result })));
      if (hits.length > 1) warnings.push(`${row.label}: ${id} appears in ${hits.length} runs (${hits.map((h) => h.run.results.runId).join(', ')}); the first is shown.`);
      return hits[0] ?? null;
    });
    const present = found.filter((f): f is NonNullable<typeof f> => f !== null);
    const refData = found[referenceIndex] ?? present[0];
    const groups = new Map<string, string[]>();
    found.forEach((f, i) => {
      if (f) groups.set(dataKey(f.result), [...(groups.get(dataKey(f.result)) ?? []), rows[i].label]);
    });
    let dataWarning: string | null = null;
    if (groups.size > 1) {
      const parts = [...groups].map(([k, labels]) => `${k} in ${labels.join(', ')}`);
      dataWarning = `${id}: the runs did not evaluate the same data (prompt style, suite version · dataset fingerprint: ${parts.join('; ')}); accuracy values marked ⚠ are not comparable with the reference.`;
      warnings.push(dataWarning);
    }
    const ref = found[referenceIndex];
    const loadOf = (f: NonNullable<(typeof found)[number]>) => f.result.load ?? null;
    const sameLoad = (f: NonNullable<(typeof found)[number]>): boolean => {
      if (!ref || f === ref) return true;
      if (f.result.perf.mixedLoad || ref.result.perf.mixedLoad) return false;
      const a = loadOf(f);
      const b = loadOf(ref);
      return a === null || b === null || loadDifferences(a, b).length === 0;
    };
    const otherLoad = found.flatMap((f, i) => (f && !sameLoad(f) ? [`${rows[i].label} (${f.result.perf.mixedLoad ? 'mixed loads' : loadDifferences(loadOf(ref!)!, loadOf(f)!).join(', ')})`] : []));
    let loadWarning: string | null = null;
    if (otherLoad.length) {
      const refText = ref!.result.perf.mixedLoad ? 'mixes loads' : describeLoad(loadOf(ref!)!);
      loadWarning = `${id}: performance is compared only under equal load; the reference row ${rows[referenceIndex].label} ran at ${refText}, and these rows differ (reference vs row): ${otherLoad.join('; ')}. Their throughput, TTFT and VRAM ratios are left out; accuracy is still compared.`;
      warnings.push(loadWarning);
    }
    const cells = found.map((f, i): SuiteCell | null => {
      if (!f) return null;
      const p = f.result.perf;
      const m = f.result.metrics[f.result.primaryMetric];
      const peakVramMiB = f.run.results.memory.peakVramMiB;
      const comparable = sameLoad(f);
      const ratio = (a: number | null, b: number | null) => (comparable ? ratioOf(a, b) : null);
      const clientSaturated = p.client?.saturated === true;
      if (clientSaturated) warnings.push(`${rows[i].label}, ${id} (run ${f.run.results.runId}): ${SATURATION_MESSAGE}; its figures are marked ⚠ (${p.client?.reason ?? 'no reason recorded'}).`);
      return {
        run: f.run,
        result: f.result,
        value: m?.value ?? null,
        ci: m?.ci95 ?? null,
        outputTokensPerSec: p.outputTokensPerSec,
        requestsPerSec: p.requestsPerSec,
        ttftP50Ms: p.ttftMs?.p50 ?? null,
        ttftP99Ms: p.ttftMs?.p99 ?? null,
        tpotP50Ms: p.tpotMs?.p50 ?? null,
        peakVramMiB,
        throughputRatio: ratio(p.outputTokensPerSec, ref?.result.perf.outputTokensPerSec ?? null),
        ttftP50Ratio: ratio(p.ttftMs?.p50 ?? null, ref?.result.perf.ttftMs?.p50 ?? null),
        vramRatio: ratio(peakVramMiB, ref?.run.results.memory.peakVramMiB ?? null),
        sameData: refData ? dataKey(f.result) === dataKey(refData.result) : true,
        load: loadOf(f),
        sameLoad: comparable,
        clientSaturated,
      };
    });
    return { id, primaryMetric: present[0].result.primaryMetric, cells, dataWarning, loadWarning };
  });
  return { rows, referenceIndex, suites, warnings };
}

/** Per suite, samples whose predictions differ between rows (numerics of another GPU or dtype). */
export interface Disagreements {
  suite: string;
  /** Samples scored in at least two rows. */
  compared: number;
  differing: number;
  /** Up to eight examples: each row's prediction and score (null: not run or errored there). */
  examples: Array<{ id: string; predictions: Array<string | null>; scores: Array<number | null> }>;
}

/** Examples kept per suite. */
const EXAMPLES = 8;

export function findDisagreements(comparison: Comparison, samples: ReadonlyArray<ReadonlyMap<string, SampleResult> | null>): Disagreements[] {
  return comparison.suites.map((col) => {
    const perRow = comparison.rows.map((_, i) => {
      const cell = col.cells[i];
      const all = samples[i];
      if (!cell || !all) return null;
      return new Map([...all.values()].filter((s) => s.suite === col.id && s.state === 'scored').map((s) => [s.id, s]));
    });
    const ids = [...new Set(perRow.flatMap((m) => (m ? [...m.keys()] : [])))];
    let compared = 0;
    const differing: Disagreements['examples'] = [];
    for (const id of ids) {
      const hits = perRow.map((m) => m?.get(id) ?? null);
      const texts = hits.flatMap((h) => (h && h.prediction !== null ? [h.prediction.trim()] : []));
      if (texts.length < 2) continue;
      compared++;
      if (new Set(texts).size > 1) differing.push({ id, predictions: hits.map((h) => h?.prediction ?? null), scores: hits.map((h) => h?.score ?? null) });
    }
    return { suite: col.id, compared, differing: differing.length, examples: differing.slice(0, EXAMPLES) };
  });
}
