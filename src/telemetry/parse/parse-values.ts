// Value-level helpers shared by the GPU-tool parsers: finding the JSON inside noisy output,
// recognising "missing" markers, and converting sizes to MiB. The rules come from
// ../shared/spec/telemetry.md §2 ("a robust parser") and §6 (parser robustness).

/** Why a tool's output gave no usable reading. The probe and sampler catch it and record the message. */
export class TelemetryParseError extends Error {
  override name = 'TelemetryParseError';
  readonly kind: 'no-data' | 'malformed' | 'truncated';
  constructor(kind: TelemetryParseError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

// `N/A`, `[N/A]`, `N/A mV` (amd-smi human format), `Not supported` (rocm-smi) — spec §6.
const MISSING = /^(\[?n\/a\]?(\s+\S+)?|not supported|not available|unknown|)$/i;

export function isMissing(value: string): boolean {
  return MISSING.test(value.trim());
}

/** The leading number of a value such as `100 %`, `81559 MiB`, `750.0W`, `29857(0x74a1)`; null when missing. */
export function parseNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || isMissing(value)) return null;
  const m = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i.exec(value);
  return m ? Number(m[1]) : null;
}

/** A string value, or null for the missing markers. */
export function parseText(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const v = value.trim();
  return isMissing(v) ? null : v;
}

const MIB_PER_UNIT: Record<string, number> = {
  b: 1 / 1048576,
  kb: 1 / 1024, // rocminfo and amd-smi print KB for KiB-sized units
  kib: 1 / 1024,
  // amd-smi's `MB` is MiB-sized: a 192 GiB MI300X reports 196592 MB (spec §2, rule 5)
  mb: 1,
  mib: 1,
  gb: 1024,
  gib: 1024,
};

/** Converts `amount unit` to MiB, rounded to 2 decimals; null for an unknown unit or a missing amount. */
export function toMiB(amount: number | null, unit: string): number | null {
  if (amount === null) return null;
  const factor = MIB_PER_UNIT[unit.trim().toLowerCase()];
  return factor === undefined ? null : Math.round(amount * factor * 100) / 100;
}

/** A size with its unit in the text (`65520 MB`, `81559 MiB`) or in `defaultUnit` when bare. */
export function sizeToMiB(value: unknown, defaultUnit: string): number | null {
  if (typeof value === 'number') return toMiB(value, defaultUnit);
  if (typeof value !== 'string') return null;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]+)?\s*$/i.exec(value);
  return m ? toMiB(Number(m[1]), m[2] ?? defaultUnit) : null;
}

/** `0x74A1`, `0x74a1`, `29857(0x74a1)` → `0x74a1`. */
export function hexId(value: unknown): string | null {
  const text = parseText(value);
  const m = text ? /0x[0-9a-f]+/i.exec(text) : null;
  return m ? m[0].toLowerCase() : null;
}

export interface ExtractedJson {
  value: unknown;
  /** Non-empty lines before the JSON (command lines, warnings). */
  before: string[];
  /** Text after the first complete JSON value (e.g. amd-smi's duplicated output). */
  after: string;
}

/**
 * The first complete JSON value in `text`, skipping leading non-JSON lines (warnings, `$ amd-smi …`
 * command lines) and ignoring anything after it. Throws `no-data` when there is none, `truncated` when
 * the JSON never closes, `malformed` when it does not parse.
 */
export function extractJson(text: string, what: string): ExtractedJson {
  const lines = text.split(/\r?\n/);
  let offset = 0;
  const before: string[] = [];
  for (const line of lines) {
    const trimmed = line.trimStart();
    if (looksLikeJsonStart(trimmed)) {
      // The first JSON-looking line decides: anything after a broken start is inside it.
      const start = offset + (line.length - trimmed.length);
      const end = jsonEnd(text, start);
      if (end === -1) {
        throw new TelemetryParseError('truncated', `${what}: JSON output ends before it is complete (truncated?): ${preview(text.slice(start))}`);
      }
      try {
        return { value: JSON.parse(text.slice(start, end)), before, after: text.slice(end).trim() };
      } catch (e) {
        throw new TelemetryParseError('malformed', `${what}: output is not valid JSON (${(e as Error).message}): ${preview(text.slice(start))}`);
      }
    }
    if (trimmed !== '') before.push(trimmed);
    offset += line.length + 1;
  }
  const said = before.length ? `: ${preview(before.join(' | '))}` : ' (empty output)';
  throw new TelemetryParseError('no-data', `${what}: no JSON in output${said}`);
}

function looksLikeJsonStart(s: string): boolean {
  // `[output truncated]` and `[N/A], …` start with a bracket too; a JSON list starts with a value.
  return s.startsWith('{') || /^\[\s*([[{"\]\d-]|$)/.test(s);
}

/** Index just past the bracket that closes the value opening at `start`; -1 when it never closes. */
function jsonEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

export function preview(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Splits one CSV line (RFC 4180 quoting, as Python's csv module writes it). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** Lines without the shell command line a captured output may start with (`$ amd-smi list`). */
export function outputLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => !/^\s*[$#]\s/.test(l));
}
