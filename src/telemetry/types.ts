// What every GPU-tool parser returns before identity is normalised (../shared/spec/telemetry.md).
// One shape for rocm-smi, amd-smi, nvidia-smi and rocminfo, so the probe and the sampler never care
// which tool or output format a reading came from. Missing values are null, never guessed.

export type GpuTool = 'amd-smi' | 'rocm-smi' | 'nvidia-smi';

export interface PartitionMode {
  /** SPX, DPX, QPX, CPX … (amd-smi `compute_partition`/`accelerator_partition`, rocm-smi `Compute Partition`). */
  compute: string | null;
  /** NPS1, NPS4 … */
  memory: string | null;
}

export interface GpuReading {
  /** The tool's device index (amd-smi `gpu`, rocm-smi `cardN`/`GPU[N]`, nvidia-smi `index`). */
  index: number;
  /** The name as the tool printed it (market name, card series, product name). */
  name: string | null;
  /** PCI device id, lower-case hex (`0x74a1`). */
  deviceId: string | null;
  sku: string | null;
  /** gfx target (`gfx942`) or CUDA compute capability (`sm_90`). */
  arch: string | null;
  computeUnits: number | null;
  vramTotalMiB: number | null;
  vramUsedMiB: number | null;
  utilPct: number | null;
  /** Board power draw in watts (amd-smi `power.socket_power`, rocm-smi `… Graphics Package Power (W)`, nvidia-smi `power.draw`). */
  powerW: number | null;
  /** The field powerW was read from (`socket_power`, `Current Socket Graphics Package Power (W)`, `power.draw`). */
  powerField?: string;
  busId: string | null;
  partition: PartitionMode | null;
  /** Facts a parser saw that the schema has no field for (e.g. `mig-enabled`); see GPU_FLAGS. */
  flags: string[];
}

export interface ToolReading {
  gpus: GpuReading[];
  /** Driver version where the output carries one (rocm-smi `system`, amd-smi `driver.version`, nvidia-smi). */
  driver: string | null;
  cuda: string | null;
  /** What could not be read, in words. */
  notes: string[];
}

export function emptyGpuReading(index: number): GpuReading {
  return {
    index,
    name: null,
    deviceId: null,
    sku: null,
    arch: null,
    computeUnits: null,
    vramTotalMiB: null,
    vramUsedMiB: null,
    utilPct: null,
    powerW: null,
    busId: null,
    partition: null,
    flags: [],
  };
}
