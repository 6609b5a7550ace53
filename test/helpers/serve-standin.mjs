#!/usr/bin/env node
// A stand-in for `vllm serve`, for the --serve tests: an OpenAI-compatible server on 127.0.0.1 that
// becomes healthy after a delay, forks a helper process the way vLLM forks its engine (both stay in
// the process group), writes the pids of both to a file, logs to stdout and stderr, and answers
// /health, /v1/models, /v1/chat/completions (a short stream), /version, /metrics (with
// vllm:cache_config_info) and POST /reset_prefix_cache. Options:
//   --port N            port to listen on (required)
//   --pids FILE         where to write "<server pid>\n<helper pid>\n"
//   --ready-after MS    answer /health with 503 until then (default 200)
//   --never-healthy     /health and /v1/models always 503
//   --exit-early        exit with code 3 after 100 ms, before becoming healthy
//   --ignore-term       ignore SIGTERM (the harness must SIGKILL the group)
//   --no-reset          no /reset_prefix_cache (404), as vLLM without VLLM_SERVER_DEV_MODE

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const flag = (name) => args.includes(name);
const port = Number(opt('--port'));
const readyAt = Date.now() + Number(opt('--ready-after') ?? 200);
let resets = 0;

// the engine: a process that would outlive a server killed alone
const helper = spawn(process.execPath, ['-e', `process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);`], { stdio: 'ignore' });
if (opt('--pids')) writeFileSync(opt('--pids'), `${process.pid}\n${helper.pid}\n`);
if (flag('--ignore-term')) {
  process.on('SIGTERM', () => console.error('stand-in: SIGTERM ignored'));
} else {
  process.on('SIGTERM', () => {
    console.log('stand-in: SIGTERM, shutting down');
    server.close();
    helper.kill('SIGTERM');
    setTimeout(() => process.exit(0), 50);
  });
}
if (flag('--exit-early')) {
  setTimeout(() => {
    console.error('stand-in: fatal: could not load the model');
    helper.kill('SIGKILL');
    process.exit(3);
  }, 100);
}

const healthy = () => !flag('--never-healthy') && Date.now() >= readyAt;

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (path === '/health') return void res.writeHead(healthy() ? 200 : 503).end();
    if (!healthy()) return void res.writeHead(503).end('loading');
    if (path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: [{ id: 'standin-model', object: 'model' }] }));
    }
    if (path === '/version') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: '0.10.1.standin' }));
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(
        [
          '# TYPE vllm:cache_config_info gauge',
          'vllm:cache_config_info{block_size="16",cache_dtype="auto",enable_prefix_caching="True",num_gpu_blocks="4096"} 1.0',
          '# TYPE vllm:generation_tokens_total counter',
          'vllm:generation_tokens_total{model_name="standin-model"} 0.0',
          `vllm:standin_resets ${resets}`,
          '',
        ].join('\n'),
      );
    }
    if (path === '/reset_prefix_cache' && req.method === 'POST' && !flag('--no-reset')) {
      resets++;
      console.log(`stand-in: prefix cache reset (${resets})`);
      return void res.writeHead(200).end();
    }
    if (path === '/v1/chat/completions' && req.method === 'POST') {
      console.log('stand-in: chat request');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (content, finish) => ({ id: 'x', object: 'chat.completion.chunk', model: 'standin-model', choices: [{ index: 0, delta: { content }, finish_reason: finish }], usage: null });
      let i = 0;
      const timer = setInterval(() => {
        if (i < 3) res.write(`data: ${JSON.stringify(chunk(`w${i} `, i === 2 ? 'length' : null))}\n\n`);
        else {
          clearInterval(timer);
          res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', model: 'standin-model', choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } })}\n\n`);
          res.end('data: [DONE]\n\n');
        }
        i++;
      }, 5);
      return;
    }
    res.writeHead(404).end();
  });
});
server.listen(port, '127.0.0.1', () => console.log(`stand-in: listening on 127.0.0.1:${port}`));
