// Looks an executable up on PATH the way a shell would, so the probe can say "not found" apart from
// "failed", and a test can put a stand-in first on PATH (passing its own env, not mutating ours).

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

export type FindOnPath = (name: string, env: NodeJS.ProcessEnv) => Promise<string | null>;

export const findOnPath: FindOnPath = async (name, env) => {
  const candidates = name.includes('/')
    ? [name]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter((dir) => dir !== '' && isAbsolute(dir))
        .map((dir) => join(dir, name));
  for (const file of candidates) {
    try {
      await access(file, constants.X_OK);
      if ((await stat(file)).isFile()) return file;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
};
