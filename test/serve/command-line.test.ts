import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { commandText, defaultBaseUrl, maskedCommand, parseServeCommand } from '../../src/serve/command-line.ts';

describe('parseServeCommand', () => {
  it('splits words with POSIX quoting and takes leading NAME=value as environment', () => {
    const cmd = parseServeCommand(`VLLM_SERVER_DEV_MODE=1  vllm serve meta-llama/Llama-3.2-11B-Vision-Instruct --max-model-len 8192 --limit-mm-per-prompt '{"image": 1}' --chat-template "a \\"b\\" c" x\\ y ''`);
    expect(cmd.env).toEqual({ VLLM_SERVER_DEV_MODE: '1' });
    expect(cmd.argv).toEqual(['vllm', 'serve', 'meta-llama/Llama-3.2-11B-Vision-Instruct', '--max-model-len', '8192', '--limit-mm-per-prompt', '{"image": 1}', '--chat-template', 'a "b" c', 'x y', '']);
  });

  it.each([
    ['vllm serve m | tee log', "'|'"],
    ['vllm serve m > log', "'>'"],
    ['vllm serve m; rm -rf /', "';'"],
    ['vllm serve $MODEL', "'$'"],
    ['vllm serve "$(cat m)"', "'$' (expansion inside double quotes)"],
    ['vllm serve m &', "'&'"],
  ])('refuses what needs a shell: %s', (text, what) => {
    expect(() => parseServeCommand(text)).toThrow(new UserError(`--serve: ${what} needs a shell, and the command is run without one. Put the command in a script and give --serve "bash ./serve.sh", or quote the character.`));
  });

  it('says what is wrong with an empty or unclosed command', () => {
    expect(() => parseServeCommand('  ')).toThrow(/no command given/);
    expect(() => parseServeCommand('A=1')).toThrow(/no command given/);
    expect(() => parseServeCommand("vllm serve 'm")).toThrow(/unclosed single quote/);
  });
});

describe('maskedCommand', () => {
  it('masks the values of secret options and variables, in both option spellings', () => {
    const cmd = parseServeCommand('HF_TOKEN=hf_abc PORT=8000 vllm serve m --api-key sk-123 --hf-token=hf_def --port 8000');
    expect(maskedCommand(cmd)).toEqual(['HF_TOKEN=***', 'PORT=8000', 'vllm', 'serve', 'm', '--api-key', '***', '--hf-token=***', '--port', '8000']);
    expect(commandText(maskedCommand(cmd))).toBe("'HF_TOKEN=***' PORT=8000 vllm serve m --api-key '***' '--hf-token=***' --port 8000");
    // what commandText writes reads back as the same words
    expect(parseServeCommand(commandText(['a b', "it's", '{"x": 1}'])).argv).toEqual(['a b', "it's", '{"x": 1}']);
  });
});

describe('defaultBaseUrl', () => {
  it('follows --port and --host, with vLLM’s defaults', () => {
    expect(defaultBaseUrl(parseServeCommand('vllm serve m'))).toBe('http://127.0.0.1:8000/v1');
    expect(defaultBaseUrl(parseServeCommand('vllm serve m --port 9001 --host 0.0.0.0'))).toBe('http://127.0.0.1:9001/v1');
    expect(defaultBaseUrl(parseServeCommand('python -m sglang.launch_server --port=30000 --host 10.0.0.5'))).toBe('http://10.0.0.5:30000/v1');
    expect(() => defaultBaseUrl(parseServeCommand('vllm serve m --port x'))).toThrow(/not a port number/);
  });
});
