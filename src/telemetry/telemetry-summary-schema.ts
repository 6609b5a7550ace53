// What the sampler (sampler.ts) reports for a run: GPU memory and utilisation polled beside the
// evaluation, and the harness process's RSS. The report schema embeds `telemetrySummarySchema`.
// VRAM "used" includes whatever the server pre-allocated (vLLM's --gpu-memory-utilization), so it is
// the reservation, not the need (serving-metrics.md §0.5).

import { z } from 'zod';
import { hardwareToolSchema } from './hardware-schema.ts';

export const gpuTelemetrySchema = z.object({
  index: z.number().int(),
  peakVramMiB: z.number().nullable(),
  meanVramMiB: z.number().nullable(),
  meanUtilPct: z.number().nullable(),
  /** Mean of the polled power draw, W; absent in runs made before power was polled. */
  meanPowerW: z.number().nullable().optional(),
});

export const telemetrySummarySchema = z.object({
  tool: hardwareToolSchema.nullable(),
  intervalMs: z.number(),
  durationMs: z.number(),
  /** Polls made, with or without a GPU reading. */
  ticks: z.number().int(),
  /** Polls that read the memory of every selected GPU. */
  samples: z.number().int(),
  /** Polls where the tool failed, timed out, or left a selected GPU unread. */
  failedTicks: z.number().int(),
  /** VRAM used, summed over the selected GPUs per poll; null with no reading. */
  peakVramMiB: z.number().nullable(),
  meanVramMiB: z.number().nullable(),
  peakRssMiB: z.number().nullable(),
  perGpu: z.array(gpuTelemetrySchema),
  notes: z.array(z.string()),
});

export type GpuTelemetry = z.infer<typeof gpuTelemetrySchema>;
export type TelemetrySummary = z.infer<typeof telemetrySummarySchema>;
