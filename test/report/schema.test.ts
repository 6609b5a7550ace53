import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultsJsonSchema } from '../../src/report/schema.ts';

describe('results schema', () => {
  it('reports/results.schema.json is the JSON Schema of the zod schema (run `npm run schema` after a change)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../reports/results.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(resultsJsonSchema());
  });
});
