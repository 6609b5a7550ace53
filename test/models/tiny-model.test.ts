import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyModelDir } from '../../src/models/default-model.ts';
import { decodeModel } from '../../src/models/tiny-smolvlm/onnx-proto.ts';
import { byteToUnicode } from '../../src/models/tiny-smolvlm/tokenizer.ts';
import { tinyModelFiles, writeTinyModel } from '../../src/models/tiny-smolvlm/write-tiny-model.ts';

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function writtenHashes(): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'vlm-tiny-'));
  temps.push(dir);
  await writeTinyModel(dir);
  const out: Record<string, string> = {};
  for (const { path } of tinyModelFiles()) out[path] = sha(new Uint8Array(await readFile(join(dir, path))));
  return out;
}

type ValueInfo = { name: string; type: { tensor_type: { elem_type: number; shape: { dim?: Array<{ dim_value?: number; dim_param?: string }> } } } };
function io(bytes: Uint8Array) {
  const model = decodeModel(bytes) as { ir_version: number; opset_import: Array<{ version: number }>; graph: { input: ValueInfo[]; output: ValueInfo[] } };
  const show = (v: ValueInfo) => `${v.name}:${v.type.tensor_type.elem_type}[${(v.type.tensor_type.shape.dim ?? []).map((d) => d.dim_param ?? d.dim_value ?? '').join(',')}]`;
  return { ir: model.ir_version, opset: model.opset_import[0].version, inputs: model.graph.input.map(show), outputs: model.graph.output.map(show) };
}

describe('tiny random SmolVLM', () => {
  it('is written byte-for-byte the same on every run', async () => {
    const a = await writtenHashes();
    const b = await writtenHashes();
    expect(a).toEqual(b);
  });

  it('matches the committed models/tiny-smolvlm/ (run `npm run make-tiny-model` after changing the generator)', async () => {
    for (const { path, bytes } of tinyModelFiles()) {
      expect(sha(new Uint8Array(await readFile(join(tinyModelDir(), path)))), path).toBe(sha(bytes));
    }
  });

  it('declares the ONNX inputs and outputs transformers.js feeds an Idefics3 model (opset 17, IR 8)', () => {
    const graphs = Object.fromEntries(tinyModelFiles().filter((f) => f.path.endsWith('.onnx')).map((f) => [f.path, io(f.bytes)]));
    expect(graphs['onnx/vision_encoder.onnx']).toEqual({
      ir: 8,
      opset: 17,
      inputs: ['pixel_values:1[batch_size,num_images,3,height,width]', 'pixel_attention_mask:9[batch_size,num_images,height,width]'],
      outputs: ['image_features:1[num_images_total,4,32]'],
    });
    expect(graphs['onnx/embed_tokens.onnx']).toMatchObject({ inputs: ['input_ids:7[batch_size,sequence_length]'], outputs: ['inputs_embeds:1[batch_size,sequence_length,32]'] });
    const decoder = graphs['onnx/decoder_model_merged.onnx'];
    expect(decoder.inputs).toEqual([
      'inputs_embeds:1[batch_size,sequence_length,32]',
      'attention_mask:7[batch_size,total_sequence_length]',
      'position_ids:7[batch_size,sequence_length]',
      'past_key_values.0.key:1[batch_size,2,past_sequence_length,8]',
      'past_key_values.0.value:1[batch_size,2,past_sequence_length,8]',
      'past_key_values.1.key:1[batch_size,2,past_sequence_length,8]',
      'past_key_values.1.value:1[batch_size,2,past_sequence_length,8]',
      'num_logits_to_keep:7[]',
    ]);
    expect(decoder.outputs[0]).toBe('logits:1[batch_size,num_logits,299]');
    expect(decoder.outputs.slice(1)).toHaveLength(4);
  });

  it('has a tokenizer with one token per byte and the specials Idefics3Processor inserts', () => {
    const files = Object.fromEntries(tinyModelFiles().map((f) => [f.path, new TextDecoder().decode(f.bytes)]));
    const tokenizer = JSON.parse(files['tokenizer.json']) as { model: { vocab: Record<string, number> }; added_tokens: Array<{ content: string; special: boolean }> };
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(256);
    expect(new Set(byteToUnicode()).size).toBe(256);
    const specials = tokenizer.added_tokens.map((t) => t.content);
    for (const t of ['<image>', '<fake_token_around_image>', '<global-img>', '<row_1_col_1>', '<row_6_col_6>', '<end_of_utterance>', '<|im_start|>']) expect(specials).toContain(t);
    const config = JSON.parse(files['config.json']) as { image_token_id: number; text_config: { eos_token_id: number } };
    expect(specials[config.image_token_id - 256]).toBe('<image>');
    expect(specials[config.text_config.eos_token_id - 256]).toBe('<end_of_utterance>');
  });

  it('stays small enough to commit', () => {
    const total = tinyModelFiles().reduce((n, f) => n + f.bytes.length, 0);
    expect(total).toBeLessThan(400_000);
  });
});
