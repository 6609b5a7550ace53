// The host side of `hardware`: CPU model, logical CPUs and memory, from the os module, with
// /proc/cpuinfo as a fallback for the model name (os.cpus() gives '' on some ARM kernels).

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { HardwareInfo } from './hardware-schema.ts';

export interface HostDeps {
  cpus?: () => Array<{ model: string }>;
  totalmem?: () => number;
  readFile?: (path: string) => Promise<string>;
}

export async function hostInfo(deps: HostDeps = {}): Promise<HardwareInfo['host']> {
  const cpus = (deps.cpus ?? os.cpus)();
  const total = (deps.totalmem ?? os.totalmem)();
  let cpuModel = cpus.find((c) => c.model.trim() !== '')?.model.trim() ?? null;
  if (!cpuModel) {
    const text = await (deps.readFile ?? ((p: string) => readFile(p, 'utf8')))('/proc/cpuinfo').catch(() => '');
    cpuModel = /^(?:model name|Hardware|Processor|cpu model)\s*:\s*(.+)$/im.exec(text)?.[1].trim() ?? null;
  }
  // os.cpus() is empty in some containers; availableParallelism() still counts the usable CPUs
  const cpuCores = cpus.length || (deps.cpus ? 0 : os.availableParallelism());
  return { cpuModel, cpuCores, memTotalMiB: Math.round(total / 1048576) };
}
