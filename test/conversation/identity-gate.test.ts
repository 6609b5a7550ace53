// Conversation settings are part of a run: a run directory refuses an invocation that would change
// them, and the gate refuses to compare answers asked in conversations with answers asked alone.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { gateRuns } from '../../src/report/gate/gate.ts';
import { describeLoad, loadDifferences } from '../../src/report/load-compare.ts';
import { runEval } from '../../src/run/eval.ts';
import { readInvocations } from '../../src/run/run-record.ts';
import { buildPlan } from '../../src/run/plan.ts';
import type { RunConfig } from '../../src/run/plan/run-config.ts';

const QUESTION_IDS = Array.from({ length: 14 }, (_, i) => String(900001 + i));

function predictions(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'conv-id-')), 'preds.jsonl');
  writeFileSync(file, QUESTION_IDS.map((id) => JSON.stringify({ id, prediction: `p${id}` })).join('\n') + '\n');
  return file;
}

async function evalRun(flags: RunConfig, resumeDir?: string) {
  const plan = buildPlan({ flags, ...(resumeDir ? { resumeDir } : {}), defaults: { backend: 'replay', data: 'sample' } });
  return runEval(plan, { signal: new AbortController().signal });
}

describe('conversation settings in the run identity', () => {
  it('refuses a resume or an --out reuse that changes --conversation, --history or --max-turns', async () => {
    const preds = predictions();
    const out = join(mkdtempSync(join(tmpdir(), 'conv-id-run-')), 'run');
    await evalRun({ suite: 'docvqa', predictions: preds, conversation: true, out });
    await expect(evalRun({ history: 'gold', conversation: true }, out)).rejects.toThrow(UserError);
    await expect(evalRun({ history: 'gold', conversation: true }, out)).rejects.toThrow(
      /conversation: --conversation --history model --max-turns 5 in the run, --conversation --history gold --max-turns 5 now/,
    );
    await expect(evalRun({ suite: 'docvqa', predictions: preds, out })).rejects.toThrow(/no --conversation now/);
    await expect(evalRun({ suite: 'docvqa', predictions: preds, conversation: true, maxTurns: 2, out })).rejects.toThrow(/--max-turns 2 now/);
    // the same settings resume
    const again = await evalRun({}, out);
    expect(again.results.suites[0].conversation).toMatchObject({ history: 'model', maxTurns: 5 });
    // the load records it, so perf is compared only with runs that asked the same way
    const load = readInvocations(out)[0].suites.docvqa.load;
    expect(load.conversation).toEqual({ history: 'model', maxTurns: 5 });
    expect(describeLoad(load)).toContain('conversations up to 5 turns, model history');
    const { conversation: _c, ...single } = load;
    expect(loadDifferences(load, single)).toEqual(['conversations up to 5 turns, model history vs none']);
    expect(describeLoad(single)).not.toContain('conversations');
  });

  it('the gate does not compare conversation answers with single-question answers', async () => {
    const preds = predictions();
    const root = mkdtempSync(join(tmpdir(), 'conv-gate-'));
    await evalRun({ suite: 'docvqa', predictions: preds, out: join(root, 'single') });
    await evalRun({ suite: 'docvqa', predictions: preds, conversation: true, out: join(root, 'conv') });
    await evalRun({ suite: 'docvqa', predictions: preds, conversation: true, out: join(root, 'conv2') });
    const outcome = await gateRuns({ baseline: join(root, 'single'), candidate: join(root, 'conv'), out: join(root, 'gate'), resamples: 200, corpusResamples: 20 });
    expect(outcome.exitCode).toBe(2);
    const check = outcome.checks.find((c) => c.kind === 'comparability')!;
    expect(check.note).toMatch(/asked differently: baseline one question per request, candidate conversations of up to 5 turns with model history/);
    const same = await gateRuns({ baseline: join(root, 'conv'), candidate: join(root, 'conv2'), out: join(root, 'gate2'), resamples: 200, corpusResamples: 20 });
    expect(same.exitCode).toBe(0);
  });
});
