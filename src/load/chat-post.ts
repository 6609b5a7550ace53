// One streamed chat request: POST a prebuilt JSON body over node:http(s) with a keep-alive agent,
// stamp the send time, then read either the error body or the SSE stream (openai-stream.ts, the
// same reader and definitions as everywhere else). The same function runs in the client worker
// threads and, with `--client-workers 0`, on the main thread.
//
// Why node:http and not fetch: on Node 20 the bundled undici fetch plus its web streams cost two to
// three times the CPU per streamed request (measured: 800-1,100 vs 340-410 µs for a 10-chunk stream
// at 256 concurrent streams), and the CPU a client spends per chunk delays the chunks behind it.
// Each read of the response is stamped and parsed in the 'data' callback that delivered it
// (createChatStreamReader): its arrival stamp is the socket read's, and no web stream, async
// iterator or promise stands between the socket and the parser (at 256 streams those cost the
// client more CPU per request than the HTTP client itself; `npm run bench -- openai`).

import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { BackendError } from '../backends/backend-error.ts';
import { createChatStreamReader, type ChatStreamResult } from '../backends/openai-stream.ts';
import type { ChatPostRequest } from './client-wire.ts';

/** What the server answered: an error status with its body, or a stream that was read to its end. */
export type ChatReply =
  | { kind: 'status'; startMs: number; status: number; statusText: string; retryAfter: string | null; bodyText: string }
  | { kind: 'stream'; startMs: number; status: number; contentType: string | null; stream: ChatStreamResult };

/** A request that failed below HTTP (refused, reset, closed mid-stream); `cause` is Node's error. */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly phase: 'request' | 'stream',
    override readonly cause: Error,
  ) {
    super(cause.message);
  }
}

export interface ChatPostParams extends ChatPostRequest {
  signal: AbortSignal;
  /** The clock every timing is read from (the shared clock in a worker). */
  now: () => number;
  agents: ClientAgents;
}

export interface ClientAgents {
  http: HttpAgent;
  https: HttpsAgent;
  destroy(): void;
}

/** Keep-alive agents without a socket cap: `--concurrency` bounds the requests in flight. */
export function createAgents(): ClientAgents {
  const options = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo' as const };
  const http = new HttpAgent(options);
  const https = new HttpsAgent(options);
  return {
    http,
    https,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}

/**
 * The post's parameters, built field by field: `{ ...request, signal }` on a per-request path
 * leaves garbage in V8's old generation on Node 20 (see src/run/sample-spill.ts).
 */
export function postParams(request: ChatPostRequest, signal: AbortSignal, now: () => number, agents: ClientAgents): ChatPostParams {
  return { url: request.url, headers: request.headers, body: request.body, maxResponseBytes: request.maxResponseBytes, maxErrorBytes: request.maxErrorBytes, signal, now, agents };
}

export function postChatStream(p: ChatPostParams): Promise<ChatReply> {
  return new Promise<ChatReply>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(p.url);
    } catch (e) {
      return reject(new TransportError('request', codeError((e as Error).message, 'ERR_INVALID_URL')));
    }
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      return reject(new TransportError('request', codeError(`unsupported protocol ${url.protocol}`, 'ERR_INVALID_URL')));
    }
    if (p.signal.aborted) return reject(p.signal.reason);
    const body = typeof p.body === 'string' ? Buffer.from(p.body, 'utf8') : p.body;
    const options = {
      method: 'POST',
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: { ...p.headers, 'content-length': String(body.byteLength) },
      agent: secure ? p.agents.https : p.agents.http,
      ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
    };
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      reject(p.signal.aborted ? p.signal.reason : e);
    };
    const req = (secure ? httpsRequest : httpRequest)(options);
    const onAbort = () => req.destroy(p.signal.reason instanceof Error ? p.signal.reason : new Error('aborted'));
    p.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => p.signal.removeEventListener('abort', onAbort);
    req.on('error', (e) => {
      done();
      fail(new TransportError('request', e));
    });
    req.on('response', (res) => {
      res.on('error', () => {}); // reported through the stream (or the body read) below
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        readText(res, p.maxErrorBytes).then(
          (bodyText) => {
            done();
            if (settled) return;
            settled = true;
            const retryAfter = res.headers['retry-after'];
            resolve({ kind: 'status', startMs, status, statusText: res.statusMessage ?? '', retryAfter: typeof retryAfter === 'string' ? retryAfter : null, bodyText });
          },
          (e: Error) => {
            done();
            fail(new TransportError('stream', e));
          },
        );
        return;
      }
      const reader = createChatStreamReader({ maxBytes: p.maxResponseBytes });
      res.on('data', (d: Buffer) => {
        if (settled) return;
        try {
          reader.push(d, p.now());
        } catch (e) {
          // an error chunk, a chunk that is not JSON, a body past --max-response-bytes: stop reading
          res.destroy();
          done();
          fail(e instanceof BackendError ? e : new TransportError('stream', e instanceof Error ? e : new Error(String(e))));
        }
      });
      res.on('end', () => {
        done();
        if (settled) return;
        settled = true;
        const contentType = res.headers['content-type'];
        resolve({ kind: 'stream', startMs, status, contentType: typeof contentType === 'string' ? contentType : null, stream: reader.end() });
      });
      const cut = (e: Error) => {
        done();
        fail(new TransportError('stream', e));
      };
      res.on('error', cut);
      res.on('close', () => {
        if (!res.complete) cut(codeError('the connection closed before the response ended', 'ECONNRESET'));
      });
    });
    const startMs = p.now();
    req.end(body);
  });
}

function codeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** An error body, up to `maxBytes` (the rest is dropped: a message needs far less). */
function readText(res: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    res.on('data', (d: Buffer) => {
      if (size >= maxBytes) return;
      parts.push(d);
      size += d.byteLength;
    });
    res.on('end', () => resolve(Buffer.concat(parts).subarray(0, maxBytes).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(codeError('the connection closed before the response ended', 'ECONNRESET'));
    });
  });
}
