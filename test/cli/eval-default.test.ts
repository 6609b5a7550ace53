// The README's main command, `npm run eval -- --suite mmmu`, on a machine that cannot reach the
// Hub: it falls back to the tiny bundled model and the bundled sample, says so loudly at the start,
// at the end and in results.json, and still measures the generation.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultsSchema } from '../../src/report/schema.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('npm run eval -- --suite mmmu, offline', () => {
  it('falls back loudly to the tiny model and the bundled sample, and fills the perf block', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-default-'));
    const out = join(dir, 'run');
    // port 1 on loopback refuses connections: an unreachable Hub, without touching the network
    const env = { HF_ENDPOINT: 'http://127.0.0.1:1', HF_HUB_CACHE: join(dir, 'cache'), HF_TOKEN: 'hf_secret_token_value' };
    const r = await runCli(['eval', '--suite', 'mmmu', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const fallbacks = r.stderr.match(/FALLBACK: /g) ?? [];
    expect(fallbacks.length).toBeGreaterThanOrEqual(2); // at the start and at the end
    expect(r.stderr).toMatch(/Falling back to the bundled sample/);
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(results.model).toMatchObject({ id: 'vlm-harness/tiny-random-smolvlm', backend: 'onnx' });
    expect(results.notices.join('\n')).toMatch(/FALLBACK/);
    const s = results.suites[0];
    expect(s.dataset.source).toBe('sample');
    expect(s.counts.scored).toBe(s.counts.total);
    expect(s.perf.outputTokensPerSec).toBeGreaterThan(0);
    expect(s.perf.ttftMs).not.toBeNull();
    for (const f of ['results.json', 'samples.jsonl', 'config.json', 'report.md']) {
      expect(readFileSync(join(out, f), 'utf8')).not.toContain('hf_secret_token_value');
    }
    expect(r.stderr).not.toContain('hf_secret_token_value');
  });

  it('an explicit --data hub does not fall back: it fails with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-hub-'));
    const env = { HF_ENDPOINT: 'http://127.0.0.1:1', HF_HUB_CACHE: join(dir, 'cache') };
    const preds = join(dir, 'preds.jsonl');
    writeFileSync(preds, '{"id": "validation_Math_1", "prediction": "A"}\n');
    const r = await runCli(['eval', '--suite', 'mmmu', '--data', 'hub', '--backend', 'replay', '--predictions', preds, '--out', join(dir, 'run')], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unreachable/);
    expect(r.stderr).not.toMatch(/Falling back/);
  });
});
