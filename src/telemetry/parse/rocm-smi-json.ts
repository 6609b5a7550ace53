// rocm-smi `--json` and `--csv` (spec/telemetry.md §1): `--json` is one `json.dumps` line,
// `{"card0": {...}, "system": {...}}` with every value a string; `--csv` is a `device,<keys…>` header
// and one `cardN,…` row per card. Both go through rocmFieldsToReading.

import { extractJson, outputLines, preview, splitCsvLine, TelemetryParseError } from './parse-values.ts';
import { rocmFields, rocmFieldsToReading } from './rocm-smi-fields.ts';
import type { ToolReading } from '../types.ts';

const CARD = /^card(\d+)$/i;

export function parseRocmSmiJson(text: string): ToolReading {
  // `--json` with some options prints `WARNING: No JSON data to report` instead of JSON (spec §1).
  const { value, before, after } = extractJson(text, 'rocm-smi --json');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TelemetryParseError('malformed', `rocm-smi --json: expected an object of cards, got ${preview(JSON.stringify(value))}`);
  }
  const reading: ToolReading = { gpus: [], driver: null, cuda: null, notes: [] };
  if (before.length) reading.notes.push(`rocm-smi printed before its JSON: ${preview(before.join(' | '))}`);
  if (after) reading.notes.push(`rocm-smi printed after its JSON (ignored): ${preview(after)}`);
  for (const [key, card] of Object.entries(value)) {
    if (typeof card !== 'object' || card === null) continue;
    const fields = rocmFields(Object.entries(card));
    const m = CARD.exec(key);
    if (m) reading.gpus.push(rocmFieldsToReading(Number(m[1]), fields));
    // the `system` object is not a card; it carries the driver version
    else if (key.toLowerCase() === 'system') reading.driver = fields.get('driver version') ?? null;
  }
  if (reading.gpus.length === 0) {
    throw new TelemetryParseError('no-data', `rocm-smi --json: no card entries in ${preview(JSON.stringify(value))}`);
  }
  reading.gpus.sort((a, b) => a.index - b.index);
  return reading;
}

export function parseRocmSmiCsv(text: string): ToolReading {
  const lines = outputLines(text).filter((l) => l.trim() !== '');
  const headerAt = lines.findIndex((l) => /^device,/i.test(l.trim()));
  if (headerAt === -1) throw new TelemetryParseError('no-data', `rocm-smi --csv: no 'device,…' header in ${preview(text)}`);
  const header = splitCsvLine(lines[headerAt].trim());
  const reading: ToolReading = { gpus: [], driver: null, cuda: null, notes: [] };
  for (const line of lines.slice(headerAt + 1)) {
    const cells = splitCsvLine(line.trim());
    const m = CARD.exec(cells[0] ?? '');
    if (!m) continue;
    if (cells.length !== header.length) {
      reading.notes.push(`rocm-smi --csv: row '${preview(line, 40)}' has ${cells.length} cells, header has ${header.length}`);
    }
    reading.gpus.push(rocmFieldsToReading(Number(m[1]), rocmFields(header.map((h, i) => [h, cells[i] ?? ''] as const))));
  }
  if (reading.gpus.length === 0) throw new TelemetryParseError('no-data', 'rocm-smi --csv: no card rows');
  return reading;
}
