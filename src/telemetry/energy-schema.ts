// The `energy` object of results.json: GPU energy over the windows the run generated in, and what
// it cost per output token (energy.ts computes it). Names other tools read: `energy.avgPowerW`,
// `energy.energyJ` and `energy.joulesPerOutputToken`, all GPUs together; `energy: null` when there
// was no power reading, with the reason in `hardware.notes`.

import { z } from 'zod';

const perGpuEnergySchema = z.object({
  index: z.number().int(),
  /** In a merged run (`vlm-harness merge`): the shard whose node this GPU is; indexes repeat across shards. */
  shard: z.number().int().optional(),
  avgPowerW: z.number(),
  energyJ: z.number(),
  /** This GPU's share of the energy per output token of the whole run. */
  joulesPerOutputToken: z.number().nullable(),
  outputTokensPerJoule: z.number().nullable(),
});

export const energySchema = z.object({
  /**
   * energyJ / durationSec, all GPUs together (W). In a merged run: every shard's GPUs, over the time
   * any shard was generating.
   */
  avgPowerW: z.number(),
  /** Power integrated over the generation windows (J), all GPUs together. */
  energyJ: z.number(),
  /** energyJ / outputTokens; null when no output token was generated. */
  joulesPerOutputToken: z.number().nullable(),
  outputTokensPerJoule: z.number().nullable(),
  /** The tool and field the power came from, e.g. `amd-smi socket_power`, `nvidia-smi power.draw`. */
  source: z.string(),
  /**
   * Seconds of generation the energy covers (the suites' timed windows of this invocation); in a
   * merged run the union of the shards' windows on the wall clock.
   */
  durationSec: z.number(),
  /** Output tokens generated in those windows. */
  outputTokens: z.number().int(),
  /** Power polls that fell inside the windows (the edges are held from the nearest poll). */
  readings: z.number().int(),
  perGpu: z.array(perGpuEnergySchema),
});

export type Energy = z.infer<typeof energySchema>;
