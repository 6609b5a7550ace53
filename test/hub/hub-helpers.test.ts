// Small pure pieces of the Hub layer: environment, repo URLs and cache names, glob folders, shard sets.

import { describe, expect, it } from 'vitest';
import { missingShards } from '../../src/data/cached-dataset-files.ts';
import { globFolder } from '../../src/data/hub-data-files.ts';
import { hubCacheDir, repoCache } from '../../src/hub/cache.ts';
import { hubEndpoint, isOffline } from '../../src/hub/env.ts';
import { isRepoId, isRevision, repoFolderName, resolveUrl, webUrl } from '../../src/hub/repo.ts';

describe('hub environment', () => {
  it('strips trailing slashes from HF_ENDPOINT and defaults to huggingface.co', () => {
    expect(hubEndpoint({ HF_ENDPOINT: 'https://mirror.example/hf//' })).toBe('https://mirror.example/hf');
    expect(hubEndpoint({})).toBe('https://huggingface.co');
    expect(isOffline({ HF_HUB_OFFLINE: 'YES' })).toBe(true);
  });

  it('puts datasets and models side by side in the cache, as Python does', () => {
    const dir = hubCacheDir({ HF_HOME: '~/hf' }, '/home/u');
    expect(dir).toBe('/home/u/hf/hub');
    expect(repoCache(dir, { type: 'dataset', id: 'MMMU/MMMU' }).root).toBe('/home/u/hf/hub/datasets--MMMU--MMMU');
    expect(repoCache(dir, { type: 'model', id: 'org/m' }).refPath('refs/convert/parquet')).toBe('/home/u/hf/hub/models--org--m/refs/refs/convert/parquet');
  });
});

describe('repo URLs', () => {
  it('differ between models and datasets only in prefixes', () => {
    const d = { type: 'dataset', id: 'lmms-lab/ChartQA' } as const;
    const m = { type: 'model', id: 'org/m' } as const;
    expect(repoFolderName(d)).toBe('datasets--lmms-lab--ChartQA');
    expect(webUrl('https://h', d)).toBe('https://h/datasets/lmms-lab/ChartQA');
    expect(webUrl('https://h', m)).toBe('https://h/org/m');
    expect(resolveUrl('https://h', d, 'refs/convert/parquet', 'default/test/0000.parquet')).toBe('https://h/datasets/lmms-lab/ChartQA/resolve/refs%2Fconvert%2Fparquet/default/test/0000.parquet');
    expect(resolveUrl('https://h', m, 'main', 'a b/c#d.onnx')).toBe('https://h/org/m/resolve/main/a%20b/c%23d.onnx');
  });

  it('rejects ids and revisions that could leave the cache folder', () => {
    expect(isRepoId('MMMU/MMMU')).toBe(true);
    for (const bad of ['../x', 'a/../b', 'a--b/c', 'a/b/c', '']) expect(isRepoId(bad)).toBe(false);
    expect(isRevision('refs/convert/parquet')).toBe(true);
    for (const bad of ['..', 'a/../b', '/abs', 'a//b', '']) expect(isRevision(bad)).toBe(false);
  });
});

describe('glob folders and shards', () => {
  it('lists a glob from its fixed folder, recursively only when it reaches deeper', () => {
    expect(globFolder('Math/validation-*')).toEqual({ folder: 'Math', recursive: false });
    expect(globFolder('data/*/test-*')).toEqual({ folder: 'data', recursive: true });
    expect(globFolder('data/**')).toEqual({ folder: 'data', recursive: true });
    expect(globFolder('*.parquet')).toEqual({ folder: '', recursive: false });
    expect(globFolder('DocVQA/test-0000?-of-00006.parquet')).toEqual({ folder: 'DocVQA', recursive: false });
  });

  it('finds shards missing from a k-of-n set', () => {
    expect(missingShards(['Math/validation-00000-of-00001.parquet'])).toEqual([]);
    expect(missingShards(['data/test-00000-of-00003.parquet', 'data/test-00002-of-00003.parquet'])).toEqual(['data/test-00001-of-00003*']);
    expect(missingShards(['data/test-00058-of-00141-6edccf94719c69a2.parquet']).length).toBe(140);
    expect(missingShards(['images.zip', 'data/train.parquet'])).toEqual([]);
  });
});
