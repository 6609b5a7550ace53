// MathVista's judge on a scripted server, for the tests that judge the bundled sample: the cases
// (test/fixtures/mathvista/sample-judge-cases.json, computed with the official extract_answer()) and
// a server script that answers each official prompt with its recorded reply.

import { readFileSync } from 'node:fs';
import type { StreamScript } from './openai-server.ts';

export interface Case {
  pid: string;
  response: string;
  prompt?: string;
  judge_reply?: string;
  extraction?: string;
  normalized: string | null;
  true_false: boolean;
}

export const CASES = JSON.parse(readFileSync(new URL('../fixtures/mathvista/sample-judge-cases.json', import.meta.url), 'utf8')) as Case[];
export const JUDGED = CASES.filter((c) => c.prompt !== undefined);

/** The judge answers each official prompt with its recorded reply; `fault` scripts failures by pid. */
export function judgeScript(fault: (pid: string) => StreamScript['fault'] | undefined = () => undefined) {
  return (body: Record<string, unknown>): StreamScript => {
    const text = (body.messages as Array<{ content: Array<{ text: string }> }>)[0].content[0].text;
    const c = JUDGED.find((x) => x.prompt === text);
    if (!c) return { fault: { type: 'status', status: 400, body: { error: { message: 'unexpected prompt' } } } };
    const f = fault(c.pid);
    return f ? { fault: f } : { text: c.judge_reply!, promptTokens: 700, firstChunkMs: 2 };
  };
}

