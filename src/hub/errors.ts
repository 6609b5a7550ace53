// Hub answers turned into messages a user can act on (../shared/spec/datasets.md §3 "Errors").
// The Hub says what went wrong in the X-Error-Code header (GatedRepo, RepoNotFound,
// RevisionNotFound, EntryNotFound) and X-Error-Message / a JSON {"error": …} body; the status alone
// is ambiguous (a missing repo answers 401 to anonymous callers). Two kinds of failure:
//   HubUnreachableError  no connection, DNS, timeout, 5xx, rate limit that outlasted the retries:
//                        callers may use the cache instead, as huggingface_hub does (§5);
//   UserError            the Hub answered and the answer is final (gated, missing, bad revision).
// Messages name the repo, revision and file and say how to fix it; they never hold the token.

import { UserError } from '../errors.ts';
import { describeRepo, webUrl, type RepoRef } from './repo.ts';

/** The Hub could not be reached or did not answer usefully; the cache may stand in for it. */
export class HubUnreachableError extends Error {
  override name = 'HubUnreachableError';
}

/**
 * A repo's files cannot be had: the Hub is out of reach (or HF_HUB_OFFLINE is set) and the cache
 * does not hold them. Callers with a fallback (the embedded default) catch it; others print it.
 */
export class HubUnavailableError extends UserError {
  override name = 'HubUnavailableError';
  readonly reason: 'offline' | 'unreachable';
  constructor(message: string, reason: 'offline' | 'unreachable') {
    super(message, 1);
    this.reason = reason;
  }
}

/** The Hub answered that the repo, revision or file does not exist (or is not visible to us). */
export class HubNotFoundError extends UserError {
  override name = 'HubNotFoundError';
  readonly missing: 'repo' | 'revision' | 'entry';
  constructor(message: string, missing: 'repo' | 'revision' | 'entry') {
    super(message, 2);
    this.missing = missing;
  }
}

/** What a request was about, for the message. */
export interface HubRequestContext {
  endpoint: string;
  repo: RepoRef;
  revision?: string;
  /** The file or folder the request was for. */
  entry?: { kind: 'file' | 'folder'; path: string };
  hasToken: boolean;
  /** What to check when the repo does not exist, e.g. `check --model`. */
  notFoundHint?: string;
}

export interface HubErrorInfo {
  status: number;
  code: string | null;
  message: string | null;
}

/** Reads X-Error-Code / X-Error-Message and the JSON or text body of a failed response. */
export async function readHubError(res: Response): Promise<HubErrorInfo> {
  let message = res.headers.get('x-error-message');
  const text = await res.text().catch(() => '');
  if (!message && text) {
    try {
      const json = JSON.parse(text) as { error?: unknown; message?: unknown };
      const m = json.error ?? json.message;
      if (typeof m === 'string') message = m;
    } catch {
      message = text.slice(0, 200);
    }
  }
  return { status: res.status, code: res.headers.get('x-error-code'), message: message?.trim() || null };
}

/** The error to throw for a failed Hub answer (status >= 400). */
export function hubHttpError(info: HubErrorInfo, ctx: HubRequestContext): Error {
  const { status, code } = info;
  const what = `${describeRepo(ctx.repo)}`;
  const page = webUrl(ctx.endpoint, ctx.repo);
  const tag = `HTTP ${status}${code ? `, ${code}` : ''}`;
  if (status >= 500) return new HubUnreachableError(`HTTP ${status}`);
  if (code === 'GatedRepo' && status === 401) {
    return new UserError(
      ctx.hasToken
        ? `The ${what} is gated and ${ctx.endpoint} did not accept your HF_TOKEN (${tag}): check that the token is valid and belongs to an account with access (request it at ${page}).`
        : `The ${what} is gated (${tag}): request access at ${page}, then set HF_TOKEN to a token of the account that was granted access.`,
      1,
    );
  }
  if (code === 'GatedRepo') {
    return new UserError(`The ${what} is gated and the account of your HF_TOKEN is not (yet) granted access (${tag}): request access at ${page} and wait for approval.`, 1);
  }
  if (code === 'RevisionNotFound') {
    return new HubNotFoundError(`The ${what} has no revision '${ctx.revision ?? 'main'}' (${tag}): check --revision (a branch, tag or 40-hex commit sha).`, 'revision');
  }
  if (code === 'EntryNotFound' || (status === 404 && ctx.entry && code !== 'RepoNotFound')) {
    const entry = ctx.entry ? `${ctx.entry.kind} '${ctx.entry.path}'` : 'such file';
    return new HubNotFoundError(`The ${what} has no ${entry} at revision ${ctx.revision ?? 'main'} (${tag}).`, 'entry');
  }
  if (status === 401 && ctx.hasToken && /invalid (credentials|username or password)/i.test(info.message ?? '')) {
    return new UserError(`${ctx.endpoint} rejected your HF_TOKEN as invalid (${tag}) while reading ${what}: check or renew the token (HF_TOKEN, HUGGING_FACE_HUB_TOKEN or the token file).`, 1);
  }
  if (code === 'RepoNotFound' || status === 401 || status === 404) {
    const hint = ctx.notFoundHint ? `${ctx.notFoundHint}; ` : '';
    const access = ctx.hasToken ? 'private repos need an HF_TOKEN with access to them' : 'private repos need HF_TOKEN';
    return new HubNotFoundError(`The Hub at ${ctx.endpoint} has no ${ctx.repo.type} repo '${ctx.repo.id}' (${tag}): ${hint}${access}.`, 'repo');
  }
  const detail = info.message ? `: ${info.message}` : '';
  return new UserError(`The Hub at ${ctx.endpoint} refused a request for ${what} (${tag}${detail}).`, 1);
}

/** A short reason for a failed fetch: the system error code (ENOTFOUND, ECONNREFUSED …) when there is one. */
export function networkReason(e: unknown): string {
  if (e instanceof Error && e.name === 'TimeoutError') return 'no answer in time';
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  return e instanceof Error ? (cause?.message ?? e.message) : String(e);
}

/** Replaces every occurrence of `secret` in an error's message (belt and braces: messages never hold it). */
export function scrubSecret<E>(e: E, secret: string | undefined): E {
  if (secret && e instanceof Error) {
    e.message = e.message.split(secret).join('***');
    if (e.stack) e.stack = e.stack.split(secret).join('***');
  }
  return e;
}
