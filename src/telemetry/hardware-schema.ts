// The `hardware` object of results.json: what ran the evaluation, as the GPU tools reported it.
// The report schema embeds `hardwareSchema`; `probeHardware` (probe.ts) returns a `HardwareInfo`.
// Fields a tool could not read are null, with the reason in `notes` (spec/telemetry.md §6).

import { z } from 'zod';

/** Flags a GPU entry can carry (free-form strings so older reports still validate as new ones appear). */
export const GPU_FLAGS = {
  /** An SR-IOV virtual function (SKU `MI3SRIOV`, device id 0x74b5, or `VF` in the name). */
  sriovVf: 'sriov-vf',
  /** A compute partition (DPX/QPX/CPX) reporting the whole device's VRAM (ROCm/ROCm#4750). */
  partitionFullVram: 'partition-reports-full-device-vram',
  /** One GCD of a two-GCD MI250/MI250X package, enumerated as its own GPU. */
  gcd: 'gcd',
  /** nvidia-smi printed `[N/A]` for the VRAM total, as on unified-memory parts such as GB10. */
  vramNotReported: 'vram-not-reported',
  /** NVIDIA MIG mode is enabled; memory figures are for the whole GPU. */
  migEnabled: 'mig-enabled',
} as const;

export const gpuInfoSchema = z.object({
  index: z.number().int(),
  vendor: z.enum(['amd', 'nvidia']),
  /** The name as the tool printed it. */
  name: z.string().nullable(),
  /** Normalised part name (`MI300X`, `MI250X/MI250`, `H100`, `GB10`); null when unknown. */
  model: z.string().nullable(),
  /** gfx target (`gfx942`) or CUDA compute capability (`sm_90`). */
  arch: z.string().nullable(),
  vramTotalMiB: z.number().nullable(),
  /** Compute/memory partition mode, e.g. `SPX/NPS1`. */
  partition: z.string().nullable().optional(),
  busId: z.string().nullable().optional(),
  flags: z.array(z.string()).optional(),
});

export const hardwareToolSchema = z.enum(['amd-smi', 'rocm-smi', 'nvidia-smi']);

/** A command the probe ran and what it printed, kept beside the parsed values (spec §6). */
export const rawOutputSchema = z.object({
  command: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string().optional(),
  /** True when stdout/stderr were cut to keep the report small. */
  truncated: z.boolean().optional(),
});

export const hardwareSchema = z.object({
  gpus: z.array(gpuInfoSchema),
  gpuCount: z.number().int(),
  /** Physical packages: MI250/MI250X count two GCDs as one package; CPX partitions count per device. */
  packageCount: z.number().int().optional(),
  /** The tool that answered; null when none did. */
  tool: hardwareToolSchema.nullable(),
  software: z.object({
    driver: z.string().optional(),
    rocm: z.string().optional(),
    cuda: z.string().optional(),
  }),
  host: z.object({
    cpuModel: z.string().nullable(),
    /** Logical CPUs. */
    cpuCores: z.number().int(),
    memTotalMiB: z.number(),
  }),
  /** A short description for tables (`8x MI300X`), or the user's own label. */
  label: z.string().nullable(),
  /** What could not be read, and why no tool answered. */
  notes: z.array(z.string()),
  raw: z.array(rawOutputSchema).optional(),
});

export type GpuInfo = z.infer<typeof gpuInfoSchema>;
export type HardwareTool = z.infer<typeof hardwareToolSchema>;
export type RawOutput = z.infer<typeof rawOutputSchema>;
export type HardwareInfo = z.infer<typeof hardwareSchema>;
