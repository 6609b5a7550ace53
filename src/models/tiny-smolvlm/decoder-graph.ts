// decoder_model_merged.onnx of the tiny model: a 2-layer Llama decoder with a KV cache, with the
// inputs and outputs transformers.js 4.3.2 expects (../shared/spec/tiny-vlm.md, "ONNX I/O" and
// "Gotchas"):
//   inputs_embeds [B, S, 32], attention_mask [B, T] (past + current), position_ids [B, S],
//   past_key_values.{i}.key/value [B, 2, P, 8], num_logits_to_keep (scalar; 0 = all positions)
//   → logits [B, S or k, 299], present.{i}.key/value [B, 2, T, 8].
// KV heads and head_dim are concrete numbers, because transformers.js builds the empty first-step
// cache from the input metadata and turns every symbolic dim except batch_size into 0. The graph
// builds its own causal mask (key position ≤ query position, and attention_mask = 1), and computes
// RoPE from position_ids with Cos/Sin, so there is no position table to run out of.
// Grouped-query attention: q heads are viewed as [B, 2 kv heads, 2 per group, S, 8] and the cache as
// [B, 2, 1, T, 8], so MatMul broadcasts each KV head over its group (HF's repeat_kv order: q head h
// reads kv head h // 2).
// The LM head has a bias that keeps every token except printable ASCII (0x20–0x7E) 100 logits down,
// so greedy output is readable text and never EOS: generations run to max_new_tokens, which keeps
// timings comparable. Real models are not treated this way; only these random weights are.

import { EOS_ID, TEXT, VOCAB_SIZE } from './tiny-config.ts';
import { createGraph, DataType, encodeModel, floatTensor, int64Tensor, type GraphBuilder } from './onnx-proto.ts';
import type { SeededRandom } from './seeded-random.ts';

const H = TEXT.hidden;
const HEAD = TEXT.headDim;
const GROUP = TEXT.heads / TEXT.kvHeads;

export function decoderModel(random: SeededRandom): Uint8Array {
  const g = createGraph('decoder_model_merged');
  const embeds = g.input('inputs_embeds', DataType.FLOAT, ['batch_size', 'sequence_length', H]);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const past: Array<{ key: string; value: string }> = [];
  for (let i = 0; i < TEXT.layers; i++) {
    const dims = ['batch_size', TEXT.kvHeads, 'past_sequence_length', HEAD];
    past.push({
      key: g.input(`past_key_values.${i}.key`, DataType.FLOAT, dims),
      value: g.input(`past_key_values.${i}.value`, DataType.FLOAT, dims),
    });
  }
  const keep = g.input('num_logits_to_keep', DataType.INT64, []);

  const c = constants(g);
  const bias = attentionBias(g, c, embeds, attentionMask);
  const rope = ropeTables(g, c, positionIds);

  let x = embeds;
  for (let i = 0; i < TEXT.layers; i++) {
    const h = rmsNorm(g, random, c, x, `layers.${i}.input_layernorm`);
    x = g.op('Add', [x, attention(g, random, c, h, i, past[i], rope, bias)]);
    const h2 = rmsNorm(g, random, c, x, `layers.${i}.post_attention_layernorm`);
    x = g.op('Add', [x, mlp(g, random, h2, i)]);
  }
  x = rmsNorm(g, random, c, x, 'norm');

  // Keep the last `num_logits_to_keep` positions; Slice from -0 = 0 keeps them all.
  const start = g.op('Unsqueeze', [g.op('Neg', [keep]), c.zeroAxis]);
  const kept = g.op('Slice', [x, start, c.int64Max, c.oneAxis]);
  const lmHead = g.init(floatTensor('lm_head.weight', [H, VOCAB_SIZE], random.uniform(H * VOCAB_SIZE, 1.22)));
  const logits = g.op('MatMul', [kept, lmHead]);
  g.op('Add', [logits, g.init(floatTensor('lm_head.bias', [VOCAB_SIZE], logitBias()))], { outputs: ['logits'] });

  g.output('logits', DataType.FLOAT, ['batch_size', 'num_logits', VOCAB_SIZE]);
  for (let i = 0; i < TEXT.layers; i++) {
    for (const kind of ['key', 'value']) g.output(`present.${i}.${kind}`, DataType.FLOAT, ['batch_size', TEXT.kvHeads, 'total_sequence_length', HEAD]);
  }
  return encodeModel(g, 'vlm-harness tiny random SmolVLM: Llama decoder with KV cache (random weights)');
}

