// `--serve "<command>"` as an argument vector, without a shell (design.md: no shell strings built
// from config). Words split on blanks with POSIX quoting: '…' is literal, "…" honours \" \\ \$ \`,
// a backslash outside quotes escapes the next character. Leading NAME=value words are environment
// settings for the server, as a shell would take them (`VLLM_SERVER_DEV_MODE=1 vllm serve …`).
// What only a shell could do (pipes, redirections, `;`, `&`, `$VAR`, `$(…)`, backquotes) is
// refused with the fix, rather than passed on as a literal argument the server would not expect.

import { UserError } from '../errors.ts';

export interface ServeCommand {
  /** Program and arguments. */
  argv: string[];
  /** Environment settings given before the program. */
  env: Record<string, string>;
}

const SHELL_ONLY = /[|&;<>()`$]/;

export function parseServeCommand(text: string): ServeCommand {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  const fail = (what: string): never => {
    throw new UserError(
      `--serve: ${what} needs a shell, and the command is run without one. Put the command in a script and give --serve "bash ./serve.sh", or quote the character.`,
    );
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else if (c === '$' || c === '`') fail(`'${c}' (expansion inside double quotes)`);
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < text.length) word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (SHELL_ONLY.test(c)) {
      fail(`'${c}'`);
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new UserError(`--serve: unclosed ${quote === "'" ? 'single' : 'double'} quote in the command.`);
  if (inWord) words.push(word);
  const env: Record<string, string> = {};
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
    const w = words.shift()!;
    const eq = w.indexOf('=');
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  if (words.length === 0) throw new UserError('--serve: no command given. Example: --serve "vllm serve meta-llama/Llama-3.2-11B-Vision-Instruct --max-model-len 8192"');
  return { argv: words, env };
}

/** Option and variable names whose values are secrets (`--api-key`, `HF_TOKEN`, `--hf-token` …). */
const SECRET_NAME = /(api[-_]?key|token|secret|passw(or)?d|credential)/i;

/** The command as reports may show it: values of secret options and variables become `***`. */
export function maskedCommand(cmd: ServeCommand): string[] {
  const out = Object.entries(cmd.env).map(([k, v]) => `${k}=${SECRET_NAME.test(k) ? '***' : v}`);
  for (let i = 0; i < cmd.argv.length; i++) {
    const a = cmd.argv[i];
    const eq = a.indexOf('=');
    if (a.startsWith('-') && eq > 0 && SECRET_NAME.test(a.slice(0, eq))) {
      out.push(`${a.slice(0, eq)}=***`);
    } else if (a.startsWith('-') && eq < 0 && SECRET_NAME.test(a) && i + 1 < cmd.argv.length) {
      out.push(a, '***');
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/** The command as one line for config.json and messages, quoted so it reads back the same, secrets masked. */
export function commandText(words: readonly string[]): string {
  return words.map((w) => (w !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`)).join(' ');
}

/**
 * The API root of a server started with this command: `--port N` (vLLM, SGLang's `--port`), else
 * vLLM's default 8000, on `--host` unless that is a wildcard address.
 */
export function defaultBaseUrl(cmd: ServeCommand): string {
  const option = (name: string): string | undefined => {
    for (let i = 0; i < cmd.argv.length; i++) {
      const a = cmd.argv[i];
      if (a === name) return cmd.argv[i + 1];
      if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
    }
    return undefined;
  };
  const port = option('--port') ?? '8000';
  if (!/^\d+$/.test(port)) throw new UserError(`--serve: --port ${port} is not a port number.`);
  const host = option('--host');
  const reachable = !host || host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}/v1`;
}
