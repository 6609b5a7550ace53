import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/run/plan.ts';

const defaults = { backend: 'replay', data: 'sample' };
const now = new Date(Date.UTC(2026, 10, 27, 12, 34, 56));

function yaml(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'plan-')), 'run.yaml');
  writeFileSync(file, text);
  return file;
}

describe('buildPlan', () => {
  it('applies defaults and names the run directory after time, suite and model', () => {
    const plan = buildPlan({ flags: { suite: 'mmmu', model: 'org/My Model' }, defaults, now });
    expect(plan.suites).toEqual(['mmmu']);
    expect(plan.runId).toBe('20261127-123456-mmmu-My-Model');
    expect(plan.runDir).toBe(join('reports', plan.runId));
    expect(plan).toMatchObject({ backend: 'replay', data: 'sample', concurrency: 1, maxRetries: 3, lmmsOrg: 'lmms-lab-encoder' });
  });

  it('lets flags override the config file', () => {
    const file = yaml('suite: [chartqa, docvqa]\nconcurrency: 8\nlimit: 5\n');
    const plan = buildPlan({ flags: { concurrency: 2 }, configFile: file, defaults, now });
    expect(plan.suites).toEqual(['chartqa', 'docvqa']);
    expect(plan.concurrency).toBe(2);
    expect(plan.limit).toBe(5);
  });

  it('names an unknown config key with a suggestion', () => {
    const file = yaml('suite: mmmu\nconcurency: 8\n');
    expect(() => buildPlan({ flags: {}, configFile: file, defaults })).toThrow(/unknown key 'concurency'. Did you mean 'concurrency'\?/);
  });

  it('names a mistyped config value', () => {
    const file = yaml('suite: mmmu\nlimit: many\n');
    expect(() => buildPlan({ flags: {}, configFile: file, defaults })).toThrow(/'limit'/);
  });

  it('requires a suite', () => {
    expect(() => buildPlan({ flags: {}, defaults })).toThrow(/No suite given/);
  });

  it('does not persist --retry-errors into the saved config', () => {
    const plan = buildPlan({ flags: { suite: 'mmmu', retryErrors: true }, defaults, now });
    expect(plan.retryErrors).toBe(true);
    expect(plan.savedConfig).not.toHaveProperty('retryErrors');
  });
});
