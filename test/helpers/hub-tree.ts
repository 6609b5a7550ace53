// The Hub tree API's view of a flat file list (../shared/spec/datasets.md §3 "list files"): the
// entries under a folder, directories included, sorted by path; recursive or one level deep.
// null when the folder does not exist (the Hub answers 404 EntryNotFound).

export interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

export function treeEntries(paths: readonly string[], folder: string, recursive: boolean, fileEntry: (path: string) => TreeEntry): TreeEntry[] | null {
  const prefix = folder ? `${folder}/` : '';
  const under = paths.filter((p) => p.startsWith(prefix));
  if (folder && under.length === 0) return paths.includes(folder) ? [fileEntry(folder)] : null;
  const out = new Map<string, TreeEntry>();
  for (const path of under) {
    const rest = path.slice(prefix.length).split('/');
    const depth = recursive ? rest.length : 1;
    for (let i = 1; i <= depth; i++) {
      const p = prefix + rest.slice(0, i).join('/');
      if (i === rest.length) out.set(p, fileEntry(p));
      else if (!out.has(p)) out.set(p, { type: 'directory', path: p, size: 0, oid: '0'.repeat(40) });
    }
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
