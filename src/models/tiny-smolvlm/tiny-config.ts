// Sizes and token ids of the tiny random SmolVLM (../shared/spec/tiny-vlm.md, "Model sizes"): a
// Llama text model (hidden 32, 2 layers, 4 query / 2 KV heads of 8, MLP 64) and a vision encoder on
// 32×32 tiles cut into 8×8 patches, whose 16 patch vectors are pixel-shuffled (scale 2) into
// 4 image tokens per tile. Byte tokens take ids 0..255 (id = byte value), specials follow.

export const TINY_MODEL_ID = 'vlm-harness/tiny-random-smolvlm';
export const TINY_SEED = 20_250_101;

export const TEXT = {
  hidden: 32,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 8,
  intermediate: 64,
  rmsEps: 1e-5,
  ropeTheta: 10_000,
  maxPositions: 8192,
} as const;

export const VISION = {
  tile: 32,
  patch: 8,
  hidden: 16,
  intermediate: 64,
  scaleFactor: 2,
  layerNormEps: 1e-6,
} as const;

/** Patches per tile side (4), patches per tile (16), image tokens per tile after pixel shuffle (4). */
export const PATCHES_PER_SIDE = VISION.tile / VISION.patch;
export const PATCHES = PATCHES_PER_SIDE * PATCHES_PER_SIDE;
export const IMAGE_SEQ_LEN = PATCHES / (VISION.scaleFactor * VISION.scaleFactor);

/** Tiles per side the processor can make: images are resized to longest edge 64, tiles are 32. */
export const LONGEST_EDGE = 64;
/** Row/column markers `<row_R_col_C>` we declare (1-based); 6 leaves room over the 2 the sizes need. */
export const GRID_TOKENS = 6;

export const SPECIAL_TOKENS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<end_of_utterance>',
  '<fake_token_around_image>',
  '<image>',
  '<global-img>',
  ...Array.from({ length: GRID_TOKENS * GRID_TOKENS }, (_, i) => `<row_${Math.floor(i / GRID_TOKENS) + 1}_col_${(i % GRID_TOKENS) + 1}>`),
] as const;

export function specialTokenId(token: string): number {
  const i = (SPECIAL_TOKENS as readonly string[]).indexOf(token);
  if (i < 0) throw new Error(`not a special token of the tiny model: ${token}`);
  return 256 + i;
}

export const VOCAB_SIZE = 256 + SPECIAL_TOKENS.length;
export const PAD_ID = specialTokenId('<|endoftext|>');
export const BOS_ID = specialTokenId('<|im_start|>');
export const EOS_ID = specialTokenId('<end_of_utterance>');
export const IMAGE_TOKEN_ID = specialTokenId('<image>');
