// Polls GPU memory used, utilisation and power beside a run, plus the harness's own RSS, and summarises
// them when stopped. Each tool is asked the cheapest question spec/telemetry.md documents:
//   amd-smi   metric --mem-usage --usage --power --json    (§2: mem_usage.used_vram, usage.gfx_activity, power.socket_power)
//   rocm-smi  --showmeminfo vram --showuse --showpower --json  (§1: VRAM Total Used Memory (B), GPU use (%), … Graphics Package Power (W))
//   nvidia-smi --query-gpu=index,memory.used,utilization.gpu,power.draw --format=csv,noheader,nounits   (§4)
// Power readings are kept with their time (powerTrace), so energy can be integrated over exactly the
// windows a run generated in (energy.ts).
// All GPUs are queried and the selection is filtered here (amd-smi `--gpu N --json` duplicated its JSON
// before ROCm/rocm-systems#3067). Timers are unref()'d; a failed poll is counted and noted, never thrown.

import type { FindOnPath } from './find-on-path.ts';
import { nvidiaQueryArgs } from './probe-nvidia.ts';
import { parseAmdSmi } from './parse/parse-amd-smi.ts';
import { parseRocmSmi } from './parse/parse-rocm-smi.ts';
import { parseNvidiaSmiCsv } from './parse/nvidia-smi-csv.ts';
import type { RunCommand } from './run-command.ts';
import type { PowerTrace } from './energy.ts';
import type { GpuTelemetry, TelemetrySummary } from './telemetry-summary-schema.ts';
import { createToolExec } from './tool-exec.ts';
import type { GpuTool, ToolReading } from './types.ts';

const NVIDIA_SAMPLE_FIELDS = ['index', 'memory.used', 'utilization.gpu', 'power.draw'] as const;

export const SAMPLE_COMMANDS: Record<GpuTool, { args: readonly string[]; parse: (stdout: string) => ToolReading }> = {
  'amd-smi': { args: ['metric', '--mem-usage', '--usage', '--power', '--json'], parse: parseAmdSmi },
  'rocm-smi': { args: ['--showmeminfo', 'vram', '--showuse', '--showpower', '--json'], parse: parseRocmSmi },
  'nvidia-smi': { args: nvidiaQueryArgs(NVIDIA_SAMPLE_FIELDS), parse: (t) => parseNvidiaSmiCsv(t, NVIDIA_SAMPLE_FIELDS) },
};

export interface SamplerOptions {
  /** The tool the probe found (HardwareInfo.tool); null samples RSS only. */
  tool: GpuTool | null;
  /** GPU indices to watch; default (or empty) all the tool reports. */
  gpus?: readonly number[];
  intervalMs?: number;
  run?: RunCommand;
  findOnPath?: FindOnPath;
  env?: NodeJS.ProcessEnv;
  /** Monotonic milliseconds; default performance.now. */
  now?: () => number;
  /** Resident set size in bytes; default process.memoryUsage().rss. */
  rss?: () => number;
  /** Per poll; default 5 s. */
  timeoutMs?: number;
  /** Prefix for a remote host, e.g. `['ssh', 'gpu-box']` (argument array, no shell). */
  telemetryCmd?: readonly string[];
}

export interface Sampler {
  /** Stops polling (a poll in flight gets a short grace, then is killed) and returns the summary. */
  stop(): Promise<TelemetrySummary>;
  /** The power readings so far, each with the (monotonic) time its poll answered. */
  powerTrace(): PowerTrace;
}

interface Acc {
  n: number;
  sum: number;
  peak: number | null;
}

const acc = (): Acc => ({ n: 0, sum: 0, peak: null });
const add = (a: Acc, v: number) => {
  a.n++;
  a.sum += v;
  a.peak = a.peak === null ? v : Math.max(a.peak, v);
};
const round2 = (v: number) => Math.round(v * 100) / 100;
const meanOf = (a: Acc) => (a.n ? round2(a.sum / a.n) : null);
const peakOf = (a: Acc) => (a.peak === null ? null : round2(a.peak));

