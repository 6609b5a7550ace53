// The "Done when", through the CLI: `eval --suite mmmu --data hub` against an emulated Hub
// (HF_ENDPOINT) downloads MMMU/MMMU Math/validation into a Python-layout cache (HF_HUB_CACHE) and
// records the commit sha; a second run with HF_HUB_OFFLINE=1 and the Hub gone gives the same
// result from the cache; a gated repo without a token fails with how to get access.

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSuite } from '../../suites/index.ts';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../../src/data/dataset.ts';
import { resultsSchema, type Results } from '../../src/report/schema.ts';
import { FAKE_SHA, sha256Hex, startHubEmulator, type HubEmulator } from '../helpers/hub-emulator.ts';
import { MATH_VALIDATION, MMMU_REPO, mmmuRepoFiles } from '../helpers/mmmu-repo.ts';
import { runCli } from '../helpers/run-cli.ts';

let dir: string;
let preds: string;
let files: Map<string, Uint8Array>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vlm-hub-eval-'));
  files = await mmmuRepoFiles();
  // Gold answers for the rows the emulated repo serves (the bundled Math/validation file).
  const suite = getSuite('mmmu');
  const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((spec) => resolveLocalDataset(suite, spec, 'sample')));
  const lines: string[] = [];
  for await (const { sample } of streamSamples({ suite, datasets })) lines.push(JSON.stringify({ id: sample.id, prediction: sample.references[0] }));
  preds = join(dir, 'preds.jsonl');
  await writeFile(preds, `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An environment with no token anywhere and the cache in the test's folder. */
function hubEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { HF_HUB_CACHE: join(dir, 'cache'), HF_HOME: join(dir, 'hf-home'), HF_TOKEN: '', HUGGING_FACE_HUB_TOKEN: '', HF_TOKEN_PATH: '', HF_HUB_OFFLINE: '', ...extra };
}

const evalArgs = (out: string) => ['eval', '--suite', 'mmmu', '--data', 'hub', '--backend', 'replay', '--predictions', preds, '--out', out];
const readResults = (runDir: string): Results => resultsSchema.parse(JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')));

describe('eval --data hub', () => {
  it('downloads into the Python-layout cache, records the sha, and reruns offline from the cache', async () => {
    let hub: HubEmulator | undefined = await startHubEmulator({ repos: [{ type: 'dataset', id: MMMU_REPO, files }] });
    let online;
    try {
      online = await runCli(evalArgs(join(dir, 'run-online')), { env: hubEnv({ HF_ENDPOINT: hub.url }) });
      expect(hub.requests.filter((r) => r.path.includes('/resolve/')).map((r) => r.path)).toEqual([`/datasets/${MMMU_REPO}/resolve/${FAKE_SHA}/${MATH_VALIDATION}`]);
    } finally {
      await hub.close();
      hub = undefined;
    }
    expect(online.stderr).not.toMatch(/Error/);
    expect(online.code).toBe(0);
    const repoRoot = join(dir, 'cache', 'datasets--MMMU--MMMU');
    const sha256 = sha256Hex(files.get(MATH_VALIDATION)!);
    expect(readFileSync(join(repoRoot, 'refs', 'main'), 'utf8')).toBe(FAKE_SHA);
    expect(existsSync(join(repoRoot, 'blobs', sha256))).toBe(true);
    expect(existsSync(join(repoRoot, 'snapshots', FAKE_SHA, MATH_VALIDATION))).toBe(true);

    const first = readResults(join(dir, 'run-online')).suites[0];
    expect(first.dataset).toMatchObject({ source: 'hub', repo: MMMU_REPO, config: 'Math', split: 'validation', revision: FAKE_SHA });
    expect(first.dataset.files).toEqual([{ path: MATH_VALIDATION, size: files.get(MATH_VALIDATION)!.length, sha256 }]);
    expect(first.metrics[first.primaryMetric].value).toBe(1);

    // The Hub is gone and HF_HUB_OFFLINE=1: the same data from the cache.
    const offline = await runCli(evalArgs(join(dir, 'run-offline')), { env: hubEnv({ HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_OFFLINE: '1' }) });
    expect(offline.code).toBe(0);
    const second = readResults(join(dir, 'run-offline')).suites[0];
    expect(second.dataset).toEqual({ ...first.dataset, source: 'cache' });
    expect(second.metrics).toEqual(first.metrics);
    expect(second.counts).toEqual(first.counts);
  });

  it('fails on a gated repo without a token, saying how to get access', async () => {
    const hub = await startHubEmulator({ repos: [{ type: 'dataset', id: MMMU_REPO, files, gated: true, approved: ['hf_ok'] }] });
    try {
      const r = await runCli(evalArgs(join(dir, 'run-gated')), { env: hubEnv({ HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(dir, 'cache-gated') }) });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`The dataset MMMU/MMMU is gated (HTTP 401, GatedRepo): request access at ${hub.url}/datasets/MMMU/MMMU, then set HF_TOKEN`);
    } finally {
      await hub.close();
    }
  });
});
