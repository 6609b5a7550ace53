// `--conversation`: consecutive questions about one image become one conversation, in dataset order,
// of at most `--max-turns` turns. Real data already has that structure (DocVQA val: about 4 questions
// per page, `docId`; VQAv2: about 5 per image, `image_id`); suites without such a field are grouped
// by identical image bytes (one SHA-1 of the image per question: microseconds next to a request).

import { createHash } from 'node:crypto';
import type { Sample, StyledSuite } from '../types.ts';

/**
 * What makes two consecutive samples part of one conversation: equal keys. A sample that names no
 * image (no field value, no image, a missing image) gets a key of its own, so it is asked alone.
 */
export function conversationKey(suite: Pick<StyledSuite, 'conversationBy'>, sample: Sample): string {
  if (suite.conversationBy) {
    const value = sample.meta[suite.conversationBy];
    return value === null || value === undefined ? `alone:${sample.id}` : `${suite.conversationBy}=${String(value)}`;
  }
  if (sample.images.length === 0 || sample.images.some((img) => img.missing)) return `alone:${sample.id}`;
  const hash = createHash('sha1');
  for (const img of sample.images) hash.update(img.bytes).update('\0');
  return `images=${hash.digest('base64')}`;
}

/**
 * Groups a stream into conversations: runs of consecutive items with one key, split every
 * `maxTurns` items (a page with 7 questions and `--max-turns 5` is a conversation of 5 turns, then
 * one of 2). Order is kept; each group is yielded as soon as the next key differs.
 */
export async function* groupConversations<T>(items: AsyncIterable<T>, p: { key: (item: T) => string; maxTurns: number }): AsyncGenerator<T[]> {
  if (!Number.isInteger(p.maxTurns) || p.maxTurns < 1) throw new Error(`maxTurns must be a positive integer, not ${p.maxTurns}`);
  let group: T[] = [];
  let groupKey: string | null = null;
  for await (const item of items) {
    const key = p.key(item);
    if (group.length > 0 && (key !== groupKey || group.length >= p.maxTurns)) {
      yield group;
      group = [];
    }
    groupKey = key;
    group.push(item);
  }
  if (group.length > 0) yield group;
}
