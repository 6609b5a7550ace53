// A loopback OpenAI-compatible server that answers instantly (for the harness-overhead benchmark):
// reads the request body, streams a role delta, one content chunk, the usage chunk and [DONE].
// Runs in its own process so the client being measured has the event loop to itself.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url !== '/v1/chat/completions') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ id: 'loopback' }] }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const ev = (o) => `data: ${JSON.stringify(o)}\n\n`;
    res.end(
      ev({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }) +
        ev({ choices: [{ index: 0, delta: { content: '42' } }] }) +
        ev({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 1 } }) +
        'data: [DONE]\n\n',
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
