// Progress lines for a running suite: a bar with rate and ETA for a terminal, or a plain line for
// logs. Pure formatting; the CLI decides when and where to write.

import type { SuiteProgress } from '../run/run-suite.ts';

function duration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '--:--';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/**
 * @param newDone samples finished by this invocation (the rate counts only those)
 */
export function formatProgress(p: SuiteProgress, newDone: number, elapsedSec: number, opts: { bar: boolean; width?: number }): string {
  const rate = elapsedSec > 0 ? newDone / elapsedSec : 0;
  const remaining = p.total !== null ? Math.max(0, p.total - p.done) : null;
  const eta = remaining !== null && rate > 0 ? duration(remaining / rate) : '--:--';
  const count = p.total !== null ? `${p.done}/${p.total}` : `${p.done}`;
  const tail = `${count} ${rate.toFixed(2)}/s ETA ${eta}${p.errored ? ` errored ${p.errored}` : ''}`;
  if (!opts.bar || p.total === null || p.total === 0) return `${p.suite}: ${tail} elapsed ${duration(elapsedSec)}`;
  const width = opts.width ?? 24;
  const filled = Math.round((p.done / p.total) * width);
  return `${p.suite} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${tail}`;
}
