// Gate rules (configs/gates.yaml): tolerances and significance level per suite over defaults.
// Validated with strict zod objects so a typo is an error with a "Did you mean", never a rule
// silently left at its default. A tolerance set to null turns that check off.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SUITE_IDS } from '../../../suites/index.ts';
import { closest, UserError } from '../../errors.ts';
import { packagePath } from '../../package-root.ts';
import type { SuiteId } from '../../types.ts';

export const DEFAULT_RULES_PATH = packagePath('configs', 'gates.yaml');

const tolerance = z.number().min(0).nullable();

const ruleShape = {
  /** Significance level of the paired accuracy test. */
  alpha: z.number().gt(0).lt(1),
  /** Largest allowed accuracy drop (baseline − candidate), in the metric's own scale (0.01 = 1 pp of accuracy). */
  maxAccuracyDrop: tolerance,
  /** Largest allowed errored-sample rate of the candidate (0.01 = 1%). */
  maxErroredRate: z.number().min(0).max(1).nullable(),
  /** Largest allowed rise of the errored rate over the baseline's, in percentage points. */
  maxErroredRateIncreasePp: tolerance,
  /** Output tokens/s may drop at most this many percent. */
  maxThroughputDropPct: tolerance,
  /** TTFT p50 / p99 may rise at most this many percent. */
  maxTtftP50RisePct: tolerance,
  maxTtftP99RisePct: tolerance,
  /** Peak VRAM (a run-level figure, so only under `defaults`) may rise at most this many percent. */
  maxVramRisePct: tolerance,
  /** Compare anyway when the suite version, the dataset fingerprint or the sample ids differ. */
  allowVersionMismatch: z.boolean(),
  allowFingerprintMismatch: z.boolean(),
  allowSampleMismatch: z.boolean(),
  /** Bootstrap resamples for per-sample metrics, and for corpus metrics (each rescoring both runs). */
  resamples: z.number().int().min(100),
  corpusResamples: z.number().int().min(50),
  seed: z.number().int(),
};

export const gateRuleSchema = z.strictObject(ruleShape);
export type GateRule = z.infer<typeof gateRuleSchema>;

const partialRule = gateRuleSchema.partial();
const suiteRule = gateRuleSchema.omit({ maxVramRisePct: true }).partial();

export const gateRulesFileSchema = z.strictObject({
  defaults: partialRule.optional(),
  suites: z.strictObject(Object.fromEntries(SUITE_IDS.map((id) => [id, suiteRule.optional()])) as Record<SuiteId, z.ZodOptional<typeof suiteRule>>).optional(),
});

/** Built-in values under the file's `defaults` (the shipped configs/gates.yaml states them too). */
export const BUILTIN_RULE: GateRule = {
  alpha: 0.05,
  maxAccuracyDrop: 0.01,
  maxErroredRate: 0.01,
  maxErroredRateIncreasePp: 0.5,
  maxThroughputDropPct: 10,
  maxTtftP50RisePct: 15,
  maxTtftP99RisePct: 25,
  maxVramRisePct: 10,
  allowVersionMismatch: false,
  allowFingerprintMismatch: false,
  allowSampleMismatch: false,
  resamples: 10_000,
  corpusResamples: 300,
  seed: 20_240_601,
};

export interface GateRules {
  /** Where the rules came from (for messages). */
  source: string;
  defaults: GateRule;
  suites: Partial<Record<SuiteId, Partial<GateRule>>>;
}

function describeIssue(file: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const where = [...at, key].join('.');
    if (at.length === 0) {
      const hint = closest(key, ['defaults', 'suites']);
      return `${file}: unknown key '${key}'.${hint ? ` Did you mean '${hint}'?` : ' The top-level keys are defaults and suites.'}`;
    }
    if (at.length === 1 && at[0] === 'suites') {
      const hint = closest(key, SUITE_IDS);
      return `${file}: unknown suite '${key}' under suites.${hint ? ` Did you mean '${hint}'?` : ` Known: ${SUITE_IDS.join(', ')}.`}`;
    }
    if (key === 'maxVramRisePct') {
      return `${file}: '${where}': peak VRAM is measured per run, not per suite; set maxVramRisePct under defaults.`;
    }
    const hint = closest(key, Object.keys(ruleShape));
    return `${file}: unknown rule '${where}'.${hint ? ` Did you mean '${hint}'?` : ` Known rules: ${Object.keys(ruleShape).join(', ')}.`}`;
  }
  return `${file}: '${at.join('.') || '(top level)'}': ${issue.message}.`;
}

/** Parses rules from YAML text; `source` names the file in messages. */
export function parseGateRules(text: string, source: string): GateRules {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new UserError(`${source}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = gateRulesFileSchema.safeParse(data ?? {});
  if (!parsed.success) throw new UserError(describeIssue(source, parsed.error));
  return {
    source,
    defaults: { ...BUILTIN_RULE, ...parsed.data.defaults },
    suites: (parsed.data.suites ?? {}) as GateRules['suites'],
  };
}

/** Reads a rules file (default configs/gates.yaml). */
export function loadGateRules(path: string = DEFAULT_RULES_PATH): GateRules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`--rules ${path}: cannot read the file.`);
  }
  return parseGateRules(text, path === DEFAULT_RULES_PATH ? 'configs/gates.yaml' : path);
}

/** The effective rule for one suite: the suite's keys over `defaults`. */
export function ruleFor(rules: GateRules, suite: string): GateRule {
  return { ...rules.defaults, ...(rules.suites[suite as SuiteId] ?? {}) };
}
