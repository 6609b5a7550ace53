// The energy of a merged run: each shard measured its own GPUs over its own generation windows
// (src/telemetry/energy.ts), so the run's energy is the shards' joules added up, its tokens the
// shards' tokens added up, and joules per output token the one divided by the other. The time the
// energy covers is the union of the shards' windows on the wall clock, as for throughput (perf.ts),
// so avgPowerW is the mean draw of every shard's GPUs together while any shard generated.
// When some shards measured energy and others did not (no GPU tool on that node), a sum over the
// others is not the run's energy: it is null, and the note names the shards without it.

import type { Energy } from '../telemetry/energy-schema.ts';
import { perJoule, perToken } from '../telemetry/energy.ts';
import { unionSeconds, type ActiveInterval } from '../run/active-time.ts';
import type { ShardInput } from './merge-inputs.ts';

export type ShardEnergySource = Pick<ShardInput, 'dir' | 'file' | 'results' | 'invocations'>;

export type MergedEnergy = { energy: Energy; note: null; notice: null } | { energy: null; note: string; notice: string | null };

/** Why a shard has no energy: its own `energy:` note in hardware.notes. */
function reasonOf(shard: ShardEnergySource): string {
  if (shard.results.energy === undefined) return 'its results.json predates energy';
  return shard.results.hardware.notes.find((n) => n.startsWith('energy: '))?.slice('energy: '.length) ?? 'no power reading';
}

/**
 * The windows a shard's energy covers, on the wall clock: the suites its last invocation (the one
 * that wrote results.json, and so its energy) generated in, as run.json placed them. When they do
 * not add up to the energy's own duration (a run.json without start times), the shard's duration
 * counts by its length, as perf.ts counts an interval it cannot place.
 */
function windowsOf(shard: ShardEnergySource, energy: Energy): { placed: ActiveInterval[]; unplacedSec: number } {
  const last = shard.invocations.at(-1);
  const placed = Object.values(last?.suites ?? {}).flatMap((s) => {
    const startMs = s.startedAt !== undefined ? Date.parse(s.startedAt) : NaN;
    return s.generated > 0 && s.durationSec > 0 && Number.isFinite(startMs) ? [{ startMs, durationSec: s.durationSec }] : [];
  });
  const placedSec = placed.reduce((a, w) => a + w.durationSec, 0);
  if (Math.abs(placedSec - energy.durationSec) > 1e-6 * Math.max(1, energy.durationSec)) return { placed: [], unplacedSec: energy.durationSec };
  return { placed, unplacedSec: 0 };
}

const name = (s: ShardEnergySource) => `${s.file.index}/${s.file.count}`;

export function mergedEnergy(shards: readonly ShardEnergySource[]): MergedEnergy {
  const without = shards.filter((s) => !s.results.energy);
  if (without.length === shards.length) {
    const reasons = [...new Set(shards.map(reasonOf))];
    return { energy: null, note: `energy: no shard measured it (${reasons.join('; ')})`, notice: null };
  }
  if (without.length) {
    const which = without.map((s) => `${name(s)} (${s.dir}: ${reasonOf(s)})`).join(', ');
    const plural = without.length > 1;
    return {
      energy: null,
      note: `energy: not measured on every shard: shard${plural ? 's' : ''} ${which}; the other shards' sum would not be the run's total`,
      notice: `Energy is not merged: shard${plural ? 's' : ''} ${which} measured no GPU power, so the run's energy is unknown (a sum over the other ${shards.length - without.length} would be presented as the total). Each shard's own energy is in merge.sources[].energy.`,
    };
  }
  const parts = shards.map((s) => ({ shard: s, energy: s.results.energy! }));
  const energyJ = parts.reduce((a, p) => a + p.energy.energyJ, 0);
  const outputTokens = parts.reduce((a, p) => a + p.energy.outputTokens, 0);
  const windows = parts.map((p) => windowsOf(p.shard, p.energy));
  const durationSec = unionSeconds(windows.flatMap((w) => w.placed)) + windows.reduce((a, w) => a + w.unplacedSec, 0);
  return {
    note: null,
    notice: null,
    energy: {
      avgPowerW: durationSec > 0 ? energyJ / durationSec : 0,
      energyJ,
      joulesPerOutputToken: perToken(energyJ, outputTokens),
      outputTokensPerJoule: perJoule(outputTokens, energyJ),
      source: [...new Set(parts.map((p) => p.energy.source))].join(', '),
      durationSec,
      outputTokens,
      readings: parts.reduce((a, p) => a + p.energy.readings, 0),
      // each GPU's share of the whole run's energy per output token, as in a single run
      perGpu: parts.flatMap((p) =>
        p.energy.perGpu.map((g) => ({ ...g, shard: p.shard.file.index, joulesPerOutputToken: perToken(g.energyJ, outputTokens), outputTokensPerJoule: perJoule(outputTokens, g.energyJ) })),
      ),
    },
  };
}
