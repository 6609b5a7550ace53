import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultsJsonSchema } from '../../src/report/schema.ts';
import { sweepJsonSchema } from '../../src/sweep/sweep-schema.ts';

describe('exported schemas (run `npm run schema` after a change)', () => {
  it.each([
    ['results.schema.json', resultsJsonSchema],
    ['sweep.schema.json', sweepJsonSchema],
  ])('reports/%s is the JSON Schema of its zod schema', (name, schema) => {
    const committed = JSON.parse(readFileSync(new URL(`../../reports/${name}`, import.meta.url), 'utf8'));
    expect(committed).toEqual(schema());
  });
});
