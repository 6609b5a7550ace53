// A loopback OpenAI-compatible streaming server for the benchmarks, run in its own process(es) so
// the client being measured has its threads to itself. Two modes:
// - instant (default): each chat request gets a role delta, one content chunk, the usage chunk and
//   [DONE] in one write (the harness-overhead benchmark);
// - scripted (`--ttft-ms T --itl-ms D --tokens n`): the first content chunk T ms after the request's
//   headers arrived, then one chunk every D ms on an absolute timeline (timer lateness never
//   accumulates), then usage and [DONE]. The server records when it received each request and when
//   each chunk's write returned, so a client's TTFT/ITL/TPOT can be checked against what the server
//   actually did rather than against the script.
// `--processes K` serves from K cluster workers on one port (connections are spread round-robin), so
// a server that cannot keep up at hundreds of streams does not pass its lateness off as the client's.
// Control: the port is printed on stdout and sent over IPC ({port}); over IPC, {cmd: 'records'} is
// answered with {records: [[receivedMs, chunk1Ms, …], …]} (ms on this host's monotonic clock, the
// records since the last call) and {cmd: 'reset'} drops the records.
import cluster from 'node:cluster';
import { createServer } from 'node:http';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const ttftMs = option('ttft-ms', 0);
const itlMs = option('itl-ms', 0);
const tokens = option('tokens', 1);
const processes = option('processes', 1);
const scripted = ttftMs > 0 || itlMs > 0;

/** Monotonic ms, comparable across processes of this host (CLOCK_MONOTONIC). */
const hrMs = () => Number(process.hrtime.bigint()) / 1e6;

const ev = (o) => `data: ${JSON.stringify(o)}\n\n`;
const DONE = `${ev({ choices: [], usage: { prompt_tokens: 10, completion_tokens: scripted ? tokens : 1 } })}data: [DONE]\n\n`;
const INSTANT =
  ev({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }) + ev({ choices: [{ index: 0, delta: { content: '42' } }] }) + DONE;
const chunkText = (i) =>
  ev({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: 'w0 ' } : { content: `w${i} ` }, finish_reason: i === tokens - 1 ? 'length' : null }] });
const CHUNKS = Array.from({ length: tokens }, (_, i) => chunkText(i));

let records = [];

function stream(res, received) {
  const times = [received];
  records.push(times);
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    res.write(CHUNKS[i]);
    times.push(hrMs());
    i++;
    if (i === tokens) {
      res.end(DONE);
      return;
    }
    setTimeout(next, Math.max(0, received + ttftMs + i * itlMs - hrMs()));
  };
  setTimeout(next, Math.max(0, received + ttftMs - hrMs()));
}

function serve(onListening) {
  const server = createServer((req, res) => {
    const received = hrMs();
    req.on('data', () => {});
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: [{ id: 'loopback' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (!scripted) return void res.end(INSTANT);
      res.flushHeaders();
      stream(res, received);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  server.listen(0, '127.0.0.1', () => onListening(server.address().port));
}

function takeRecords() {
  const out = records;
  records = [];
  return out;
}

if (processes > 1 && cluster.isPrimary) {
  const workers = Array.from({ length: processes }, () => cluster.fork());
  let listening = 0;
  cluster.on('listening', (_w, address) => {
    if (++listening === processes) {
      process.stdout.write(`${address.port}\n`);
      process.send?.({ port: address.port });
    }
  });
  const ask = (cmd) =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve) => {
            const on = (m) => {
              if (m?.reply !== cmd) return;
              w.off('message', on);
              resolve(m.records ?? []);
            };
            w.on('message', on);
            w.send({ cmd });
          }),
      ),
    );
  process.on('message', async (m) => {
    if (m?.cmd === 'records') process.send({ records: (await ask('records')).flat() });
    if (m?.cmd === 'reset') {
      await ask('reset');
      process.send({ reset: true });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
} else {
  serve((port) => {
    if (cluster.isPrimary) {
      process.stdout.write(`${port}\n`);
      process.send?.({ port });
    }
  });
  process.on('message', (m) => {
    const reply = cluster.isPrimary ? (o) => process.send(o) : (o) => process.send({ reply: m.cmd, ...o });
    if (m?.cmd === 'records') reply({ records: takeRecords() });
    if (m?.cmd === 'reset') {
      records = [];
      reply({ reset: true });
    }
  });
  if (cluster.isPrimary) process.on('disconnect', () => process.exit(0));
}