function logitBias(): Float32Array {
  const bias = new Float32Array(VOCAB_SIZE).fill(-100);
  for (let b = 0x20; b <= 0x7e; b++) bias[b] = 0;
  if (bias[EOS_ID] !== -100) throw new Error('EOS must stay suppressed');
  return bias;
}

type Constants = ReturnType<typeof constants>;

function constants(g: GraphBuilder) {
  return {
    zeroAxis: g.init(int64Tensor('axes_0', [1], [0])),
    oneAxis: g.init(int64Tensor('axes_1', [1], [1])),
    twoAxis: g.init(int64Tensor('axes_2', [1], [2])),
    threeAxis: g.init(int64Tensor('axes_3', [1], [3])),
    halfHead: g.init(int64Tensor('half_head_dim', [1], [HEAD / 2])),
    fullHead: g.init(int64Tensor('head_dim', [1], [HEAD])),
    int64Max: g.init(int64Tensor('int64_max', [1], [0x7fffffffffffffffn])),
    zero: g.init(int64Tensor('scalar_0', [], [0])),
    one: g.init(int64Tensor('scalar_1', [], [1])),
    eps: g.init(floatTensor('rms_eps', [], [TEXT.rmsEps])),
    scale: g.init(floatTensor('attention_scale', [], [1 / Math.sqrt(HEAD)])),
  };
}

/** [B, 1, 1, S, T]: 0 where a query may attend to a key, -1e9 where the key is in its future or padding. */
function attentionBias(g: GraphBuilder, c: Constants, embeds: string, attentionMask: string): string {
  const s = g.op('Squeeze', [g.op('Shape', [embeds], { attrs: { start: 1, end: 2 } })]);
  const t = g.op('Squeeze', [g.op('Shape', [attentionMask], { attrs: { start: 1, end: 2 } })]);
  const pastLength = g.op('Sub', [t, s]);
  const keyPositions = g.op('Range', [c.zero, t, c.one]); // [T]
  const queryPositions = g.op('Unsqueeze', [g.op('Range', [pastLength, t, c.one]), c.oneAxis]); // [S, 1]
  const future = g.op('Greater', [keyPositions, queryPositions]); // [S, T]
  const padding = g.op('Equal', [attentionMask, c.zero]); // [B, T]
  const paddingAxes = g.init(int64Tensor('axes_1_2_3', [3], [1, 2, 3]));
  const blocked = g.op('Or', [future, g.op('Unsqueeze', [padding, paddingAxes])]); // [B, 1, 1, S, T]
  const minusInf = g.init(floatTensor('mask_min', [], [-1e9]));
  const zero = g.init(floatTensor('mask_zero', [], [0]));
  return g.op('Where', [blocked, minusInf, zero]);
}

/** cos and sin of position · inv_freq, duplicated over both halves of head_dim: [B, 1, S, 8] each. */
function ropeTables(g: GraphBuilder, c: Constants, positionIds: string): { cos: string; sin: string } {
  // inv_freq[i] = theta^(-2i / head_dim) = 10000^(-i/4): exactly 1, 0.1, 0.01, 0.001.
  if (TEXT.ropeTheta !== 10_000 || HEAD !== 8) throw new Error('inverse frequencies below assume theta 10000, head_dim 8');
  const invFreq = g.init(floatTensor('rope_inv_freq', [HEAD], [1, 0.1, 0.01, 0.001, 1, 0.1, 0.01, 0.001]));
  const positions = g.op('Cast', [positionIds], { attrs: { to: DataType.FLOAT } });
  const angles = g.op('Mul', [g.op('Unsqueeze', [positions, c.twoAxis]), invFreq]); // [B, S, 8]
  return {
    cos: g.op('Unsqueeze', [g.op('Cos', [angles]), c.oneAxis]),
    sin: g.op('Unsqueeze', [g.op('Sin', [angles]), c.oneAxis]),
  };
}

/** x · cos + rotate_half(x) · sin, with rotate_half(x) = [-x2, x1] over the halves of head_dim. */
function applyRope(g: GraphBuilder, c: Constants, x: string, rope: { cos: string; sin: string }): string {
  const x1 = g.op('Slice', [x, c.zeroAxis, c.halfHead, c.threeAxis]);
  const x2 = g.op('Slice', [x, c.halfHead, c.fullHead, c.threeAxis]);
  const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { attrs: { axis: 3 } });
  return g.op('Add', [g.op('Mul', [x, rope.cos]), g.op('Mul', [rotated, rope.sin])]);
}

