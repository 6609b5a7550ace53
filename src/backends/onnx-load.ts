// Loads a transformers.js model folder (processor + the three ONNX sessions) and turns what goes
// wrong into messages a user can act on: a file missing for the chosen dtype names the file and the
// dtypes the folder does have; an ONNX file that does not parse is named, with the fix (delete it,
// download again); a device whose execution provider cannot start says so.
// transformers.js is imported here, lazily: loading it takes ~0.6 s (../shared/spec/tiny-vlm.md).

import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { exists, listSnapshot } from '../hub/cache.ts';
import { dtypesIn, onnxFiles, REQUIRED_JSON, type OnnxDtype } from '../models/model-files.ts';

export type Transformers = typeof import('@huggingface/transformers');
export type Processor = Awaited<ReturnType<Transformers['AutoProcessor']['from_pretrained']>>;
export type VisionModel = Awaited<ReturnType<Transformers['AutoModelForVision2Seq']['from_pretrained']>>;

export interface LoadOnnxModelOptions {
  dir: string;
  dtype: OnnxDtype;
  device: string;
  threads?: number;
}

export interface LoadedOnnxModel {
  tf: Transformers;
  processor: Processor;
  model: VisionModel;
}

/** Checks the folder has every file the dtype needs, before transformers.js reports it less clearly. */
export async function checkModelFolder(dir: string, dtype: OnnxDtype): Promise<void> {
  if (!(await exists(dir))) throw new UserError(`Model folder ${dir} does not exist.`);
  for (const file of REQUIRED_JSON) {
    if (!(await exists(join(dir, file)))) throw new UserError(`Model folder ${dir} has no ${file}: it is not a transformers.js model folder.`);
  }
  for (const file of onnxFiles(dtype)) {
    if (await exists(join(dir, file))) continue;
    const dtypes = dtypesIn(await listSnapshot(dir));
    const have = dtypes.length ? `It has files for --dtype ${dtypes.join(', ')}.` : 'It has no complete set of ONNX files for any dtype.';
    throw new UserError(`Model folder ${dir} has no ${file}, needed for --dtype ${dtype}. ${have}`);
  }
}

export async function loadOnnxModel(o: LoadOnnxModelOptions): Promise<LoadedOnnxModel> {
  await checkModelFolder(o.dir, o.dtype);
  const tf: Transformers = await import('@huggingface/transformers');
  const options = {
    dtype: o.dtype,
    device: o.device as 'cpu',
    local_files_only: true,
    ...(o.threads ? { session_options: { intraOpNumThreads: o.threads, interOpNumThreads: 1 } } : {}),
  };
  let processor: Processor;
  try {
    processor = await tf.AutoProcessor.from_pretrained(o.dir, { local_files_only: true });
  } catch (e) {
    throw new UserError(`Cannot load the processor and tokenizer of ${o.dir}: ${message(e)}`);
  }
  if (!processor.tokenizer) throw new UserError(`${o.dir} has no tokenizer that transformers.js can load (is processor_class set in preprocessor_config.json?).`);
  try {
    const model = await tf.AutoModelForVision2Seq.from_pretrained(o.dir, options);
    return { tf, processor, model };
  } catch (e) {
    const bad = await findInvalidOnnx(o.dir, o.dtype);
    if (bad) {
      const blob = bad.realPath === bad.file ? '' : ` (the cached file is ${bad.realPath})`;
      throw new UserError(`${bad.file} is not a valid ONNX model: ${bad.message}; delete it${blob} and download again.`);
    }
    if (o.device !== 'cpu') throw new UserError(`The ${o.device} execution provider could not run ${o.dir}: ${ortMessage(e)}`);
    throw new UserError(`Cannot load the ONNX model in ${o.dir}: ${ortMessage(e)}`);
  }
}

/** The first of the dtype's ONNX files that onnxruntime cannot load on the CPU, if any. */
export async function findInvalidOnnx(dir: string, dtype: OnnxDtype): Promise<{ file: string; realPath: string; message: string } | null> {
  const ort = await import('onnxruntime-node');
  for (const file of onnxFiles(dtype)) {
    const path = join(dir, file);
    try {
      const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'] });
      await session.release();
    } catch (e) {
      const realPath = await realpath(path).catch(() => path);
      return { file: path, realPath, message: ortMessage(e) };
    }
  }
  return null;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** ORT's message without its source locations and the path we already name, and no final period. */
function ortMessage(e: unknown): string {
  return message(e)
    .replace(/^Load model from \S+ failed:\s*/, '')
    .replace(/\/onnxruntime_src\/\S+:\d+ (\S+::\S+\([^)]*\)(::<lambda\(\)>)? )?/g, '')
    .trim()
    .replace(/\.$/, '');
}
