// The `eval` and `sweep` event printer: what a run reports while it works, on standard error.

import type { EvalEvent } from '../run/eval.ts';
import { formatProgress } from '../report/progress.ts';
import { err } from './output.ts';

/** Prints a run's events on stderr: progress bars on a terminal, a line every few seconds otherwise. */
export function evalEventPrinter(): (e: EvalEvent) => void {
  const tty = Boolean(process.stderr.isTTY);
  let suiteStart = performance.now();
  let baseDone = 0;
  let lastPlain = 0;
  let lastDownload = 0;
  let lastJudge = 0;
  let lastPlainDone = -1;
  let firstProgress = true;
  const download = (what: string, loaded: number, total: number | null) => {
    const now = performance.now();
    const doneFile = total !== null && loaded >= total;
    if (now - lastDownload < (tty ? 200 : 5000) && !doneFile) return;
    lastDownload = now;
    const pct = total ? ` ${((100 * loaded) / total).toFixed(0)}%` : '';
    const line = `downloading ${what}: ${(loaded / 2 ** 20).toFixed(1)} MiB${pct}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${doneFile ? '\n' : ''}`);
    else err(line);
  };
  return (e: EvalEvent) => {
    switch (e.type) {
      case 'start':
        err(`run dir: ${e.runDir}`);
        err(`model: ${e.model.id} (${e.model.backend}${e.model.dtype ? `, ${e.model.dtype}` : ''})`);
        if (e.resumed) err(`resuming: ${e.resumed} sample(s) already finished${e.repairedLines ? `, ${e.repairedLines} half-written line redone` : ''}`);
        break;
      case 'notice':
        err(`\n*** ${e.message} ***\n`);
        break;
      case 'info':
        err(e.message);
        break;
      case 'model': {
        const m = e.event;
        if (m.kind === 'load') err(`loading ${m.model} from ${m.dir}`);
        else if (m.kind === 'download') download(`${m.model}/${m.file}`, m.loadedBytes, m.totalBytes);
        break;
      }
      case 'data':
        download(`${e.event.repo}/${e.event.file}`, e.event.bytes, e.event.total ?? null);
        break;
      case 'suite':
        err(`${e.suite}: ${e.total ?? '?'} samples from ${e.source} data`);
        suiteStart = performance.now();
        firstProgress = true;
        break;
      case 'judge': {
        const now = performance.now();
        if (e.done === e.total || now - lastJudge > (tty ? 200 : 5000)) {
          lastJudge = now;
          const line = `${e.suite}: judged ${e.done}/${e.total}`;
          if (tty) process.stderr.write(`\r${line}\x1b[K${e.done === e.total ? '\n' : ''}`);
          else err(line);
        }
        break;
      }
      case 'progress': {
        if (firstProgress) {
          baseDone = e.progress.done - 1;
          firstProgress = false;
        }
        const now = performance.now();
        const line = formatProgress(e.progress, e.progress.done - baseDone, (now - suiteStart) / 1000, { bar: tty });
        if (tty) process.stderr.write(`\r${line}\x1b[K`);
        else if (now - lastPlain > 5000 || (e.progress.done === e.progress.total && lastPlainDone !== e.progress.done)) {
          lastPlainDone = e.progress.done;
          err(line);
          lastPlain = now;
        }
        break;
      }
    }
  };
}
