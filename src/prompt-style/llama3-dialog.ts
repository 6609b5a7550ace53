// The Llama 3 dialog format, for `--raw-prompt` on backends that bypass the chat template (the
// transformers worker): each turn is `<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>`
// after one `<|begin_of_text|>`, and the prompt ends with the assistant header, as llama-models'
// ChatFormat.encode_dialog_prompt lays it out. An image part is written `<|image|>` where it sits,
// so Meta's prompts ("<|image|>Look at the image…") are sent exactly as eval_details.md writes them.

import type { Message } from '../types.ts';

export const IMAGE_TOKEN = '<|image|>';

export function llama3RawPrompt(messages: readonly Pick<Message, 'role' | 'content'>[]): string {
  const turns = messages.map((m) => {
    const content = m.content.map((p) => (p.type === 'image' ? IMAGE_TOKEN : p.text)).join('');
    return `<|start_header_id|>${m.role}<|end_header_id|>\n\n${content}<|eot_id|>`;
  });
  return `<|begin_of_text|>${turns.join('')}<|start_header_id|>assistant<|end_header_id|>\n\n`;
}
