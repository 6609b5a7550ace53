// Opens a report in headless Chromium, as a person's browser would: the DOM after load, and every
// console message (errors, blocked loads, CSP violations show as INFO:CONSOLE lines on stderr).
// Tests skip, saying why, when no Chromium is on PATH (CI installs Debian's `chromium`).

import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** The first headless Chromium on PATH, or null. */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const r = spawnSync('which', [name], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}

export const NO_CHROMIUM = 'chromium not found on PATH (install the Debian package `chromium` to run this check)';

export interface PageDump {
  status: number | null;
  dom: string;
  /** Console messages the page produced. */
  consoleLines: string[];
}

export function dumpPage(chromium: string, file: string, profileDir: string): PageDump {
  const r = spawnSync(
    chromium,
    ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profileDir}`, '--enable-logging=stderr', '--v=0', '--dump-dom', pathToFileURL(file).href],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, dom: r.stdout, consoleLines: r.stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)) };
}
