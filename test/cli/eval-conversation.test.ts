// `eval --conversation` against a recording loopback server: the bundled DocVQA sample's 14 questions
// on 5 documents become 5 conversations (3, 3, 3, 3 and 2 turns), so 14 requests. Each request is
// checked against what the server streamed before it: the history holds exactly that text, the
// image is sent once, in the first user message, and the style's post-prompt ends every question.
// Then `--history gold`, the by-turn scores and timings, and a resume after SIGKILL in the middle of
// a conversation.

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultsSchema, type Results } from '../../src/report/schema.ts';
import type { SampleResult } from '../../src/types.ts';
import { startOpenAiServer, type ScriptedServer, type StreamScript } from '../helpers/openai-server.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';

const env = { PATH: '/usr/bin:/bin', OPENAI_API_KEY: 'sk-test' };
const SHORT_ANSWER = '\nAnswer the question using a single word or phrase.';

/** The bundled sample (datasets/docvqa): question ids by document, in dataset order, with their questions and gold answers. */
const DOCS: Array<Array<{ id: string; question: string; gold: string }>> = [
  [
    { id: '900001', question: 'What is the invoice number?', gold: '4471-B' },
    { id: '900002', question: 'What is the total amount due?', gold: '$159.27' },
    { id: '900003', question: 'To whom is the invoice billed?', gold: 'Harbor Research Institute' },
  ],
  [
    { id: '900004', question: 'Who is the memo from?', gold: 'Dr. Elena Park' },
    { id: '900005', question: 'What is the subject of the memo?', gold: 'Freezer maintenance schedule' },
    { id: '900006', question: 'Which room has the backup unit?', gold: '220' },
  ],
  [
    { id: '900007', question: 'What is the destination?', gold: 'Denver, CO' },
    { id: '900008', question: 'What is the total expense?', gold: '655.00' },
    { id: '900009', question: 'How much was spent on meals?', gold: '74.60' },
  ],
  [
    { id: '900010', question: 'What is the PO number?', gold: '88-2031' },
    { id: '900011', question: 'What is the name of the supplier?', gold: 'Crescent Lab Instruments' },
    { id: '900012', question: 'How many boxes of pipette tips are ordered?', gold: '40' },
  ],
  [
    { id: '900013', question: 'How many pages are being sent?', gold: '3' },
    { id: '900014', question: 'What is the fax number?', gold: '(415) 555-0142' },
  ],
];
const QUESTIONS = DOCS.flat();

type Part = { type: string; text?: string; image_url?: { url: string } };
type ChatMessage = { role: string; content: string | Part[] };

function messagesOf(body: Record<string, unknown>): ChatMessage[] {
  return body.messages as ChatMessage[];
}

function imageParts(m: ChatMessage): number {
  return typeof m.content === 'string' ? 0 : m.content.filter((p) => p.type === 'image_url').length;
}

function textOf(m: ChatMessage): string {
  return typeof m.content === 'string' ? m.content : m.content.filter((p) => p.type === 'text').map((p) => p.text).join('');
}

/** The question a request asks (its last user message), as a QUESTIONS entry. */
function askedIn(body: Record<string, unknown>): (typeof QUESTIONS)[number] {
  const last = textOf(messagesOf(body).at(-1)!);
  const q = QUESTIONS.find((x) => `${x.question}${SHORT_ANSWER}` === last);
  if (!q) throw new Error(`unknown question: ${last}`);
  return q;
}

/**
 * A server whose every reply is distinct and awkward to copy (spaces at both ends, a newline,
 * non-ASCII), with prompt tokens that grow with the user turns and a first token that comes later
 * in later turns. Records what it streamed per request.
 */
async function recordingServer(extra: (body: Record<string, unknown>, index: number) => Partial<StreamScript> = () => ({})): Promise<{ server: ScriptedServer; sent: string[] }> {
  const sent: string[] = [];
  const server = await startOpenAiServer({
    script: (body, index) => {
      const users = messagesOf(body).filter((m) => m.role === 'user').length;
      const text = `  réponse ${index}:\n${askedIn(body).id} `;
      sent[index] = text;
      return { text, chunks: 3, firstChunkMs: 20 * users, intervalMs: 2, promptTokens: 100 * users, ...extra(body, index) };
    },
  });
  return { server, sent };
}

