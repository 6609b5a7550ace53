// A tree from `key: value` lines nested by indentation: amd-smi's human format (`GPU: 0` /
// `    USAGE:` / `        GFX_ACTIVITY: 100 %`) and `nvidia-smi -q` (`    FB Memory Usage` /
// `        Total : 81559 MiB`). Keys are lower-cased with runs of spaces collapsed, so look-ups
// are case-insensitive as spec/telemetry.md §6 asks.

export interface Tree {
  [key: string]: string | Tree;
}

/** Where a line that has a value also has indented children, the value is kept under this key. */
export const OWN_VALUE = '_value';

export function normalizeKey(key: string): string {
  return key.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function parseIndentedTree(lines: readonly string[]): Tree {
  const root: Tree = {};
  const stack: Array<{ indent: number; node: Tree }> = [{ indent: -1, node: root }];
  let last: { indent: number; parent: Tree; key: string } | null = null;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = line.replace(/\t/g, '    ').search(/\S/);
    // A line deeper than a leaf turns that leaf into a section that keeps its value.
    if (last && indent > last.indent) {
      const own = last.parent[last.key];
      if (typeof own === 'string') {
        const node: Tree = { [OWN_VALUE]: own };
        last.parent[last.key] = node;
        stack.push({ indent: last.indent, node });
      }
    }
    while (stack.length > 1 && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack[stack.length - 1].node;
    const content = line.trim();
    const colon = content.indexOf(':');
    const key = normalizeKey(colon === -1 ? content : content.slice(0, colon));
    const value = colon === -1 ? '' : content.slice(colon + 1).trim();
    if (key === '' || key in parent) {
      last = null;
      continue;
    }
    if (value === '') {
      const node: Tree = {};
      parent[key] = node;
      stack.push({ indent, node });
      last = null;
    } else {
      parent[key] = value;
      last = { indent, parent, key };
    }
  }
  return root;
}

/** The value at a path of (normalised) keys, or undefined. */
export function treeGet(tree: Tree | undefined, ...path: string[]): string | Tree | undefined {
  let node: string | Tree | undefined = tree;
  for (const key of path) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[key];
  }
  return node;
}

export function treeText(tree: Tree | undefined, ...path: string[]): string | undefined {
  const v = treeGet(tree, ...path);
  if (typeof v === 'string') return v;
  return v && typeof v[OWN_VALUE] === 'string' ? v[OWN_VALUE] : undefined;
}
