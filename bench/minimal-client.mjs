// The baseline of the openai load benchmark: a minimal Node streaming client, the least a client
// can do. One thread, node:http with a keep-alive agent, N loops each POSTing the next prebuilt body
// and reading the response to its end; no parsing beyond noting when the first bytes came.
// Usage: node minimal-client.mjs <port> <concurrency> <requests> <bodies.json>
// Prints one JSON line: {reqPerSec, ttftP50Ms, durationSec}.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [port, concurrency, requests, bodiesFile] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8')).map((b) => Buffer.from(b));
const n = Number(requests);
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const ttft = [];
let next = 0;

function one(body) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      { host: '127.0.0.1', port: Number(port), path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': body.length } },
      (res) => {
        let first = true;
        res.on('data', () => {
          if (first) ttft.push(performance.now() - t0);
          first = false;
        });
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function loop() {
  while (next < n) {
    const i = next++;
    await one(bodies[i % bodies.length]);
  }
}

const start = performance.now();
await Promise.all(Array.from({ length: Math.min(Number(concurrency), n) }, loop));
const sec = (performance.now() - start) / 1000;
ttft.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ reqPerSec: n / sec, ttftP50Ms: ttft[Math.floor((ttft.length - 1) / 2)], durationSec: sec })}\n`);
agent.destroy();
