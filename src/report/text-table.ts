// Plain aligned text tables for the terminal (the CLI prints them; nothing here prints).

const NUMERIC = /^[-+\d.,%[\]\s/]*$|^n\/a$/;

/** Numbers are right-aligned, text left-aligned, column by column. */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => i > 0 && rows.length > 0 && rows.every((r) => NUMERIC.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A figure to `digits` decimals, or 'n/a' when it was not measured. */
export function fixedOrNa(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined ? 'n/a' : v.toFixed(digits);
}

/** A metric value for people: accuracy-like values in 0..1 as percentages, others as they are. */
export function formatMetric(name: string, value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (/^(accuracy|relaxed_accuracy|anls|exact_match)/.test(name)) return (100 * value).toFixed(2);
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(4);
}
