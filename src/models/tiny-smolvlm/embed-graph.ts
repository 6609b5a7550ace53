// embed_tokens.onnx of the tiny model: input_ids [B, S] (int64) → inputs_embeds [B, S, 32], a plain
// Gather from the embedding table, as in transformers.js's split of VLM decoders
// (../shared/spec/tiny-vlm.md, "ONNX I/O"). Kept float32: the merge with image features is float32.

import { TEXT, VOCAB_SIZE } from './tiny-config.ts';
import { createGraph, DataType, encodeModel, floatTensor } from './onnx-proto.ts';
import type { SeededRandom } from './seeded-random.ts';

export function embedTokensModel(random: SeededRandom): Uint8Array {
  const g = createGraph('embed_tokens');
  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  // Unit-variance rows (U(-√3, √3)), like the image features they sit beside.
  const table = g.init(floatTensor('embed_tokens.weight', [VOCAB_SIZE, TEXT.hidden], random.uniform(VOCAB_SIZE * TEXT.hidden, Math.sqrt(3))));
  g.op('Gather', [table, ids], { attrs: { axis: 0 }, outputs: ['inputs_embeds'] });
  g.output('inputs_embeds', DataType.FLOAT, ['batch_size', 'sequence_length', TEXT.hidden]);
  return encodeModel(g, 'vlm-harness tiny random SmolVLM: token embeddings (random weights)');
}
