// Reads a captured tool output from test/fixtures/telemetry (spec/telemetry.md §5).
import { readFileSync } from 'node:fs';

export const fixtureUrl = (name: string): URL => new URL(`../fixtures/telemetry/${name}`, import.meta.url);

export const fixture = (name: string): string => readFileSync(fixtureUrl(name), 'utf8');
