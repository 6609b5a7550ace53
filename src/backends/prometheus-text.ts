// A parser for the Prometheus text exposition format (version 0.0.4, also the sample lines of
// OpenMetrics), enough for vLLM's /metrics (spec/serving-metrics.md §2: "parse lines as
// `^name(\{labels\})?\s+value` and skip `#` lines"). Counters, gauges, info gauges and histogram
// series (`_bucket{le=…}`, `_sum`, `_count`) all come out as flat samples with their labels.
// Label values may contain escaped quotes, backslashes and newlines, and commas or braces inside
// quotes, so labels are scanned character by character rather than split. Bad lines are skipped.

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (sample) out.push(sample);
  }
  return out;
}

function parseLine(line: string): PromSample | null {
  const name = NAME.exec(line)?.[0];
  if (!name) return null;
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const labelName = LABEL_NAME.exec(line.slice(i))?.[0];
      if (!labelName) return null;
      i += labelName.length;
      while (line[i] === ' ') i++;
      if (line[i] !== '=') return null;
      i++;
      while (line[i] === ' ') i++;
      if (line[i] !== '"') return null;
      i++;
      let value = '';
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length) {
          i++;
          value += line[i] === 'n' ? '\n' : line[i];
        } else {
          value += line[i];
        }
      }
      if (line[i] !== '"') return null;
      i++;
      labels[labelName] = value;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseValue(rest[0] ?? '');
  if (value === null) return null;
  return { name, labels, value };
}

function parseValue(token: string): number | null {
  if (token === '') return null;
  if (token === 'NaN') return NaN;
  if (token === '+Inf' || token === 'Inf') return Infinity;
  if (token === '-Inf') return -Infinity;
  const v = Number(token);
  return Number.isNaN(v) ? null : v;
}

/** Sum of every series of `name` (e.g. across `engine` labels); null when there is none. */
export function sumSeries(samples: readonly PromSample[], name: string): number | null {
  let total: number | null = null;
  for (const s of samples) if (s.name === name) total = (total ?? 0) + s.value;
  return total;
}

/** A histogram's mean over a window: Δ`<base>_sum` / Δ`<base>_count`; null without observations. */
export function histogramWindowMean(before: readonly PromSample[], after: readonly PromSample[], base: string): number | null {
  const s0 = sumSeries(before, `${base}_sum`);
  const s1 = sumSeries(after, `${base}_sum`);
  const c0 = sumSeries(before, `${base}_count`);
  const c1 = sumSeries(after, `${base}_count`);
  if (s0 === null || s1 === null || c0 === null || c1 === null || c1 - c0 <= 0) return null;
  return (s1 - s0) / (c1 - c0);
}
