// What harness wrote a report: its package version and, in a checkout, its git commit.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, packagePath } from '../../package-root.ts';
import type { Results } from '../../report/schema.ts';

export function harnessInfo(): Results['harness'] {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  let gitCommit: string | null = null;
  // Only a checkout of the harness has a commit: an installed copy (node_modules/vlm-harness) has no
  // .git, and asking git there would record the commit of whatever project contains it.
  if (!existsSync(join(PACKAGE_ROOT, '.git'))) return { version: pkg.version, gitCommit };
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 })
      .toString()
      .trim();
  } catch {
    gitCommit = null;
  }
  return { version: pkg.version, gitCommit };
}
