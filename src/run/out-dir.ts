// The run directory is checked, and created, before any model loads: a mistake in --out costs a
// moment, not a model download and a stack trace. Refused, each with its reason: a path that is (or
// runs through) a file, a virtual filesystem such as /proc (mkdir there fails with ENOENT, and
// Node 20's recursive mkdir retries it forever, at 100% CPU), and a folder that cannot be written.
// Missing folders are therefore made one at a time below the nearest one that exists.

import { closeSync, mkdirSync, openSync, statfsSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';

/** statfs f_type of filesystems that hold no regular files (linux/magic.h). */
const VIRTUAL_FS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
  [0x42494e4d, 'binfmt_misc'],
  [0xcafe4a11, 'bpf'],
]);

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'read-only filesystem',
  ENOSPC: 'no space left',
  EDQUOT: 'disk quota exceeded',
};

function reason(e: unknown): string {
  const code = codeOf(e);
  return WHY[code] ? `${code}: ${WHY[code]}` : code;
}

/** Creates `dir` (and missing parents) for a run, or throws a UserError that says what is wrong. */
export function prepareOutDir(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let existing = abs;
  for (;;) {
    try {
      if (!statSync(existing).isDirectory()) {
        throw new UserError(
          existing === abs
            ? `--out ${dir} is a file, not a folder. Give a folder for the run (it is created if missing).`
            : `--out ${dir}: ${existing} is a file, so no folder can be made under it.`,
        );
      }
      break;
    } catch (e) {
      if (e instanceof UserError) throw e;
      const code = codeOf(e);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UserError(`--out ${dir}: cannot look at ${existing} (${reason(e)}).`);
      const parent = dirname(existing);
      if (parent === existing) throw new UserError(`--out ${dir}: no part of that path exists.`);
      missing.unshift(existing);
      existing = parent;
    }
  }
  let fsType: string | undefined;
  try {
    fsType = VIRTUAL_FS.get(statfsSync(existing).type);
  } catch {
    fsType = undefined; // statfs unsupported here: the writes below still tell
  }
  if (fsType) {
    throw new UserError(`--out ${dir} is on ${fsType} (${existing}), a virtual filesystem that cannot hold a run. Choose a folder on a disk, e.g. reports/<name>.`);
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if (codeOf(e) === 'EEXIST' && statSync(d).isDirectory()) continue; // made meanwhile by someone else
      throw new UserError(`--out ${dir}: cannot create ${d} (${reason(e)}). Choose a folder you can write to.`);
    }
  }
  // Permission bits do not tell (root, ACLs, read-only mounts): write a file and remove it.
  const probe = join(abs, `.vlm-harness-write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new UserError(`--out ${dir}: cannot write in ${abs} (${reason(e)}). Choose a folder you can write to.`);
  }
}
