// The load generator's self-check end to end: a client worker overloaded on purpose (the stall hook
// blocks its event loop on every turn) makes the run say "client saturated: latency figures are not
// trustworthy" on the console and in report.md, sets perf.client.saturated in results.json, and
// the gate refuses the run (exit 2) while compare flags it. The delay is forced, not timed.

import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOOP_DELAY_P99_LIMIT_MS, SATURATION_MESSAGE } from '../../src/load/client-check.ts';
import { resultsSchema } from '../../src/report/schema.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('client saturation', () => {
  it('is reported on the console, in report.md and results.json; gate refuses the run, compare flags it', async () => {
    server = await startOpenAiServer({ script: { firstChunkMs: 5, intervalMs: 2, chunks: 3 } });
    const root = mkdtempSync(join(tmpdir(), 'client-sat-'));
    const out = join(root, 'saturated');
    const env = { PATH: '/usr/bin:/bin', VLM_HARNESS_CLIENT_STALL_MS: String(3 * LOOP_DELAY_P99_LIMIT_MS) };
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', server.baseUrl, '--model', 'm', '--client-workers', '1', '--concurrency', '4', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(SATURATION_MESSAGE);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(SATURATION_MESSAGE);
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    const client = results.suites[0].perf.client!;
    expect(client).toMatchObject({ workers: 1, saturated: true });
    expect(client.loopDelayP99Ms).toBeGreaterThan(LOOP_DELAY_P99_LIMIT_MS);
    expect(results.notices.some((n) => n.startsWith(SATURATION_MESSAGE))).toBe(true);

    // a baseline without a load generator: the same predictions replayed
    const baseline = join(root, 'baseline');
    const replay = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'replay', '--predictions', join(out, 'samples.jsonl'), '--out', baseline], { env: { PATH: '/usr/bin:/bin' } });
    expect(replay.code, replay.stderr).toBe(0);
    expect(resultsSchema.parse(JSON.parse(readFileSync(join(baseline, 'results.json'), 'utf8'))).suites[0].perf.client).toBeNull();

    const gate = await runCli(['gate', '--baseline', baseline, '--candidate', out]);
    expect(gate.code, gate.stdout + gate.stderr).toBe(2);
    expect(gate.stdout).toContain(SATURATION_MESSAGE);

    const compare = await runCli(['compare', baseline, out, '--out', join(root, 'comparison')]);
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stderr).toContain(SATURATION_MESSAGE);
  });
});