function readRun(dir: string): { results: Results; samples: SampleResult[]; report: string } {
  const results = resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
  const samples = readFileSync(join(dir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
  return { results, samples, report: readFileSync(join(dir, 'report.md'), 'utf8') };
}

function args(server: ScriptedServer, out: string, extra: string[] = []): string[] {
  return ['eval', '--suite', 'docvqa', '--data', 'sample', '--conversation', '--backend', 'openai', '--base-url', server.baseUrl, '--out', out, ...extra];
}

let servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(extra?: Parameters<typeof recordingServer>[0]) {
  const r = await recordingServer(extra);
  servers.push(r.server);
  return r;
}

const tmp = (name: string) => join(mkdtempSync(join(tmpdir(), `eval-conv-${name}-`)), 'run');

describe('eval --conversation --backend openai', () => {
  it('asks the 14 DocVQA questions as 5 conversations: history exactly as streamed, one image in the first user message', async () => {
    const { server, sent } = await serve();
    const out = tmp('model');
    const r = await runCli(args(server, out, ['--concurrency', '2']), { env });
    expect(r.code, r.stderr).toBe(0);
    const bodies = server.chatBodies();
    expect(bodies).toHaveLength(14);
    const userCounts = bodies.map((b) => messagesOf(b).filter((m) => m.role === 'user').length);
    expect(userCounts.filter((n) => n === 1)).toHaveLength(5);
    const reply = new Map(bodies.map((b, i) => [askedIn(b).id, sent[i]]));
    for (const doc of DOCS) {
      doc.forEach((q, k) => {
        const body = bodies.find((b) => askedIn(b).id === q.id)!;
        const messages = messagesOf(body);
        // request k: k user messages and k − 1 assistant messages, alternating, from the first question on
        expect(messages.map((m) => m.role)).toEqual(doc.slice(0, k + 1).flatMap((_, j) => (j < k ? ['user', 'assistant'] : ['user'])));
        doc.slice(0, k + 1).forEach((earlier, j) => {
          expect(textOf(messages[2 * j])).toBe(`${earlier.question}${SHORT_ANSWER}`);
          // the assistant turn is the streamed text itself, as a plain string
          if (j < k) expect(messages[2 * j + 1].content).toBe(reply.get(earlier.id));
        });
        // exactly one image, in the first user message, before its text
        expect(messages.map(imageParts)).toEqual(messages.map((_, i) => (i === 0 ? 1 : 0)));
        expect((messages[0].content as Part[])[0].type).toBe('image_url');
      });
    }
    // every conversation was asked with the same image bytes in turn 1 and later turns
    const urls = new Set(bodies.filter((b) => askedIn(b).id === '900001' || askedIn(b).id === '900003').map((b) => (messagesOf(b)[0].content as Part[])[0].image_url!.url));
    expect(urls.size).toBe(1);

    const { results, samples, report } = readRun(out);
    const s = results.suites[0];
    expect(s.counts).toMatchObject({ total: 14, scored: 14, errored: 0 });
    for (const q of QUESTIONS) {
      const line = samples.find((x) => x.id === q.id)!;
      expect(line.prediction).toBe(reply.get(q.id));
    }
    expect(samples.find((x) => x.id === '900003')).toMatchObject({ conversation: '900001', turn: 3 });
    expect(samples.find((x) => x.id === '900014')).toMatchObject({ conversation: '900013', turn: 2 });
    expect(Object.keys(s.metrics).filter((k) => k.includes('_turn_')).sort()).toEqual(['anls_turn_1', 'anls_turn_2', 'anls_turn_3']);
    for (const k of [1, 2, 3]) expect(s.metrics[`anls_turn_${k}`].ci95).not.toBeNull();
    expect(s.conversation).toEqual({
      history: 'model',
      maxTurns: 5,
      conversations: 5,
      turns: [
        { turn: 1, samples: 5, scored: 5, errored: 0 },
        { turn: 2, samples: 5, scored: 5, errored: 0 },
        { turn: 3, samples: 4, scored: 4, errored: 0 },
      ],
    });
    const byTurn = s.perf.byTurn!;
    expect(byTurn.map((t) => [t.turn, t.requests, t.promptTokensMean])).toEqual([
      [1, 5, 100],
      [2, 5, 200],
      [3, 4, 300],
    ]);
    // the server waited 20 ms per user turn before the first token: a floor for each turn's TTFT
    // (less 5%: client threads stamp times on a clock shared across threads, as eval-openai.test.ts allows)
    byTurn.forEach((t) => expect(t.ttftMs!.p50).toBeGreaterThanOrEqual(20 * t.turn * 0.95));
    for (const t of byTurn) expect(t.e2eLatencyMs!.p99).toBeGreaterThanOrEqual(t.ttftMs!.p50);
    expect(report).toContain('### docvqa by turn');
    expect(report).toMatch(/\| 3 \| 4\/4 \| /);
  });

  it('--concurrency counts conversations: one at a time asks them turn by turn, five at once start with five first turns', async () => {
    const one = await serve();
    expect((await runCli(args(one.server, tmp('c1'), ['--concurrency', '1']), { env })).code).toBe(0);
    expect(one.server.chatBodies().map((b) => askedIn(b).id)).toEqual(QUESTIONS.map((q) => q.id));

    // first turns answer slowly, so all five conversations are under way before any reaches turn 2
    const five = await serve((body) => (messagesOf(body).length === 1 ? { firstChunkMs: 500 } : {}));
    const r = await runCli(args(five.server, tmp('c5'), ['--concurrency', '5']), { env });
    expect(r.code, r.stderr).toBe(0);
    const order = five.server.chatBodies().map((b) => messagesOf(b).filter((m) => m.role === 'user').length);
    expect(order.slice(0, 5)).toEqual([1, 1, 1, 1, 1]);
    // within each conversation, turns still come in order
    const ids = five.server.chatBodies().map((b) => askedIn(b).id);
    for (const doc of DOCS) {
      const positions = doc.map((q) => ids.indexOf(q.id));
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
  });

  it('--history gold puts the reference answers in the assistant messages', async () => {
    const { server } = await serve();
    const out = tmp('gold');
    const r = await runCli(args(server, out, ['--history', 'gold', '--max-turns', '3']), { env });
    expect(r.code, r.stderr).toBe(0);
    const bodies = server.chatBodies();
    expect(bodies).toHaveLength(14);
    for (const doc of DOCS) {
      doc.forEach((q, k) => {
        const messages = messagesOf(bodies.find((b) => askedIn(b).id === q.id)!);
        expect(messages.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(doc.slice(0, k).map((e) => e.gold));
      });
    }
    expect(readRun(out).results.suites[0].conversation).toMatchObject({ history: 'gold', maxTurns: 3, conversations: 5 });
  });

  it('--max-turns 2 splits a document’s questions into conversations of at most two turns', async () => {
    const { server } = await serve();
    const out = tmp('max2');
    expect((await runCli(args(server, out, ['--max-turns', '2']), { env })).code).toBe(0);
    const users = server.chatBodies().map((b) => messagesOf(b).filter((m) => m.role === 'user').length);
    expect(users.filter((n) => n === 1)).toHaveLength(9); // 2+1, 2+1, 2+1, 2+1, 2
    expect(Math.max(...users)).toBe(2);
    const { results, samples } = readRun(out);
    expect(samples.find((x) => x.id === '900003')).toMatchObject({ conversation: '900003', turn: 1 });
    expect(Object.keys(results.suites[0].metrics).filter((k) => k.includes('_turn_'))).toEqual(['anls_turn_1', 'anls_turn_2']);
  });

  it('a run killed with SIGKILL in the middle of a conversation resumes it where it stopped, with the journal’s answers as history', async () => {
    // one conversation at a time; the fifth request (document 2, turn 2) never answers
    const first = await serve((_body, index) => (index === 4 ? { fault: { type: 'stall' } } : {}));
    const out = tmp('kill');
    const { child, done } = startCli(args(first.server, out, ['--concurrency', '1']), { env });
    const journal = join(out, 'samples.jsonl');
    const deadline = Date.now() + 60_000;
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean).length : 0);
    while (Date.now() < deadline && !(first.server.chatBodies().length >= 5 && lines() >= 4)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const before = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleResult);
    expect(before.map((x) => x.id)).toEqual(['900001', '900002', '900003', '900004']);

    const second = await serve();
    const resumed = await runCli(['eval', '--resume', out, '--base-url', second.server.baseUrl], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const asked = second.server.chatBodies().map((b) => askedIn(b).id);
    // nothing finished is asked again, nothing is lost: the other 10 questions, in order
    expect(asked).toEqual(QUESTIONS.slice(4).map((q) => q.id));
    // document 2 resumes at turn 2, its turn 1 from the journal as history
    const resumedTurn = messagesOf(second.server.chatBodies()[0]);
    expect(resumedTurn.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(resumedTurn[1].content).toBe(before[3].prediction);
    expect(before[3].prediction).toBe(first.sent[3]);
    expect(imageParts(resumedTurn[0])).toBe(1);

    const { results, samples } = readRun(out);
    expect(samples.map((x) => x.id).sort()).toEqual(QUESTIONS.map((q) => q.id));
    expect(samples.find((x) => x.id === '900005')).toMatchObject({ conversation: '900004', turn: 2 });
    expect(results.suites[0].counts).toMatchObject({ total: 14, scored: 14 });
    expect(results.suites[0].perf.byTurn!.map((t) => t.requests)).toEqual([5, 5, 4]);
    expect(results.suites[0].perf.invocations).toBe(2);
  });

  it('refuses --raw-prompt, and --max-turns or --history without --conversation, with one line each (exit 2)', async () => {
    const out = tmp('refuse');
    const raw = await runCli(['eval', '--suite', 'docvqa', '--data', 'sample', '--conversation', '--raw-prompt', '--backend', 'replay', '--predictions', '/dev/null', '--out', out], { env });
    expect(raw.code).toBe(2);
    expect(raw.stderr).toMatch(/--raw-prompt cannot be combined with --conversation/);
    expect(raw.stderr).not.toMatch(/\n\s+at /);
    const turns = await runCli(['eval', '--suite', 'docvqa', '--data', 'sample', '--max-turns', '2', '--out', out], { env });
    expect(turns.code).toBe(2);
    expect(turns.stderr).toMatch(/--max-turns needs --conversation/);
    const history = await runCli(['eval', '--suite', 'docvqa', '--data', 'sample', '--conversation', '--history', 'oracle', '--out', out], { env });
    expect(history.code).toBe(2);
    expect(history.stderr).toMatch(/Unknown --history 'oracle'/);
  });
});