function attention(
  g: GraphBuilder,
  random: SeededRandom,
  c: Constants,
  h: string,
  layer: number,
  past: { key: string; value: string },
  rope: { cos: string; sin: string },
  bias: string,
): string {
  const p = `layers.${layer}.self_attn`;
  const heads = (name: string, count: number) => {
    const projected = g.op('MatMul', [h, linear(g, random, `${p}.${name}.weight`, H, count * HEAD)]);
    const split = g.op('Reshape', [projected, g.init(int64Tensor(`${p}.${name}.shape`, [4], [0, 0, count, HEAD]))]);
    return g.op('Transpose', [split], { attrs: { perm: [0, 2, 1, 3] } }); // [B, count, S, 8]
  };
  const q = applyRope(g, c, heads('q_proj', TEXT.heads), rope);
  const k = applyRope(g, c, heads('k_proj', TEXT.kvHeads), rope);
  const v = heads('v_proj', TEXT.kvHeads);
  const presentKey = g.op('Concat', [past.key, k], { attrs: { axis: 2 }, outputs: [`present.${layer}.key`] });
  const presentValue = g.op('Concat', [past.value, v], { attrs: { axis: 2 }, outputs: [`present.${layer}.value`] });

  const grouped = g.op('Reshape', [q, g.init(int64Tensor(`${p}.group_shape`, [5], [0, TEXT.kvHeads, GROUP, -1, HEAD]))]);
  const keysT = g.op('Unsqueeze', [g.op('Transpose', [presentKey], { attrs: { perm: [0, 1, 3, 2] } }), c.twoAxis]); // [B, 2, 1, 8, T]
  const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [grouped, keysT]), c.scale]), bias]); // [B, 2, 2, S, T]
  const probs = g.op('Softmax', [scores], { attrs: { axis: -1 } });
  const context = g.op('MatMul', [probs, g.op('Unsqueeze', [presentValue, c.twoAxis])]); // [B, 2, 2, S, 8]
  const merged = g.op('Reshape', [context, g.init(int64Tensor(`${p}.merge_shape`, [4], [0, TEXT.heads, -1, HEAD]))]);
  const bsd = g.op('Transpose', [merged], { attrs: { perm: [0, 2, 1, 3] } });
  const flat = g.op('Reshape', [bsd, g.init(int64Tensor(`${p}.flat_shape`, [3], [0, 0, H]))]);
  return g.op('MatMul', [flat, linear(g, random, `${p}.o_proj.weight`, H, H)]);
}

/** SwiGLU MLP: down(silu(gate(x)) · up(x)). */
function mlp(g: GraphBuilder, random: SeededRandom, h: string, layer: number): string {
  const p = `layers.${layer}.mlp`;
  const gate = g.op('MatMul', [h, linear(g, random, `${p}.gate_proj.weight`, H, TEXT.intermediate)]);
  const up = g.op('MatMul', [h, linear(g, random, `${p}.up_proj.weight`, H, TEXT.intermediate)]);
  const silu = g.op('Mul', [gate, g.op('Sigmoid', [gate])]);
  return g.op('MatMul', [g.op('Mul', [silu, up]), linear(g, random, `${p}.down_proj.weight`, TEXT.intermediate, H)]);
}

/** A [in, out] weight, U(-a, a) with a = sqrt(3 / in). */
function linear(g: GraphBuilder, random: SeededRandom, name: string, inputs: number, outputs: number): string {
  return g.init(floatTensor(name, [inputs, outputs], random.uniform(inputs * outputs, Math.sqrt(3 / inputs))));
}

/** x / sqrt(mean(x²) + eps) · weight. */
function rmsNorm(g: GraphBuilder, random: SeededRandom, c: Constants, x: string, name: string): string {
  const weight = g.init(floatTensor(`${name}.weight`, [H], Float32Array.from(random.uniform(H, 0.2), (v) => 1 + v)));
  const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { attrs: { axes: [-1], keepdims: 1 } });
  const normed = g.op('Div', [x, g.op('Sqrt', [g.op('Add', [meanSquare, c.eps])])]);
  return g.op('Mul', [normed, weight]);
}
