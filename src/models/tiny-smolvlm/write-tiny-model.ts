// Writes the tiny random SmolVLM-shaped model in the transformers.js folder layout
// (../shared/spec/tiny-vlm.md): the configs, the byte-level tokenizer and three fp32 ONNX graphs.
// It exists so the ONNX backend can be tested, and so a run without the Hub still goes through
// the same code path as a real SmolVLM (processor, chat template, vision encoder, embedding merge,
// decoder with KV cache). Its weights are random: its answers mean nothing.
// Everything is a pure function of TINY_SEED: running it twice gives identical bytes (JSON keys in
// a fixed order, no timestamps), so the folder can be committed and checked.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decoderModel } from './decoder-graph.ts';
import { embedTokensModel } from './embed-graph.ts';
import { seededRandom } from './seeded-random.ts';
import {
  BOS_ID,
  EOS_ID,
  IMAGE_SEQ_LEN,
  IMAGE_TOKEN_ID,
  LONGEST_EDGE,
  PAD_ID,
  TEXT,
  TINY_MODEL_ID,
  TINY_SEED,
  VISION,
  VOCAB_SIZE,
} from './tiny-config.ts';
import { tokenizerConfigJson, tokenizerJson } from './tokenizer.ts';
import { visionEncoderModel } from './vision-graph.ts';

export { TINY_MODEL_ID } from './tiny-config.ts';

/** Files in the order they are written; paths relative to the model folder. */
export function tinyModelFiles(): Array<{ path: string; bytes: Uint8Array }> {
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  // One generator per graph, each with its own seed, so changing one graph leaves the others' bytes alone.
  return [
    { path: 'config.json', bytes: json(configJson()) },
    { path: 'generation_config.json', bytes: json(generationConfigJson()) },
    { path: 'preprocessor_config.json', bytes: json(preprocessorConfigJson()) },
    { path: 'processor_config.json', bytes: json({ image_seq_len: IMAGE_SEQ_LEN, processor_class: 'Idefics3Processor' }) },
    { path: 'tokenizer.json', bytes: json(tokenizerJson()) },
    { path: 'tokenizer_config.json', bytes: json(tokenizerConfigJson()) },
    { path: 'onnx/vision_encoder.onnx', bytes: visionEncoderModel(seededRandom(TINY_SEED + 1)) },
    { path: 'onnx/embed_tokens.onnx', bytes: embedTokensModel(seededRandom(TINY_SEED + 2)) },
    { path: 'onnx/decoder_model_merged.onnx', bytes: decoderModel(seededRandom(TINY_SEED + 3)) },
    { path: 'README.md', bytes: new TextEncoder().encode(README) },
  ];
}

export async function writeTinyModel(dir: string): Promise<void> {
  await mkdir(join(dir, 'onnx'), { recursive: true });
  for (const file of tinyModelFiles()) await writeFile(join(dir, file.path), file.bytes);
}

function configJson(): Record<string, unknown> {
  return {
    _name_or_path: TINY_MODEL_ID,
    architectures: ['Idefics3ForConditionalGeneration'],
    model_type: 'idefics3',
    image_token_id: IMAGE_TOKEN_ID,
    scale_factor: VISION.scaleFactor,
    tie_word_embeddings: false,
    vocab_size: VOCAB_SIZE,
    text_config: {
      model_type: 'llama',
      hidden_size: TEXT.hidden,
      intermediate_size: TEXT.intermediate,
      num_hidden_layers: TEXT.layers,
      num_attention_heads: TEXT.heads,
      num_key_value_heads: TEXT.kvHeads,
      head_dim: TEXT.headDim,
      hidden_act: 'silu',
      max_position_embeddings: TEXT.maxPositions,
      rms_norm_eps: TEXT.rmsEps,
      rope_theta: TEXT.ropeTheta,
      vocab_size: VOCAB_SIZE,
      bos_token_id: BOS_ID,
      eos_token_id: EOS_ID,
      pad_token_id: PAD_ID,
      tie_word_embeddings: false,
    },
    vision_config: {
      model_type: 'idefics3_vision',
      hidden_size: VISION.hidden,
      intermediate_size: VISION.intermediate,
      image_size: VISION.tile,
      patch_size: VISION.patch,
      num_hidden_layers: 1,
      num_attention_heads: 1,
      hidden_act: 'gelu',
      layer_norm_eps: VISION.layerNormEps,
    },
    'transformers.js_config': { dtype: 'fp32' },
  };
}

function generationConfigJson(): Record<string, unknown> {
  return { bos_token_id: BOS_ID, eos_token_id: EOS_ID, pad_token_id: PAD_ID, do_sample: false };
}

function preprocessorConfigJson(): Record<string, unknown> {
  return {
    image_processor_type: 'Idefics3ImageProcessor',
    processor_class: 'Idefics3Processor',
    do_convert_rgb: true,
    do_resize: true,
    size: { longest_edge: LONGEST_EDGE },
    resample: 1,
    do_image_splitting: true,
    max_image_size: { longest_edge: VISION.tile },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_std: [0.5, 0.5, 0.5],
    do_pad: true,
  };
}

const README = `# ${TINY_MODEL_ID}

A tiny SmolVLM/Idefics3-shaped model with RANDOM weights, written by \`npm run make-tiny-model\`
(src/models/tiny-smolvlm/). It runs through transformers.js exactly as a real SmolVLM does
(processor, chat template, vision encoder, embedding merge, decoder with KV cache), so it tests the
ONNX backend and stands in when no real model can be fetched. Its answers are meaningless.

- Text: Llama, hidden 32, 2 layers, 4 query / 2 KV heads of 8, vocab ${VOCAB_SIZE} (256 bytes + specials).
- Vision: 32×32 tiles, 8×8 patches, pixel shuffle 2 → ${IMAGE_SEQ_LEN} tokens per tile; images resized to ${LONGEST_EDGE} px.
- Greedy output is printable ASCII and never ends early (EOS is suppressed by an LM-head bias).
- Regenerate: \`npm run make-tiny-model\` (deterministic: same bytes every run).
`;
