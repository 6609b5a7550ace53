// `npm run probe` and the `hardware` object of results.json: which GPUs and host ran the evaluation.
// Tries amd-smi, then rocm-smi, then nvidia-smi (spec/telemetry.md §1, §2, §4), each looked up on PATH
// and run with a timeout; the first that yields GPUs answers. Never throws for a tool's sake: a missing,
// slow, failing or unparseable tool becomes a note, and a host without any gives `gpus: []`.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FindOnPath } from './find-on-path.ts';
import { countPackages, hardwareLabel, toGpuInfo } from './gpu-info.ts';
import type { HardwareInfo, HardwareTool, RawOutput } from './hardware-schema.ts';
import { type HostDeps, hostInfo } from './host-info.ts';
import { probeAmdSmi, probeRocmSmi } from './probe-amd.ts';
import { probeNvidiaSmi } from './probe-nvidia.ts';
import type { RunCommand } from './run-command.ts';
import { createToolExec, type ToolExec, type ToolOutcome } from './tool-exec.ts';

export interface ProbeDeps {
  run?: RunCommand;
  findOnPath?: FindOnPath;
  /** PATH and ROCM_PATH come from here (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Per command; default 5 s. */
  timeoutMs?: number;
  /** Runs the GPU tools through a prefix such as `['ssh', 'gpu-box']`; the host fields stay local. */
  telemetryCmd?: readonly string[];
  host?: HostDeps;
  /** Reads `$ROCM_PATH/.info/version` for the ROCm version. */
  readFile?: (path: string) => Promise<string>;
  /** Replaces the generated label (`8x MI300X`). */
  label?: string | null;
  /** Keep each command's raw output under `raw` (default true; spec §6). */
  keepRaw?: boolean;
}

const PROBES: ReadonlyArray<[HardwareTool, (exec: ToolExec) => Promise<ToolOutcome>]> = [
  ['amd-smi', probeAmdSmi],
  ['rocm-smi', probeRocmSmi],
  ['nvidia-smi', probeNvidiaSmi],
];

export async function probeHardware(deps: ProbeDeps = {}): Promise<HardwareInfo> {
  const env = deps.env ?? process.env;
  const raw: RawOutput[] = [];
  const { run, findOnPath, timeoutMs, telemetryCmd } = deps;
  const exec = createToolExec({ run, findOnPath, env, timeoutMs, telemetryCmd, raw });
  const notes: string[] = [];
  const host = await hostInfo(deps.host);
  if (deps.telemetryCmd?.length) notes.push(`GPU tools ran through '${deps.telemetryCmd.join(' ')}'; host fields describe this machine`);

  const missing: string[] = [];
  for (const [tool, probe] of PROBES) {
    const outcome = await probe(exec);
    if (!outcome.ok) {
      if (outcome.notFound) missing.push(outcome.message);
      else notes.push(outcome.message);
      continue;
    }
    const { reading } = outcome;
    const vendor = tool === 'nvidia-smi' ? 'nvidia' : 'amd';
    const gpus = reading.gpus.map((g) => toGpuInfo(g, vendor));
    notes.push(...reading.notes);
    for (const g of gpus) {
      const unread = (['name', 'model', 'arch', 'vramTotalMiB'] as const).filter((k) => g[k] === null);
      if (unread.length) notes.push(`GPU ${g.index}: ${unread.join(', ')} not read from ${tool}`);
    }
    const packages = countPackages(gpus);
    if (packages.note) notes.push(packages.note);
    const software: HardwareInfo['software'] = {};
    if (reading.driver) software.driver = reading.driver;
    if (reading.cuda) software.cuda = reading.cuda;
    if (vendor === 'amd' && !deps.telemetryCmd?.length) {
      const rocm = await rocmVersion(env, deps.readFile);
      if (rocm) software.rocm = rocm;
    }
    const info: HardwareInfo = {
      gpus,
      gpuCount: gpus.length,
      tool,
      software,
      host,
      label: deps.label ?? hardwareLabel(gpus),
      notes,
    };
    if (packages.packageCount !== null) info.packageCount = packages.packageCount;
    if (deps.keepRaw !== false) info.raw = raw;
    return info;
  }

  if (missing.length === PROBES.length) {
    notes.unshift(`no GPU tool found on PATH (looked for ${PROBES.map(([t]) => t).join(', ')})`);
  } else {
    notes.unshift('no GPU tool answered with GPUs', ...missing);
  }
  const info: HardwareInfo = { gpus: [], gpuCount: 0, tool: null, software: {}, host, label: deps.label ?? null, notes };
  if (deps.keepRaw !== false && raw.length) info.raw = raw;
  return info;
}

/** `6.2.2` from `$ROCM_PATH/.info/version` (`6.2.2-116`), or null. */
async function rocmVersion(env: NodeJS.ProcessEnv, read?: (path: string) => Promise<string>): Promise<string | null> {
  const file = join(env.ROCM_PATH ?? '/opt/rocm', '.info', 'version');
  try {
    const text = await (read ?? ((p: string) => readFile(p, 'utf8')))(file);
    return /^\s*(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1] ?? null;
  } catch {
    return null;
  }
}
