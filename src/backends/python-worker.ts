// One child process that speaks JSON lines on stdin/stdout (python/worker.py, or a stand-in in
// tests). It is a class because it is real state: a live process, its partial stdout line, the
// messages not yet read and the exit status. It knows nothing about what the messages mean.
// The process is started from an argument array (never through a shell), its stderr is kept as a
// short tail for error messages, and it is killed when this Node process exits, so that a worker
// holding GPU memory never outlives the harness.

import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export type SpawnFunction = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** A parsed protocol line: a JSON object. */
export type WorkerLine = Record<string, unknown>;

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES …). */
  error?: NodeJS.ErrnoException;
}

export interface PythonWorkerOptions {
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  spawn?: SpawnFunction;
  /** How many characters of stderr to keep for error messages. */
  stderrTailChars?: number;
}

/** The worker ended while a message was awaited. */
export class WorkerExitedError extends Error {
  override name = 'WorkerExitedError';
  constructor(
    readonly exit: WorkerExit,
    readonly stderrTail: string,
  ) {
    super(describeExit(exit));
  }
}

export function describeExit(exit: WorkerExit): string {
  if (exit.error) return `could not be started (${exit.error.code ?? exit.error.message})`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

export class PythonWorker {
  readonly pid: number | undefined;
  /** Resolves once, when the process has ended (or failed to start). */
  readonly exited: Promise<WorkerExit>;
  private readonly child: ChildProcess;
  private readonly inbox: WorkerLine[] = [];
  private waiter: { resolve(line: WorkerLine): void; reject(e: Error): void } | null = null;
  private partial = '';
  private stderrText = '';
  private readonly stderrMax: number;
  private exitInfo: WorkerExit | null = null;
  private readonly killOnExit = () => this.kill('SIGKILL');

  constructor(o: PythonWorkerOptions) {
    this.stderrMax = o.stderrTailChars ?? 4000;
    const spawn = o.spawn ?? nodeSpawn;
    this.child = spawn(o.command, o.args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...(o.env ?? process.env), PYTHONUNBUFFERED: '1' }, shell: false });
    this.pid = this.child.pid;
    this.exited = new Promise((resolve) => {
      let settled = false;
      const finish = (exit: WorkerExit) => {
        if (settled) return;
        settled = true;
        this.exitInfo = exit;
        process.off('exit', this.killOnExit);
        this.waiter?.reject(new WorkerExitedError(exit, this.stderrTail()));
        this.waiter = null;
        resolve(exit);
      };
      this.child.on('error', (error: NodeJS.ErrnoException) => {
        // A spawn failure has no exit event; a later kill failure is not an exit.
        if (this.child.pid === undefined) finish({ code: null, signal: null, error });
      });
      // 'close' comes after stdout is drained, so every line the worker wrote was read first.
      this.child.on('close', (code, signal) => finish({ code, signal }));
    });
    process.on('exit', this.killOnExit);
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderrText = (this.stderrText + chunk).slice(-this.stderrMax);
    });
    // A write to a worker that just died fails with EPIPE; the exit is reported by `exited`.
    this.child.stdin!.on('error', () => undefined);
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  /** The end of what the worker wrote to stderr (its log), trimmed. */
  stderrTail(): string {
    return this.stderrText.trim();
  }

  /** Writes one message; false when the worker can no longer read. */
  send(message: object): boolean {
    if (!this.alive || !this.child.stdin!.writable) return false;
    this.child.stdin!.write(JSON.stringify(message) + '\n');
    return true;
  }

  /** The next message the worker wrote; rejects with WorkerExitedError once it has ended and none is left. */
  next(): Promise<WorkerLine> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.exitInfo) return Promise.reject(new WorkerExitedError(this.exitInfo, this.stderrTail()));
    if (this.waiter) return Promise.reject(new Error('PythonWorker.next() is already being awaited'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** Sends `shutdown` (and closes stdin), waits up to `graceMs` for the exit, then kills. */
  async close(graceMs: number): Promise<WorkerExit> {
    if (this.alive) {
      this.send({ type: 'shutdown' });
      this.child.stdin!.end();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      const first = await Promise.race([this.exited, late]);
      clearTimeout(timer);
      if (first === 'late') this.kill('SIGKILL');
    }
    return this.exited;
  }

  private onStdout(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.trim();
      if (!line) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        // Not a protocol line (a library printed to stdout): keep it with the log instead.
        this.stderrText = (this.stderrText + `\n[stdout] ${line}`).slice(-this.stderrMax);
        continue;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w.resolve(parsed as WorkerLine);
      } else {
        this.inbox.push(parsed as WorkerLine);
      }
    }
  }
}
