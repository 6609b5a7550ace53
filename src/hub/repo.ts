// A Hub repo as the URLs see it. Models and datasets differ only in prefixes
// (../shared/spec/datasets.md §3, §5):
//   API        {E}/api/models/{id}/…          {E}/api/datasets/{id}/…
//   download   {E}/{id}/resolve/{rev}/{path}  {E}/datasets/{id}/resolve/{rev}/{path}
//   web page   {E}/{id}                       {E}/datasets/{id}
//   cache      models--{org}--{name}          datasets--{org}--{name}

export type RepoType = 'model' | 'dataset';

export interface RepoRef {
  type: RepoType;
  /** `org/name` (or a bare legacy `name`). */
  id: string;
}

const REPO_ID = /^(?:[\w.-]+\/)?[\w.-]+$/;
const SHA = /^[0-9a-f]{40}$/;

/** An `org/name` id that is safe in a URL and in a cache folder name. */
export function isRepoId(id: string): boolean {
  return REPO_ID.test(id) && !id.includes('..') && !id.includes('--') && !id.startsWith('.') && !id.endsWith('.');
}

export function isCommitSha(revision: string): boolean {
  return SHA.test(revision);
}

/** A branch, tag or sha that is safe as a refs/ path: no empty, `.` or `..` segments. */
export function isRevision(revision: string): boolean {
  return revision.length > 0 && revision.length < 256 && /^[\w./-]+$/.test(revision) && revision.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** `dataset MMMU/MMMU` / `model org/x`, for messages. */
export function describeRepo(repo: RepoRef): string {
  return `${repo.type} ${repo.id}`;
}

export function repoFolderName(repo: RepoRef): string {
  return `${repo.type}s--${repo.id.split('/').join('--')}`;
}

export function webUrl(endpoint: string, repo: RepoRef): string {
  return `${endpoint}/${repo.type === 'dataset' ? 'datasets/' : ''}${repo.id}`;
}

export function apiUrl(endpoint: string, repo: RepoRef, rest: string): string {
  return `${endpoint}/api/${repo.type}s/${repo.id}/${rest}`;
}

/** Path segments URL-encoded one by one (huggingface_hub quotes with safe='/'). */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function resolveUrl(endpoint: string, repo: RepoRef, revision: string, path: string): string {
  return `${webUrl(endpoint, repo)}/resolve/${encodeURIComponent(revision)}/${encodePath(path)}`;
}
