// `vlm-harness probe`: the GPUs and host a run would record, as text or as results.json stores them.

import type { Command } from 'commander';
import { examples } from '../help-text.ts';
import { out } from '../output.ts';

export function addProbeCommand(program: Command): void {
  program
    .command('probe')
    .description('Show the GPUs and host a run would record (asks amd-smi, rocm-smi, nvidia-smi on PATH)')
    .option('--json', 'print exactly the object results.json stores under `hardware`')
    .option('--telemetry-cmd <prefix>', "run the GPU tools through a prefix, e.g. 'ssh gpu-box'")
    .option('--hardware-label <label>', 'a name for this machine in reports')
    .addHelpText('after', examples(['vlm-harness probe', 'vlm-harness probe --json', "vlm-harness probe --telemetry-cmd 'ssh gpu-box'"]))
    .action(async (opts: { json?: boolean; telemetryCmd?: string; hardwareLabel?: string }) => {
      const [{ probeHardware }, { formatHardware }] = await Promise.all([import('../../telemetry/probe.ts'), import('../../telemetry/format-hardware.ts')]);
      const hardware = await probeHardware({
        ...(opts.telemetryCmd ? { telemetryCmd: opts.telemetryCmd.split(/\s+/).filter(Boolean) } : {}),
        ...(opts.hardwareLabel ? { label: opts.hardwareLabel } : {}),
      });
      out(opts.json ? JSON.stringify(hardware, null, 2) : formatHardware(hardware));
    });
}
