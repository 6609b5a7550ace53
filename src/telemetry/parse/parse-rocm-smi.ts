// Any rocm-smi output, by its content rather than the flags that were asked for: the shape is fixed
// neither by the program nor by its version (spec/telemetry.md §6).

import { parseRocmSmiCsv, parseRocmSmiJson } from './rocm-smi-json.ts';
import { isRocmSmiConcise, parseRocmSmiConcise, parseRocmSmiText } from './rocm-smi-text.ts';
import { outputLines } from './parse-values.ts';
import type { ToolReading } from '../types.ts';

export function parseRocmSmi(text: string): ToolReading {
  const lines = outputLines(text).map((l) => l.trim());
  if (lines.some((l) => l.startsWith('{')) || /No JSON data to report/i.test(text)) return parseRocmSmiJson(text);
  if (lines.some((l) => /^device,/i.test(l))) return parseRocmSmiCsv(text);
  if (isRocmSmiConcise(text)) return parseRocmSmiConcise(text);
  return parseRocmSmiText(text);
}
