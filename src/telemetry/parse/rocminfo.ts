// rocminfo's agent list: where the gfx target comes from when the SMI tool does not print it
// (spec/telemetry.md §3: `Name: gfx942`). Agents are split at their `Name:` line rather than at the
// `Agent N` banners, because captures elide those (the MI300X fixture's `[...]` hides the GPU's).

import { hexId, outputLines, parseNumber, parseText, preview, TelemetryParseError, toMiB } from './parse-values.ts';
import { emptyGpuReading, type GpuReading, type ToolReading } from '../types.ts';

/** GPU agents in rocminfo order; index is the position among GPU agents (the HIP device order). */
export function parseRocminfo(text: string): ToolReading {
  const lines = outputLines(text);
  const nameIndents = lines.flatMap((l) => (/^(\s*)Name:/.exec(l)?.[1].length ?? []));
  if (nameIndents.length === 0) throw new TelemetryParseError('no-data', `rocminfo: no agents in ${preview(text)}`);
  const agentIndent = Math.min(...nameIndents);
  const agents: string[][] = [];
  for (const line of lines) {
    if (/^(\s*)Name:/.exec(line)?.[1].length === agentIndent) agents.push([]);
    agents[agents.length - 1]?.push(line);
  }
  const gpus: GpuReading[] = [];
  for (const agent of agents) {
    const field = (key: string): string | null => {
      const line = agent.find((l) => l.trim().startsWith(`${key}:`));
      return line ? parseText(line.slice(line.indexOf(':') + 1)) : null;
    };
    if (field('Device Type')?.toUpperCase() !== 'GPU') continue;
    const r = emptyGpuReading(gpus.length);
    const gfx = field('Name');
    r.arch = gfx && /^gfx[0-9a-f]+$/i.test(gfx) ? gfx.toLowerCase() : null;
    r.name = field('Marketing Name');
    r.computeUnits = parseNumber(field('Compute Unit'));
    r.deviceId = hexId(field('Chip ID'));
    r.vramTotalMiB = coarsePoolMiB(agent);
    gpus.push(r);
  }
  if (gpus.length === 0) throw new TelemetryParseError('no-data', 'rocminfo: no GPU agents');
  return { gpus, driver: null, cuda: null, notes: [] };
}

/** The size of the first GLOBAL coarse-grained pool: the GPU's VRAM, in KB (KiB). */
function coarsePoolMiB(agent: readonly string[]): number | null {
  const at = agent.findIndex((l) => /Segment:\s*GLOBAL;.*COARSE GRAINED/i.test(l));
  if (at === -1) return null;
  const size = agent.slice(at + 1, at + 3).find((l) => /^\s*Size:/.test(l));
  const m = size ? /Size:\s*(\d+)\S*\s*KB/i.exec(size) : null;
  return m ? toMiB(Number(m[1]), 'KB') : null;
}
