// What the Hub client reads from the environment, as huggingface_hub does
// (../shared/spec/datasets.md §3 "Auth and environment", §5 "Paths"). @huggingface/hub reads none of
// these outside its CLI (§4.1), so the harness reads them here and passes them on every call.
//   HF_ENDPOINT                      the Hub or a mirror; default https://huggingface.co, no trailing /
//   HF_TOKEN, HUGGING_FACE_HUB_TOKEN the token (legacy name second), else the file HF_TOKEN_PATH,
//                                    else $HF_HOME/token (what `hf auth login` writes)
//   HF_HUB_OFFLINE                   1/ON/YES/TRUE: no HTTP at all
//   HF_HOME, XDG_CACHE_HOME          where the token file and the cache live
// A token is a secret: it goes into an Authorization header and nowhere else.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
}

export function hfHome(env: Env, home: string = homedir()): string {
  if (env.HF_HOME) return expandHome(env.HF_HOME, home);
  const xdg = env.XDG_CACHE_HOME ? expandHome(env.XDG_CACHE_HOME, home) : join(home, '.cache');
  return join(xdg, 'huggingface');
}

/** HF_ENDPOINT without trailing slashes, or huggingface.co. */
export function hubEndpoint(env: Env): string {
  return (env.HF_ENDPOINT?.trim() || DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

/** HF_HUB_OFFLINE as huggingface_hub reads it: 1, ON, YES or TRUE (any case). */
export function isOffline(env: Env): boolean {
  return ['1', 'ON', 'YES', 'TRUE'].includes((env.HF_HUB_OFFLINE ?? '').trim().toUpperCase());
}

/**
 * HF_TOKEN, else HUGGING_FACE_HUB_TOKEN, else the token file (HF_TOKEN_PATH or $HF_HOME/token).
 * Any format is accepted: mirrors issue tokens without the `hf_` prefix.
 */
export async function hfToken(env: Env, home: string = homedir()): Promise<string | undefined> {
  for (const name of ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'] as const) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  const file = env.HF_TOKEN_PATH ? expandHome(env.HF_TOKEN_PATH, home) : join(hfHome(env, home), 'token');
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
