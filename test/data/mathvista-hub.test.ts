// `eval --suite mathvista --data hub` against an emulated AI4Math/MathVista repo laid out as the
// real one (../shared/spec/datasets.md §1.6): only the testmini parquet file is downloaded, never
// the test split's shards or the 866 MB images.zip at the repo root.

import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLES_ROOT } from '../../src/data/dataset.ts';
import { resultsSchema } from '../../src/report/schema.ts';
import { FAKE_SHA, sha256Hex, startHubEmulator, type HubEmulator } from '../helpers/hub-emulator.ts';
import { runCli } from '../helpers/run-cli.ts';

const REPO = 'AI4Math/MathVista';
const TESTMINI = 'data/testmini-00000-of-00001-725687bf7a18d64b.parquet';

let hub: HubEmulator | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

describe('eval --suite mathvista --data hub', () => {
  it('downloads the testmini file only and records it', async () => {
    const testmini = new Uint8Array(await readFile(join(SAMPLES_ROOT, 'mathvista', 'data', 'testmini-00000-of-00001.parquet')));
    const decoy = (n: number) => new Uint8Array(4096).fill(n);
    const card = '---\nconfigs:\n- config_name: default\n  data_files:\n  - split: testmini\n    path: data/testmini-*\n  - split: test\n    path: data/test-*\n---\n';
    hub = await startHubEmulator({
      repos: [
        {
          type: 'dataset',
          id: REPO,
          files: new Map<string, Uint8Array>([
            ['README.md', new TextEncoder().encode(card)],
            ['annot_testmini.json', decoy(1)],
            ['images.zip', decoy(2)],
            ['source.json', decoy(3)],
            ['data/test-00000-of-00002-6b81bd7f7e2065e6.parquet', decoy(4)],
            ['data/test-00001-of-00002-6a611c71596db30f.parquet', decoy(5)],
            [TESTMINI, testmini],
          ]),
        },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'mathvista-hub-'));
    const preds = join(dir, 'preds.jsonl');
    await writeFile(preds, '{"id": "9002", "prediction": "Rome"}\n');
    const out = join(dir, 'run');
    const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(dir, 'cache'), HF_HOME: join(dir, 'hf-home'), HF_TOKEN: '', HF_HUB_OFFLINE: '' };
    const r = await runCli(['eval', '--suite', 'mathvista', '--data', 'hub', '--backend', 'replay', '--predictions', preds, '--ids', '9002', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(hub.requests.filter((q) => q.path.includes('/resolve/')).map((q) => q.path)).toEqual([`/datasets/${REPO}/resolve/${FAKE_SHA}/${TESTMINI}`]);
    const s = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).suites[0];
    expect(s.dataset).toMatchObject({ source: 'hub', repo: REPO, config: 'default', split: 'testmini', revision: FAKE_SHA });
    expect(s.dataset.files).toEqual([{ path: TESTMINI, size: testmini.length, sha256: sha256Hex(testmini) }]);
    expect(s.metrics.accuracy_rule_extract.value).toBe(1);
  });
});
