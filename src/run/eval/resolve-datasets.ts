// A suite's datasets as the plan names them: the Hub (with lmms-eval's two organisations and the
// loud fallback to the bundled sample), the bundled sample or local files.

import { getSuite } from '../../../suites/index.ts';
import { resolveLocalDataset, suiteOptions, type ResolvedDataset } from '../../data/dataset.ts';
import { DatasetUnavailableError, resolveHubDataset, type DatasetProgress } from '../../data/hub-dataset.ts';
import { HubNotFoundError } from '../../hub/errors.ts';
import type { DatasetSpec } from '../../types.ts';
import type { EvalEvent } from '../eval.ts';
import type { RunPlan } from '../plan.ts';

/** lmms-eval moved its datasets from `lmms-lab` to `lmms-lab-encoder` (datasets.md §0); either may hold a copy. */
const LMMS_ORGS = ['lmms-lab-encoder', 'lmms-lab'];

async function resolveOnHub(spec: DatasetSpec, plan: RunPlan, emit: (e: EvalEvent) => void): Promise<ResolvedDataset> {
  const opts = { ...(plan.revision ? { revision: plan.revision } : {}), onProgress: (p: DatasetProgress) => emit({ type: 'data', event: p }) };
  try {
    return await resolveHubDataset(spec, opts);
  } catch (e) {
    const [org, name] = spec.repo.split('/');
    const other = LMMS_ORGS.find((o) => o !== org);
    if (!(e instanceof HubNotFoundError && e.missing === 'repo' && LMMS_ORGS.includes(org) && other)) throw e;
    emit({ type: 'info', message: `${spec.repo} not found; trying ${other}/${name}` });
    return resolveHubDataset({ ...spec, repo: `${other}/${name}` }, opts);
  }
}

/** A suite's datasets as the plan names them (Hub, bundled sample or local files); also used by `meta-evals`. */
export async function resolveDatasets(plan: RunPlan, suiteId: string, emit: (e: EvalEvent) => void): Promise<ResolvedDataset[]> {
  const suite = getSuite(suiteId);
  const specs = suite.datasets(suiteOptions({ lmmsOrg: plan.lmmsOrg, ...(plan.subjects ? { subjects: plan.subjects } : {}), ...(plan.split ? { split: plan.split } : {}) }));
  if (plan.data !== 'hub') return Promise.all(specs.map((spec) => resolveLocalDataset(suite, spec, plan.data, { mirror: specs.length > 1 })));
  const datasets: ResolvedDataset[] = [];
  try {
    // one at a time: downloads share the link
    for (const spec of specs) datasets.push(await resolveOnHub(spec, plan, emit));
  } catch (e) {
    // Only the embedded default (no --data given) falls back, and says so loudly; an explicit
    // --data hub fails with the Hub's reason.
    if (!(e instanceof DatasetUnavailableError) || !plan.dataFallback) throw e;
    emit({ type: 'info', message: `${e.message} Falling back to the bundled sample.` });
    return Promise.all(specs.map((spec) => resolveLocalDataset(suite, spec, 'sample')));
  }
  return datasets;
}
