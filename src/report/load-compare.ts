// Load settings as text, and whether two are equal: performance figures are compared only between
// equal loads (gate, compare); report.md and the warnings say what the load was and what differs.

import type { LoadSettings } from './schema.ts';

const NAMES: Record<keyof LoadSettings, string> = {
  concurrency: 'concurrency',
  requestRate: 'request rate',
  clientWorkers: 'client workers',
  maxTokens: 'max tokens',
  promptStyle: 'prompt style',
  conversation: 'conversations',
};

function show(key: keyof LoadSettings, v: LoadSettings[keyof LoadSettings]): string {
  if (v === null || v === undefined) return key === 'requestRate' ? 'unthrottled' : 'none';
  if (typeof v === 'object') return `up to ${v.maxTurns} turns, ${v.history} history`;
  return String(v);
}

/** How two load settings differ ("concurrency 1 vs 2"); empty when they are equal. */
export function loadDifferences(a: LoadSettings, b: LoadSettings): string[] {
  return (Object.keys(NAMES) as Array<keyof LoadSettings>).filter((k) => show(k, a[k]) !== show(k, b[k])).map((k) => `${NAMES[k]} ${show(k, a[k])} vs ${show(k, b[k])}`);
}

export function describeLoad(l: LoadSettings): string {
  // a load without conversations says nothing about them (runs made before they existed read the same)
  return (Object.keys(NAMES) as Array<keyof LoadSettings>)
    .filter((k) => k !== 'conversation' || l.conversation)
    .map((k) => `${NAMES[k]} ${show(k, l[k])}`)
    .join(', ');
}
