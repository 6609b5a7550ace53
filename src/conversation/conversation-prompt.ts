// The prompt of turn k of a conversation, as the seed system's second example asks it: the image and
// question 1 in the first user message, then the answer to it as an assistant message, then
// question 2 as text only, and so on up to question k. Each question is the prompt style's own text
// for that sample (its instructions and post-prompt apply to every turn).

import type { Prompt, Sample, StyledSuite } from '../types.ts';

/** A turn already answered: its sample and the answer the history carries (history-answer.ts). */
export interface PriorTurn {
  sample: Sample;
  answer: string;
}

/**
 * Turn `history.length + 1`'s prompt. The first turn's messages are the style's, images included;
 * later turns keep their text parts only (the image is given once), and their system messages are
 * left out (a style's system prompt is said once, at the start). Image parts index the first turn's
 * sample's images, so that is the sample whose images a request carries.
 */
export function conversationPrompt(suite: Pick<StyledSuite, 'prompt'>, history: readonly PriorTurn[], sample: Sample): Prompt {
  const turns = [...history.map((h) => h.sample), sample];
  const messages: Prompt['messages'] = [];
  turns.forEach((s, i) => {
    for (const m of suite.prompt(s).messages) {
      if (i === 0) {
        messages.push(m);
        continue;
      }
      if (m.role === 'system') continue;
      const content = m.content.filter((part) => part.type === 'text');
      if (content.length > 0) messages.push({ role: m.role, content });
    }
    if (i < history.length) messages.push({ role: 'assistant', content: [{ type: 'text', text: history[i].answer }] });
  });
  return { messages };
}
