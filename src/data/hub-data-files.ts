// Which files of a Hub dataset a split needs, asked of the Hub without listing the whole repo
// (../shared/spec/datasets.md §1: MathVista's root holds an 866 MB images.zip, DocVQA 12 GB of
// train shards): each `data_files` glob is listed from its fixed folder prefix only (`Math/validation-*`
// → the tree of `Math/`), recursively only when the glob reaches below it; globs without wildcards
// are looked up directly with paths-info.

import { UserError } from '../errors.ts';
import type { HubClient, RepoFile } from '../hub/client.ts';
import { HubNotFoundError } from '../hub/errors.ts';
import type { RepoRef } from '../hub/repo.ts';
import type { DatasetSpec } from '../types.ts';
import { matchesAny } from './glob.ts';

const WILDCARD = /[*?[]/;

/** The folder a glob can be listed from, and whether the listing must recurse. */
export function globFolder(glob: string): { folder: string; recursive: boolean } {
  const parts = glob.split('/');
  const first = parts.findIndex((p) => WILDCARD.test(p));
  const fixed = first === -1 ? parts.length - 1 : first;
  return { folder: parts.slice(0, fixed).join('/'), recursive: parts.length - fixed > 1 || glob.includes('**') };
}

/** The repo files that match the spec's globs at commit `sha`, sorted by path. */
export async function listDataFiles(client: HubClient, repo: RepoRef, sha: string, spec: DatasetSpec): Promise<RepoFile[]> {
  const byPath = new Map<string, RepoFile>();
  const exact = spec.dataFiles.filter((g) => !WILDCARD.test(g));
  if (exact.length) {
    const found = await client.pathsInfo(repo, sha, exact);
    for (const f of found) byPath.set(f.path, f);
    const absent = exact.filter((p) => !byPath.has(p));
    if (absent.length) throw new UserError(`The dataset ${repo.id} has no file ${absent.join(', ')} at revision ${sha} (config '${spec.config}', split '${spec.split}').`);
  }
  const folders = new Map<string, boolean>();
  for (const g of spec.dataFiles.filter((x) => WILDCARD.test(x))) {
    const { folder, recursive } = globFolder(g);
    folders.set(folder, (folders.get(folder) ?? false) || recursive);
  }
  const seen: string[] = [];
  for (const [folder, recursive] of folders) {
    let listed: RepoFile[];
    try {
      listed = await client.listFiles(repo, sha, { path: folder, recursive });
    } catch (e) {
      if (e instanceof HubNotFoundError && e.missing === 'entry') {
        throw new UserError(`${e.message} The suite reads ${spec.dataFiles.join(', ')} for config '${spec.config}', split '${spec.split}': check --subject / --split.`);
      }
      throw e;
    }
    for (const f of listed) {
      seen.push(f.path);
      if (matchesAny(f.path, spec.dataFiles)) byPath.set(f.path, f);
    }
  }
  if (byPath.size === 0) {
    const sample = seen.slice(0, 8).join(', ');
    throw new UserError(
      `The dataset ${repo.id} at revision ${sha} has no file matching ${spec.dataFiles.join(', ')} (config '${spec.config}', split '${spec.split}').` +
        (seen.length ? ` Files there: ${sample}${seen.length > 8 ? ', …' : ''}.` : ''),
    );
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
