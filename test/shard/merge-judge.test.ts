// A suite read by an LLM judge (MathVista), sharded: each shard asks the judge about its own
// samples, and the merge scores the union from the extractions the shards recorded, exactly as one
// judged run, without asking the judge anything.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES, JUDGED, judgeScript } from '../helpers/mathvista-judge.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectSameRun, readResults } from '../helpers/shard-runs.ts';

let server: ScriptedServer | null = null;
afterAll(async () => server?.close());

describe('merge: a judged suite', () => {
  it('merges to the single judged run, and the merge sends the judge nothing', async () => {
    server = await startOpenAiServer({ script: judgeScript() });
    const root = mkdtempSync(join(tmpdir(), 'merge-judge-'));
    const preds = join(root, 'preds.jsonl');
    writeFileSync(preds, CASES.map((c) => `${JSON.stringify({ id: c.pid, prediction: c.response })}\n`).join(''));
    const args = (out: string, extra: string[] = []) => ['eval', '--suite', 'mathvista', '--data', 'sample', '--backend', 'replay', '--predictions', preds, '--judge-base-url', server!.baseUrl, '--judge-model', 'judge-a', '--out', out, ...extra];
    const single = join(root, 'single');
    expect((await runCli(args(single))).code).toBe(0);
    const dirs = [0, 1, 2].map((i) => join(root, `shard-${i}`));
    const runs = await Promise.all(dirs.map((d, i) => runCli(args(d, ['--shard', `${i}/3`]))));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const asked = server.chatBodies().length;
    expect(asked).toBe(2 * JUDGED.length); // the single run, then the shards between them

    const out = join(root, 'merged');
    const m = await runCli(['merge', ...dirs, '--out', out]);
    expect(m.code, m.stderr).toBe(0);
    expect(server.chatBodies()).toHaveLength(asked);
    const merged = readResults(out);
    expectSameRun({ dir: out, results: merged }, { dir: single, results: readResults(single) });
    const s = merged.suites[0];
    expect(s.primaryMetric).toBe('accuracy'); // the judged metric, not the rule-based one
    expect(s.judge).toEqual({ model: 'judge-a', baseUrl: server.baseUrl, calls: JUDGED.length, cacheHits: 0 });
    expect(s.judgePerf).toMatchObject({ requests: JUDGED.length, errors: 0 });
  });
});
