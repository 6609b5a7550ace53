// Done when "Endpoints": three local servers serve one run (`--base-url a,b,c`), one is killed
// mid-run; no sample is lost (its requests in flight and those after are sent to the others), and
// results.json has the requests and failures per endpoint (`perf.endpoints`).

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readInvocations } from '../../src/run/run-record.ts';
import { startOpenAiServer, type ScriptedServer } from '../helpers/openai-server.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';
import { readResults } from '../helpers/shard-runs.ts';

const ROWS = 16; // the bundled ChartQA sample
let servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('eval --base-url a,b,c', () => {
  it('spreads requests over the replicas by least outstanding requests', async () => {
    servers = await Promise.all([0, 1, 2].map(() => startOpenAiServer({ script: { firstChunkMs: 40, intervalMs: 5, chunks: 3 } })));
    const out = join(mkdtempSync(join(tmpdir(), 'endpoints-')), 'run');
    const r = await runCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', servers.map((s) => s.baseUrl).join(','), '--concurrency', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const perf = readResults(out).suites[0].perf;
    expect(perf.endpoints).toEqual(servers.map((s) => ({ baseUrl: s.baseUrl, requests: s.chatBodies().length, errored: 0 })));
    // three at a time over three replicas: each gets a share
    for (const s of servers) expect(s.chatBodies().length).toBeGreaterThanOrEqual(3);
    expect(servers.reduce((n, s) => n + s.chatBodies().length, 0)).toBe(ROWS);
    expect(perf.timedSamples).toBe(ROWS);
  });

  it('one replica killed mid-run: its requests go to the others, no sample is lost, and the counts say so', async () => {
    const slow = { firstChunkMs: 400, intervalMs: 5, chunks: 3 };
    const fast = { firstChunkMs: 60, intervalMs: 5, chunks: 3 };
    servers = await Promise.all([fast, slow, fast].map((script) => startOpenAiServer({ script })));
    const [a, b, c] = servers;
    const out = join(mkdtempSync(join(tmpdir(), 'endpoints-')), 'run');
    const { done } = startCli(['eval', '--suite', 'chartqa', '--data', 'sample', '--backend', 'openai', '--base-url', `${a.baseUrl},${b.baseUrl}/,${c.baseUrl}`, '--concurrency', '6', '--out', out]);
    // kill b once it is serving requests (its answers take 400 ms, so they are in flight)
    const deadline = Date.now() + 60_000;
    while (b.chatBodies().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const servedByB = b.chatBodies().length;
    await b.close();
    const r = await done;
    expect(r.code, r.stderr).toBe(0);

    const results = readResults(out);
    const s = results.suites[0];
    expect(s.counts).toMatchObject({ total: ROWS, scored: ROWS, errored: 0 });
    const lines = readFileSync(join(out, 'samples.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { state: string });
    expect(lines.filter((l) => l.state === 'scored')).toHaveLength(ROWS);
    const [ea, eb, ec] = s.perf.endpoints!;
    expect([ea.baseUrl, eb.baseUrl, ec.baseUrl]).toEqual([a.baseUrl, b.baseUrl, c.baseUrl]);
    // b failed every request it had (its answers never came); a and c served the rest, nothing failed there
    expect(eb.requests).toBeGreaterThanOrEqual(servedByB);
    expect(eb.errored).toBe(eb.requests);
    expect([ea.errored, ec.errored]).toEqual([0, 0]);
    expect(ea.requests + ec.requests).toBe(ROWS);
    expect(ea.requests).toBe(a.chatBodies().length);
    expect(ec.requests).toBe(c.chatBodies().length);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(`chartqa endpoints: ${a.baseUrl} ${ea.requests} requests; ${b.baseUrl} ${eb.requests} request${eb.requests === 1 ? '' : 's'} (${eb.errored} failed there)`);
    // run.json keeps the invocation's counts, which the figures add up
    expect(readInvocations(out)[0].suites.chartqa.endpoints).toEqual(s.perf.endpoints);
  });
});