export function startSampler(options: SamplerOptions): Sampler {
  const { tool } = options;
  const intervalMs = Math.max(10, options.intervalMs ?? 1000);
  const now = options.now ?? (() => performance.now());
  const rss = options.rss ?? (() => process.memoryUsage().rss);
  const abort = new AbortController();
  const { run, findOnPath, env, timeoutMs, telemetryCmd } = options;
  const exec = tool ? createToolExec({ run, findOnPath, env, timeoutMs, telemetryCmd, signal: abort.signal }) : null;
  const startedAt = now();
  const total = acc();
  const rssMiB = acc();
  const perGpu = new Map<number, { vram: Acc; util: Acc; power: Acc }>();
  for (const i of options.gpus ?? []) perGpu.set(i, { vram: acc(), util: acc(), power: acc() });
  const power: PowerTrace = { tool, field: null, samples: [] };
  const notes = new Map<string, number>();
  const note = (m: string) => notes.set(m, (notes.get(m) ?? 0) + 1);
  let ticks = 0;
  let samples = 0;
  let failedTicks = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<void> | null = null;

  const record = (reading: ToolReading, atMs: number): boolean => {
    const selected = options.gpus?.length ? options.gpus : reading.gpus.map((g) => g.index);
    let sum = 0;
    let complete = selected.length > 0;
    const watts = new Map<number, number>();
    for (const index of selected) {
      const g = reading.gpus.find((x) => x.index === index);
      const slot = perGpu.get(index) ?? { vram: acc(), util: acc(), power: acc() };
      perGpu.set(index, slot);
      if (g?.utilPct != null) add(slot.util, g.utilPct);
      if (g?.powerW != null) {
        add(slot.power, g.powerW);
        watts.set(index, g.powerW);
        power.field ??= g.powerField ?? null;
      }
      if (g?.vramUsedMiB == null) {
        complete = false;
        note(g ? `GPU ${index}: ${tool} reported no memory used` : `GPU ${index}: not in ${tool} output`);
        continue;
      }
      add(slot.vram, g.vramUsedMiB);
      sum += g.vramUsedMiB;
    }
    if (complete) add(total, sum);
    if (watts.size) power.samples.push({ atMs, watts });
    return complete;
  };

  const tick = async (): Promise<void> => {
    try {
      add(rssMiB, rss() / 1048576);
    } catch (e) {
      note(`RSS not read: ${(e as Error).message}`);
    }
    if (!exec || !tool) {
      ticks++;
      return;
    }
    const { args, parse } = SAMPLE_COMMANDS[tool];
    const outcome = await exec(tool, args, parse).catch((e: Error) => ({ ok: false as const, notFound: false, message: `poll failed: ${e.message}` }));
    if (!outcome.ok && abort.signal.aborted) return; // cut short by stop(): not a poll
    ticks++;
    if (!outcome.ok) {
      failedTicks++;
      note(outcome.message);
    } else if (record(outcome.reading, now())) samples++;
    else failedTicks++;
  };

  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      const began = now();
      inflight = tick()
        .catch((e: Error) => void note(`poll failed: ${e.message}`))
        .finally(() => {
          inflight = null;
          if (!stopped) schedule(Math.max(0, intervalMs - (now() - began)));
        });
    }, delay);
    timer.unref();
  };
  schedule(0);

  return {
    async stop() {
      if (!stopped) {
        stopped = true;
        clearTimeout(timer);
        if (inflight) {
          let grace: NodeJS.Timeout | undefined;
          const graceOver = new Promise<void>((resolve) => {
            grace = setTimeout(resolve, Math.min(timeoutMs ?? 5000, 2000));
            grace.unref();
          });
          await Promise.race([inflight, graceOver]);
          clearTimeout(grace);
          abort.abort();
          await inflight;
        }
      }
      const gpus: GpuTelemetry[] = [...perGpu]
        .sort(([a], [b]) => a - b)
        .map(([index, s]) => ({ index, peakVramMiB: peakOf(s.vram), meanVramMiB: meanOf(s.vram), meanUtilPct: meanOf(s.util), meanPowerW: meanOf(s.power) }));
      return {
        tool,
        intervalMs,
        durationMs: round2(now() - startedAt),
        ticks,
        samples,
        failedTicks,
        peakVramMiB: peakOf(total),
        meanVramMiB: meanOf(total),
        peakRssMiB: peakOf(rssMiB),
        perGpu: gpus,
        notes: [...notes].map(([m, n]) => (n > 1 ? `${m} (${n} times)` : m)),
      };
    },
    powerTrace: () => ({ ...power, samples: [...power.samples] }),
  };
}
