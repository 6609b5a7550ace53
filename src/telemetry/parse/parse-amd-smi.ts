// Any amd-smi output that describes GPUs, by its content: JSON in any of its shapes, the `monitor`
// table, or the human format (spec/telemetry.md §2 and §6: the version does not fix the shape).

import { parseAmdSmiJson } from './amd-smi-json.ts';
import { parseAmdSmiHuman, parseAmdSmiMonitor } from './amd-smi-text.ts';
import { outputLines } from './parse-values.ts';
import type { ToolReading } from '../types.ts';

export function parseAmdSmi(text: string): ToolReading {
  const lines = outputLines(text).map((l) => l.trim());
  if (lines.some((l) => l.startsWith('{') || /^\[\s*([[{\]]|$)/.test(l))) return parseAmdSmiJson(text);
  if (lines.some((l) => /^GPU\s{2,}[A-Z]/.test(l))) return parseAmdSmiMonitor(text);
  if (lines.some((l) => /^GPU:\s*\d+$/.test(l))) return parseAmdSmiHuman(text);
  // a watch banner or warning on its own: let the JSON parser say "no JSON in output: …"
  return parseAmdSmiJson(text);
}
