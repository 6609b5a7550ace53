// The identity of a run directory: what must stay the same for the results in it to belong to one
// run. A directory that holds results refuses an invocation with another identity (--out reused,
// or --resume with flags that change it), so two models, prompts or datasets are never mixed in
// one samples.jsonl and reported as one.
//
// Identity (refused when it differs): the suites with their versions and the configs/splits they
// evaluate (--subject, --split); each suite's data-file fingerprint (src/data/files-fingerprint.ts);
// the backend; the model and dtype the backend resolved, and --model/--dtype as given; the prompt
// style; --max-images and --extra-body (they change what the model sees and how it decodes);
// --conversation with its --max-turns and --history (each turn's answer depends on the turns before).
// Not identity:
// - the selection, --limit and --ids: a sample's result does not depend on which others run, so a
//   run may be extended; its report covers the latest invocation's selection;
// - load settings (--concurrency, --request-rate, --warmup, client workers) and machinery
//   (timeouts, retries, telemetry, --base-url, --device, --threads, --python, --max-response-bytes):
//   they may change on resume and are recorded per invocation in run.json.

import { getStyledSuite } from '../../suites/index.ts';
import { suiteOptions } from '../data/dataset.ts';
import type { ConversationSettings } from '../conversation/history-answer.ts';
import type { RunPlan } from './plan.ts';

export interface SuiteIdentity {
  version: number;
  /** The `config/split` pairs the suite evaluates, e.g. `Math/validation`. */
  data: string[];
  /** Data-file fingerprint and where the files came from; absent until the data is first resolved. */
  fingerprint?: string;
  source?: string;
}

export interface RunIdentity {
  suites: Record<string, SuiteIdentity>;
  backend: string;
  /** --model and --dtype as given (null when not given). */
  requestedModel: string | null;
  requestedDtype: string | null;
  /** What the backend resolved; absent until a backend described itself. */
  model?: string;
  dtype?: string | null;
  promptStyle: string;
  maxImages: number | null;
  /** --extra-body as canonical JSON (sorted keys), or null. */
  extraBody: string | null;
  /** --conversation's settings, or null for one question per request (absent in runs made before conversations: null). */
  conversation?: ConversationSettings | null;
}

/** JSON with object keys sorted, so equal values give equal text. */
export function stableJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
        : v;
  return JSON.stringify(sortKeys(value));
}

function canonicalJson(text: string | undefined): string | null {
  if (text === undefined) return null;
  try {
    return stableJson(JSON.parse(text));
  } catch {
    return text; // the backend refuses it with the reason; here it only has to compare
  }
}

/** Everything the plan alone decides, before a model loads or data is read. */
export function planIdentity(plan: RunPlan): RunIdentity {
  const options = suiteOptions({ lmmsOrg: plan.lmmsOrg, ...(plan.subjects ? { subjects: plan.subjects } : {}), ...(plan.split ? { split: plan.split } : {}) });
  const suites: Record<string, SuiteIdentity> = {};
  for (const id of plan.suites) {
    const suite = getStyledSuite(id, plan.promptStyle);
    suites[id] = { version: suite.version, data: suite.datasets(options).map((d) => `${d.config}/${d.split}`) };
  }
  return {
    suites,
    backend: plan.backend,
    requestedModel: plan.model ?? null,
    requestedDtype: plan.dtype ?? null,
    promptStyle: plan.promptStyle,
    maxImages: plan.maxImages ?? null,
    extraBody: canonicalJson(plan.extraBody),
    conversation: plan.conversation ? { maxTurns: plan.conversation.maxTurns, history: plan.conversation.history } : null,
  };
}

function conversationText(c: ConversationSettings | null | undefined): string {
  return c ? `--conversation --history ${c.history} --max-turns ${c.maxTurns}` : 'no --conversation';
}

function shortFingerprint(f: string): string {
  return `${f.replace(/^sha256:/, '').slice(0, 12)}…`;
}

function text(v: unknown): string {
  return v === null || v === undefined ? 'none' : typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * What differs between the identity stored with a run and this invocation's, one phrase each
 * ("backend: onnx in the run, replay now"). Fields either side does not know yet are not compared.
 * `labels` name the two sides otherwise (merge compares one shard with another).
 */
export function identityDifferences(run: RunIdentity, now: RunIdentity, labels: { run: string; now: string } = { run: 'in the run', now: 'now' }): string[] {
  const out: string[] = [];
  const [inRun, inNow] = [labels.run, labels.now];
  const runIds = Object.keys(run.suites).sort();
  const nowIds = Object.keys(now.suites).sort();
  if (runIds.join(',') !== nowIds.join(',')) out.push(`suites: ${runIds.join(', ')} ${inRun}, ${nowIds.join(', ')} ${inNow}`);
  for (const id of nowIds) {
    const a = run.suites[id];
    const b = now.suites[id];
    if (!a) continue;
    if (a.version !== b.version) out.push(`${id}: suite version ${a.version} ${inRun}, ${b.version} ${inNow} (its prompt or scoring changed)`);
    if (a.data.join(',') !== b.data.join(',')) out.push(`${id}: data ${a.data.join(', ')} ${inRun}, ${b.data.join(', ')} ${inNow} (--subject, --split)`);
    if (a.fingerprint && b.fingerprint && a.fingerprint !== b.fingerprint) {
      out.push(`${id}: data files ${shortFingerprint(a.fingerprint)} (${a.source ?? '?'} data) ${inRun}, ${shortFingerprint(b.fingerprint)} (${b.source ?? '?'} data) ${inNow} (--data, --revision)`);
    }
  }
  const field = (name: string, a: unknown, b: unknown) => {
    if (a === undefined || b === undefined || text(a) === text(b)) return;
    out.push(`${name}: ${text(a)} ${inRun}, ${text(b)} ${inNow}`);
  };
  field('backend', run.backend, now.backend);
  // --model/--dtype are compared when both runs gave them; the resolved model decides otherwise
  if (run.requestedModel !== null && now.requestedModel !== null) field('--model', run.requestedModel, now.requestedModel);
  if (run.requestedDtype !== null && now.requestedDtype !== null) field('--dtype', run.requestedDtype, now.requestedDtype);
  field('model', run.model, now.model);
  field('dtype', run.dtype, now.dtype);
  field('prompt style', run.promptStyle, now.promptStyle);
  field('--max-images', run.maxImages, now.maxImages);
  field('--extra-body', run.extraBody, now.extraBody);
  // a run made before conversations existed asked one question per request
  field('conversation', conversationText(run.conversation), conversationText(now.conversation));
  return out;
}

/** The stored identity completed with what this invocation learned (a resolved model, fingerprints). */
export function mergeIdentity(stored: RunIdentity, learned: RunIdentity): RunIdentity {
  const suites: Record<string, SuiteIdentity> = {};
  for (const [id, s] of Object.entries(learned.suites)) suites[id] = { ...stored.suites[id], ...s };
  return { ...stored, ...learned, suites };
}
