// The in-process ONNX backend through the whole pipeline, on every suite, with the tiny random
// SmolVLM committed in models/tiny-smolvlm (the same code path a real SmolVLM takes).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/registry.ts';
import { runEval } from '../../src/run/eval.ts';
import { buildPlan } from '../../src/run/plan.ts';
import type { Backend } from '../../src/types.ts';
import { SUITE_IDS } from '../../suites/index.ts';

const TINY = fileURLToPath(new URL('../../models/tiny-smolvlm', import.meta.url));
let backend: Backend;

beforeAll(async () => {
  backend = await createBackend('onnx', { model: TINY });
});
afterAll(async () => {
  await backend.close?.();
});

describe('eval --backend onnx --model models/tiny-smolvlm', () => {
  it.each(SUITE_IDS)('%s: every sample generated, scored and timed', async (suite) => {
    const out = join(mkdtempSync(join(tmpdir(), 'eval-onnx-')), 'run');
    const plan = buildPlan({ flags: { suite, backend: 'onnx', model: TINY, limit: 3, data: 'sample', out }, defaults: { backend: 'onnx', data: 'hub' } });
    const { results } = await runEval(plan, { signal: new AbortController().signal, backend });
    const s = results.suites[0];
    expect(s.counts).toMatchObject({ total: 3, scored: 3, errored: 0 });
    expect(s.perf.outputTokensPerSec).toBeGreaterThan(0);
    expect(s.perf.ttftMs!.p50).toBeGreaterThan(0);
    expect(s.perf.tokenSource).toBe('tokenizer');
    expect(results.model).toMatchObject({ backend: 'onnx', dtype: 'fp32' });
  });
});
