import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

  it('defaults to the lmms-eval prompt style and no raw prompt', () => {
    const plan = buildPlan({ flags: { suite: 'chartqa' }, defaults, now });
    expect(plan).toMatchObject({ promptStyle: 'lmms-eval', rawPrompt: false });
    expect(plan).not.toHaveProperty('preset');
    expect(plan.savedConfig).toMatchObject({ promptStyle: 'lmms-eval' });
  });

  it('expands a model-card preset into suites, style and MMMU subjects; flags still win', () => {
    const plan = buildPlan({ flags: { preset: 'llama-3.2-90b-card', model: 'meta-llama/Llama-3.2-90B-Vision-Instruct' }, defaults, now });
    expect(plan).toMatchObject({ suites: ['mmmu', 'mathvista', 'chartqa', 'ai2d', 'docvqa', 'vqav2'], promptStyle: 'llama-3.2-90b', subjects: ['all'], preset: 'llama-3.2-90b-card', maxImages: 1 });
    expect(plan.runId).toBe('20261127-123456-llama-3.2-90b-card-Llama-3.2-90B-Vision-Instruct');
    // written out, so a resume or the gate reads the same run without knowing presets
    expect(plan.savedConfig).toMatchObject({ preset: 'llama-3.2-90b-card', suite: plan.suites, promptStyle: 'llama-3.2-90b', subject: ['all'] });
    const narrowed = buildPlan({ flags: { preset: 'llama-3.2-11b-card', suite: 'mmmu', subject: 'Math,Physics', promptStyle: 'lmms-eval' }, defaults, now });
    expect(narrowed).toMatchObject({ suites: ['mmmu'], subjects: ['Math', 'Physics'], promptStyle: 'lmms-eval', preset: 'llama-3.2-11b-card' });
  });

  it('names an unknown prompt style or preset with a suggestion', () => {
    expect(() => buildPlan({ flags: { suite: 'mmmu', promptStyle: 'lmms_eval' }, defaults })).toThrow(/Unknown prompt style 'lmms_eval'. Did you mean 'lmms-eval'\?/);
    expect(() => buildPlan({ flags: { preset: 'llama-3.2-90b' }, defaults })).toThrow(/Unknown preset 'llama-3.2-90b'. Did you mean 'llama-3.2-90b-card'\?/);
  });

  it('refuses to change the prompt style of a run on resume', () => {
    const first = buildPlan({ flags: { suite: 'chartqa', promptStyle: 'llama-3.2', out: join(mkdtempSync(join(tmpdir(), 'plan-')), 'run') }, defaults, now });
    mkdirSync(first.runDir, { recursive: true });
    writeFileSync(join(first.runDir, 'config.json'), JSON.stringify(first.savedConfig));
    expect(buildPlan({ flags: {}, resumeDir: first.runDir, defaults }).promptStyle).toBe('llama-3.2');
    expect(() => buildPlan({ flags: { promptStyle: 'lmms-eval' }, resumeDir: first.runDir, defaults })).toThrow(/used --prompt-style llama-3.2; a resume cannot change it/);
  });
});
