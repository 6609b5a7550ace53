// python/worker_model.py's request checks, run by the Python the CI has (no torch needed: they come
// before the model is touched). A conversation's image parts sit in its first user message only;
// the images sent must match them one for one.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/run-cli.ts';

const python = spawnSync('python3', ['--version']);
const missing = python.error !== undefined || python.status !== 0;

/** Runs build_inputs with a processor whose chat template fails with the roles it was given, and prints the outcome. */
function buildInputs(messages: unknown[], images: string[]): string {
  const script = `
import json, sys
sys.dont_write_bytecode = True
sys.path.insert(0, ${JSON.stringify(join(REPO, 'python'))})
from worker_model import build_inputs, WorkerError
class Templated(Exception):
    pass
class Processor:
    def apply_chat_template(self, messages, add_generation_prompt, tokenize):
        raise Templated(json.dumps([m["role"] for m in messages]))
try:
    build_inputs({"processor": Processor(), "torch": None}, json.loads(sys.argv[1]), json.loads(sys.argv[2]))
except WorkerError as e:
    print(e.kind + ": " + e.message)
`;
  const r = spawnSync('python3', ['-c', script, JSON.stringify({ messages }), JSON.stringify(images)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe.skipIf(missing)('worker_model.build_inputs', () => {
  const user = (text: string, image = false) => ({ role: 'user', content: [...(image ? [{ type: 'image' }] : []), { type: 'text', text }] });
  const assistant = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }] });

  it('sends a conversation with its image in the first turn to the chat template', () => {
    expect(buildInputs([user('Describe the image.', true), assistant('A memo.'), user('Who wrote it?')], ['/tmp/a.png'])).toBe(
      'input: preparing the prompt failed: Templated: ["user", "assistant", "user"]',
    );
  });

  it('refuses image parts that do not match the images, as an input error', () => {
    expect(buildInputs([user('a', true), assistant('b'), user('c', true)], ['/tmp/a.png'])).toBe('input: the messages have 2 image part(s) for 1 image(s)');
    expect(buildInputs([user('a')], ['/tmp/a.png'])).toBe('input: the messages have 0 image part(s) for 1 image(s)');
  });
});
