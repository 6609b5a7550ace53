// Which files a SmolVLM/Idefics3 model in the transformers.js layout needs for one dtype, and
// which dtypes a folder or a Hub repo holds. transformers.js 4.3.2 loads three ONNX sessions for
// Idefics3 (vision_encoder, embed_tokens, decoder_model_merged) from onnx/<session><suffix>.onnx, the
// suffix coming from the dtype (utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING: fp32 '', fp16 '_fp16',
// q8 '_quantized', q4 '_q4'), and the JSON files below (../shared/spec/tiny-vlm.md, "Minimum file set").

export const ONNX_DTYPES = ['fp32', 'fp16', 'q8', 'q4'] as const;
export type OnnxDtype = (typeof ONNX_DTYPES)[number];

export const DTYPE_SUFFIX: Readonly<Record<OnnxDtype, string>> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' };

export const ONNX_SESSIONS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;

/** JSON files the processor, tokenizer and model read; all must exist. */
export const REQUIRED_JSON = ['config.json', 'preprocessor_config.json', 'processor_config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** Files read when present. */
export const OPTIONAL_FILES = ['generation_config.json', 'chat_template.jinja', 'chat_template.json', 'special_tokens_map.json'] as const;

export function isOnnxDtype(value: string): value is OnnxDtype {
  return (ONNX_DTYPES as readonly string[]).includes(value);
}

/** The three ONNX files for a dtype, e.g. `onnx/decoder_model_merged_quantized.onnx` for q8. */
export function onnxFiles(dtype: OnnxDtype): string[] {
  return ONNX_SESSIONS.map((session) => `onnx/${session}${DTYPE_SUFFIX[dtype]}.onnx`);
}

/** External-data chunks ORT reads beside a large graph: `<file>_data`, `<file>_data_1`, … */
export function isExternalDataOf(onnxFile: string, path: string): boolean {
  return path === `${onnxFile}_data` || (path.startsWith(`${onnxFile}_data_`) && /^\d+$/.test(path.slice(onnxFile.length + 6)));
}

/** The dtypes whose three ONNX files are all in `paths` (relative paths, `/`-separated). */
export function dtypesIn(paths: Iterable<string>): OnnxDtype[] {
  const set = new Set(paths);
  return ONNX_DTYPES.filter((dtype) => onnxFiles(dtype).every((f) => set.has(f)));
}

/**
 * The files to fetch for `dtype` out of a repo's file list: the required JSON files, the optional
 * ones it has, the three ONNX files and their external-data chunks. Throws with the missing names.
 */
export function filesFor(dtype: OnnxDtype, repoFiles: readonly string[]): { files: string[]; missing: string[] } {
  const have = new Set(repoFiles);
  const wanted = [...REQUIRED_JSON, ...onnxFiles(dtype)];
  const missing = wanted.filter((f) => !have.has(f));
  const extra = [
    ...OPTIONAL_FILES.filter((f) => have.has(f)),
    ...onnxFiles(dtype).flatMap((onnx) => repoFiles.filter((p) => isExternalDataOf(onnx, p)).sort()),
  ];
  return { files: [...wanted.filter((f) => have.has(f)), ...extra], missing };
}
