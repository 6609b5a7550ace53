// The `--conversation` part of the RunPlan, checked before the run starts.

import { DEFAULT_MAX_TURNS, HISTORY_MODES, type ConversationSettings, type HistoryMode } from '../../conversation/history-answer.ts';
import { UserError } from '../../errors.ts';
import type { RunConfig } from './run-config.ts';

/** `--conversation` with its `--max-turns` and `--history`, checked; those two need it. */
export function conversationSettings(c: RunConfig): ConversationSettings | undefined {
  if (!c.conversation) {
    if (c.maxTurns !== undefined) throw new UserError('--max-turns needs --conversation (it sets how many questions one conversation asks).');
    if (c.history !== undefined) throw new UserError('--history needs --conversation (it sets whose answers the later turns of a conversation see).');
    return undefined;
  }
  if (c.history !== undefined && !(HISTORY_MODES as readonly string[]).includes(c.history)) {
    throw new UserError(`Unknown --history '${c.history}'. Use model (the model's own answers, the default) or gold (reference answers).`);
  }
  if (c.rawPrompt) {
    throw new UserError(
      '--raw-prompt cannot be combined with --conversation: a raw prompt is one Llama 3 dialog string written as Meta ' +
        'wrote its single-question prompts, while a conversation sends the history as chat messages through the ' +
        "model's chat template. Drop one of the two.",
    );
  }
  return { maxTurns: c.maxTurns ?? DEFAULT_MAX_TURNS, history: (c.history as HistoryMode | undefined) ?? 'model' };
}
