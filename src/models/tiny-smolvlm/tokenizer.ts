// tokenizer.json and tokenizer_config.json of the tiny model (../shared/spec/tiny-vlm.md,
// "Tokenizer" and "Chat template"): a byte-level BPE with the 256 byte symbols of GPT-2's
// byte-to-unicode table and no merges (so each UTF-8 byte is one token), plus the special tokens
// transformers.js's Idefics3Processor inserts by name. Byte b has id b; specials follow from 256.
// The chat template is written for this harness in SmolVLM's prompt format, rendering
// `<|im_start|>User:<image>Can you describe this image?<end_of_utterance>\nAssistant:`.

import { BOS_ID, EOS_ID, PAD_ID, SPECIAL_TOKENS, TEXT } from './tiny-config.ts';

/**
 * GPT-2's reversible byte → character table: printable Latin-1 bytes map to themselves, the other
 * 68 bytes to U+0100 onwards, in byte order, so no symbol is whitespace or a control character.
 */
export function byteToUnicode(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = [];
  let next = 0x100;
  for (let b = 0; b < 256; b++) table.push(String.fromCodePoint(printable(b) ? b : next++));
  return table;
}

export function tokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  byteToUnicode().forEach((symbol, id) => {
    vocab[symbol] = id;
  });
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, i) => ({
      id: 256 + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: { type: 'ByteLevel', ...byteLevel },
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}

/**
 * SmolVLM's turn format: one `<|im_start|>` for the conversation, then `Role:` per message (no space
 * after the colon when the message opens with an image), the parts in order, and
 * `<end_of_utterance>\n` after each message; the generation prompt is `Assistant:`.
 * Content may be a plain string too.
 */
export const CHAT_TEMPLATE = [
  '<|im_start|>',
  '{%- for message in messages -%}',
  "{{- message['role'] | capitalize -}}",
  "{%- if message['content'] is string -%}",
  "{{- ': ' + message['content'] -}}",
  '{%- else -%}',
  "{{- ':' if message['content'][0]['type'] == 'image' else ': ' -}}",
  "{%- for part in message['content'] -%}",
  "{%- if part['type'] == 'image' -%}{{- '<image>' -}}{%- elif part['type'] == 'text' -%}{{- part['text'] -}}{%- endif -%}",
  '{%- endfor -%}',
  '{%- endif -%}',
  "{{- '<end_of_utterance>\\n' -}}",
  '{%- endfor -%}',
  "{%- if add_generation_prompt -%}{{- 'Assistant:' -}}{%- endif -%}",
].join('');

export function tokenizerConfigJson(): Record<string, unknown> {
  const token = (id: number) => SPECIAL_TOKENS[id - 256];
  return {
    tokenizer_class: 'GPT2Tokenizer',
    bos_token: token(BOS_ID),
    eos_token: token(EOS_ID),
    pad_token: token(PAD_ID),
    unk_token: token(PAD_ID),
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
    model_max_length: TEXT.maxPositions,
    chat_template: CHAT_TEMPLATE,
  };
}
