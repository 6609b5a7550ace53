// What --model names for the onnx backend: an existing folder (checked first, as transformers does,
// so `models/tiny-smolvlm` is the folder, not a Hub repo of that name) or a Hub id. A folder's model
// id, for reports, is the `_name_or_path` in its config.json when that is a Hub id, else the repo of
// the Hub cache snapshot it sits in (…/models--org--name/snapshots/<sha>), else its path.

import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';

export type ModelSource = { kind: 'folder'; dir: string; modelId: string } | { kind: 'hub'; id: string };

const HUB_ID = /^(?:[\w.-]+\/)?[\w.-]+$/;

function looksLikePath(model: string): boolean {
  return model.startsWith('/') || model.startsWith('./') || model.startsWith('../') || model.startsWith('~') || model === '.' || model.includes('\\') || /^[A-Za-z]:/.test(model);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function resolveModelSource(model: string, cwd: string = process.cwd()): Promise<ModelSource> {
  const dir = resolve(cwd, model);
  if (await isDirectory(dir)) return { kind: 'folder', dir, modelId: await folderModelId(dir) };
  if (looksLikePath(model) || !HUB_ID.test(model)) {
    throw new UserError(`Model folder ${dir} does not exist (and '${model}' is not a Hub model id such as HuggingFaceTB/SmolVLM-256M-Instruct).`);
  }
  return { kind: 'hub', id: model };
}

async function folderModelId(dir: string): Promise<string> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { _name_or_path?: unknown };
    const name = config._name_or_path;
    if (typeof name === 'string' && name.includes('/') && HUB_ID.test(name)) return name;
  } catch {
    // no or bad config.json: checkModelFolder reports it
  }
  const repo = basename(dirname(dirname(dir)));
  if (basename(dirname(dir)) === 'snapshots' && repo.startsWith('models--')) return repo.slice('models--'.length).split('--').join('/');
  return dir;
}
