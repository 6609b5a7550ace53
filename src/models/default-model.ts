// The model the ONNX backend runs when no --model is given: SmolVLM-256M-Instruct, the smallest
// SmolVLM, in its q8 files (onnx/*_quantized.onnx: int8 dynamic quantization, ~138 MB decoder +
// vision + embeddings; MatMulInteger runs well on any CPU, unlike fp16, and its accuracy is closer to
// fp32 than q4's). When the Hub is unreachable, or HF_HUB_OFFLINE is set, and nothing is cached,
// the run falls back to the committed tiny random model (models/tiny-smolvlm/) and says so loudly:
// the pipeline still runs end to end, but its scores are meaningless.

import { packagePath } from '../package-root.ts';
import { TINY_MODEL_ID } from './tiny-smolvlm/tiny-config.ts';
import type { OnnxDtype } from './model-files.ts';
import { ModelUnavailableError, resolveModel, type ResolveModelOptions } from './resolve-model.ts';

export const DEFAULT_MODEL_ID = 'HuggingFaceTB/SmolVLM-256M-Instruct';
export const DEFAULT_MODEL_DTYPE: OnnxDtype = 'q8';
export { TINY_MODEL_ID };

/** models/tiny-smolvlm/ in the package. */
export function tinyModelDir(): string {
  return packagePath('models', 'tiny-smolvlm');
}

export function fallbackNotice(why: string): string {
  return (
    `FALLBACK: ${why}, so this run uses the tiny random model ${TINY_MODEL_ID} (random weights). ` +
    'Its scores are meaningless; they only show that the pipeline works.'
  );
}

export interface DefaultModel {
  /** A local folder to load. */
  modelPath: string;
  modelId: string;
  dtype: OnnxDtype;
  fallback: boolean;
  notice?: string;
}

/** The resolver's options for a fixed model at its latest revision. */
export type ResolveDefaultModelOptions = Omit<ResolveModelOptions, 'model' | 'dtype' | 'revision'> & {
  /** The default model's dtype; q8 unless asked otherwise. The tiny fallback is always fp32. */
  dtype?: OnnxDtype;
};

export async function resolveDefaultModel(o: ResolveDefaultModelOptions = {}): Promise<DefaultModel> {
  const dtype = o.dtype ?? DEFAULT_MODEL_DTYPE;
  try {
    const resolved = await resolveModel({ ...o, model: DEFAULT_MODEL_ID, dtype });
    return { modelPath: resolved.dir, modelId: DEFAULT_MODEL_ID, dtype, fallback: false };
  } catch (e) {
    if (!(e instanceof ModelUnavailableError)) throw e;
    const why =
      e.reason === 'offline'
        ? `HF_HUB_OFFLINE is set and ${DEFAULT_MODEL_ID} (${dtype}) is not cached`
        : `the Hub is unreachable and no copy of ${DEFAULT_MODEL_ID} (${dtype}) is cached`;
    return { modelPath: tinyModelDir(), modelId: TINY_MODEL_ID, dtype: 'fp32', fallback: true, notice: fallbackNotice(why) };
  }
}
