// vision_encoder.onnx of the tiny model: the I/O transformers.js 4.3.2 feeds an Idefics3 vision
// encoder (../shared/spec/tiny-vlm.md, "ONNX I/O"), with a SigLIP-like body shrunk to one block:
//   pixel_values [B, N, 3, H, W] → tiles [B·N, 3, 32, 32] → Conv 8×8/8 patch embedding (16 patches)
//   → + position embedding → x + MLP(LayerNorm(x)) → LayerNorm
//   → Idefics3 connector: pixel shuffle (scale 2, as Idefics3Connector.pixel_shuffle in
//     transformers' modeling_idefics3.py) and a bias-free projection to the text width
//   → image_features [B·N, 4, 32].
// `pixel_attention_mask` (bool, declared because transformers.js passes it) zeroes the features of
// padding tiles, which only exist in padded batches; the real model drops those tiles instead.

import { IMAGE_SEQ_LEN, PATCHES, PATCHES_PER_SIDE, TEXT, VISION } from './tiny-config.ts';
import { createGraph, DataType, encodeModel, floatTensor, int64Tensor, type GraphBuilder } from './onnx-proto.ts';
import type { SeededRandom } from './seeded-random.ts';

export function visionEncoderModel(random: SeededRandom): Uint8Array {
  const g = createGraph('vision_encoder');
  const D = VISION.hidden;
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch_size', 'num_images', 3, 'height', 'width']);
  const mask = g.input('pixel_attention_mask', DataType.BOOL, ['batch_size', 'num_images', 'height', 'width']);

  // [B, N, 3, H, W] → [B·N, 3, H, W]
  const minusOne = g.init(int64Tensor('const_minus_one', [1], [-1]));
  const chw = g.op('Shape', [pixels], { attrs: { start: 2 } });
  const tiles = g.op('Reshape', [pixels, g.op('Concat', [minusOne, chw], { attrs: { axis: 0 } })]);

  // Patch embedding: [B·N, D, 4, 4] → [B·N, 16, D]
  const conv = g.op('Conv', [tiles, weight(g, random, 'patch_embedding.weight', [D, 3, VISION.patch, VISION.patch], 3 * VISION.patch * VISION.patch), bias(g, random, 'patch_embedding.bias', D)], {
    attrs: { kernel_shape: [VISION.patch, VISION.patch], strides: [VISION.patch, VISION.patch] },
  });
  const flat = g.op('Reshape', [conv, g.init(int64Tensor('shape_patches', [3], [0, D, PATCHES]))]);
  let x = g.op('Transpose', [flat], { attrs: { perm: [0, 2, 1] } });
  x = g.op('Add', [x, g.init(floatTensor('position_embedding', [PATCHES, D], random.uniform(PATCHES * D, 0.5)))]);

  // One pre-norm MLP block, then the post-layernorm.
  const h = layerNorm(g, random, x, 'block.norm', D);
  const up = g.op('MatMul', [h, weight(g, random, 'block.fc1.weight', [D, VISION.intermediate])]);
  const down = g.op('MatMul', [gelu(g, up), weight(g, random, 'block.fc2.weight', [VISION.intermediate, D])]);
  x = layerNorm(g, random, g.op('Add', [x, down]), 'post_layernorm', D);

  // Pixel shuffle: [B·N, 16, D] → [B·N, 4, 4D].
  const s = VISION.scaleFactor;
  const side = PATCHES_PER_SIDE;
  x = g.op('Reshape', [x, g.init(int64Tensor('shape_shuffle_1', [4], [0, side, side / s, D * s]))]);
  x = g.op('Transpose', [x], { attrs: { perm: [0, 2, 1, 3] } });
  x = g.op('Reshape', [x, g.init(int64Tensor('shape_shuffle_2', [4], [0, side / s, side / s, D * s * s]))]);
  x = g.op('Transpose', [x], { attrs: { perm: [0, 2, 1, 3] } });
  x = g.op('Reshape', [x, g.init(int64Tensor('shape_shuffle_3', [3], [0, IMAGE_SEQ_LEN, D * s * s]))]);
  const projected = g.op('MatMul', [x, weight(g, random, 'connector.proj.weight', [D * s * s, TEXT.hidden])]);

  // Zero the features of tiles that are all padding: any(mask) per tile, as [B·N, 1, 1].
  const maskFloat = g.op('Cast', [mask], { attrs: { to: DataType.FLOAT } });
  const anyPixel = g.op('ReduceMax', [maskFloat], { attrs: { axes: [2, 3], keepdims: 0 } });
  const perTile = g.op('Reshape', [anyPixel, g.init(int64Tensor('shape_tile_mask', [3], [-1, 1, 1]))]);
  g.op('Mul', [projected, perTile], { outputs: ['image_features'] });
  g.output('image_features', DataType.FLOAT, ['num_images_total', IMAGE_SEQ_LEN, TEXT.hidden]);

  return encodeModel(g, 'vlm-harness tiny random SmolVLM: vision encoder (random weights)');
}

/** Weights ~ U(-a, a) with a = sqrt(3 / fan_in), i.e. unit-variance outputs for unit-variance inputs. */
function weight(g: GraphBuilder, random: SeededRandom, name: string, dims: number[], fanIn = dims[0]): string {
  const count = dims.reduce((a, b) => a * b, 1);
  return g.init(floatTensor(name, dims, random.uniform(count, Math.sqrt(3 / fanIn))));
}

function bias(g: GraphBuilder, random: SeededRandom, name: string, size: number): string {
  return g.init(floatTensor(name, [size], random.uniform(size, 0.1)));
}

function layerNorm(g: GraphBuilder, random: SeededRandom, x: string, name: string, size: number): string {
  const scale = Float32Array.from(random.uniform(size, 0.2), (v) => 1 + v);
  const gamma = g.init(floatTensor(`${name}.weight`, [size], scale));
  const beta = bias(g, random, `${name}.bias`, size);
  return g.op('LayerNormalization', [x, gamma, beta], { attrs: { axis: -1, epsilon: VISION.layerNormEps } });
}

/** GELU with erf: x · (1 + erf(x / √2)) / 2. */
function gelu(g: GraphBuilder, x: string): string {
  const invSqrt2 = g.init(floatTensor(`gelu_inv_sqrt2_${x}`, [], [Math.SQRT1_2]));
  const half = g.init(floatTensor(`gelu_half_${x}`, [], [0.5]));
  const one = g.init(floatTensor(`gelu_one_${x}`, [], [1]));
  const erf = g.op('Erf', [g.op('Mul', [x, invSqrt2])]);
  return g.op('Mul', [g.op('Mul', [x, half]), g.op('Add', [erf, one])]);
}
