// What a corpus metric needs besides the predictions: each sample's references (and options),
// which samples.jsonl does not keep. They are read back from the data the run used, as named in
// its config.json: the bundled sample, a local parquet path, or the Hub cache at the exact commit
// results.json recorded (read with HF_HUB_OFFLINE=1, so the gate never downloads). When that data
// is not on this machine the gate falls back (see gate-accuracy.ts).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveLocalDataset, streamSamples, suiteOptions, type ResolvedDataset } from '../../data/dataset.ts';
import { resolveHubDataset } from '../../data/hub-dataset.ts';
import { UserError } from '../../errors.ts';
import type { Sample, Suite } from '../../types.ts';
import type { LoadedRun } from '../load-run.ts';

/** What reading a suite's samples needs (a Suite, or a StyledSuite). */
export type SuiteData = Pick<Suite, 'id' | 'datasets' | 'toSample'>;

/** A sample without its images: enough to rebuild the scorer's input from a prediction. */
export type SampleInfo = Omit<Sample, 'images'>;

/** Loads the given samples of a suite for a run, or returns null (with the reason) when the data is not available here. */
export type LoadSampleInfo = (
  run: LoadedRun,
  suite: SuiteData,
  ids: ReadonlySet<string>,
) => Promise<{ samples: Map<string, SampleInfo> } | { samples: null; reason: string }>;

interface SavedConfig {
  data?: string;
  lmmsOrg?: string;
  subject?: string | string[];
  split?: string;
}

function list(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

/** A loader reading the data the run's config.json names; `env` locates the Hub cache. */
export function sampleInfoLoader(opts: { env?: NodeJS.ProcessEnv } = {}): LoadSampleInfo {
  return (run, suite, ids) => loadFromConfig(run, suite, ids, opts.env ?? process.env);
}

async function loadFromConfig(run: LoadedRun, suite: SuiteData, ids: ReadonlySet<string>, env: NodeJS.ProcessEnv): ReturnType<LoadSampleInfo> {
  const recorded = run.results.suites.find((s) => s.id === suite.id)?.dataset;
  if (!recorded) return { samples: null, reason: `${run.resultsPath} has no ${suite.id} results` };
  let config: SavedConfig = {};
  try {
    config = JSON.parse(readFileSync(join(run.dir, 'config.json'), 'utf8')) as SavedConfig;
  } catch {
    // only local data needs it (its path); the defaults serve the bundled sample and the Hub
  }
  // results.json says where the rows came from; config.json holds the path of local data.
  const fromHub = recorded.source === 'hub' || recorded.source === 'cache';
  const data = recorded.source === 'sample' ? 'sample' : fromHub ? 'hub' : config.data;
  if (data === undefined) return { samples: null, reason: `${run.dir} has no config.json naming the local data the run used` };
  if (fromHub && !recorded.revision) return { samples: null, reason: `${run.resultsPath} records no dataset revision for ${suite.id}` };
  const subjects = list(config.subject);
  const options = suiteOptions({
    ...(config.lmmsOrg ? { lmmsOrg: config.lmmsOrg } : {}),
    ...(subjects ? { subjects } : {}),
    ...(config.split ? { split: config.split } : {}),
  });
  const found = new Map<string, SampleInfo>();
  try {
    // the repo results.json recorded wins over today's default org
    const specs = suite.datasets(options).map((spec) => (recorded.repo.includes(',') ? spec : { ...spec, repo: recorded.repo }));
    const datasets: ResolvedDataset[] =
      fromHub
        ? await Promise.all(specs.map((spec) => resolveHubDataset(spec, { revision: recorded.revision!, env: { ...env, HF_HUB_OFFLINE: '1' } })))
        : await Promise.all(specs.map((spec) => resolveLocalDataset(suite, spec, data)));
    for await (const { sample } of streamSamples({ suite, datasets, ids })) {
      const { images: _images, ...info } = sample;
      found.set(sample.id, info);
    }
  } catch (e) {
    if (e instanceof UserError) return { samples: null, reason: e.message };
    throw e;
  }
  const absent = [...ids].filter((id) => !found.has(id));
  if (absent.length) return { samples: null, reason: `${absent.length} samples (e.g. ${absent[0]}) are not in --data ${data} any more` };
  return { samples: found };
}

/** The default: process.env. */
export const loadSampleInfoFromConfig: LoadSampleInfo = sampleInfoLoader();
