// One conversation through the per-sample pipeline: its turns are asked in order, each as one
// sample (run-sample.ts) whose request carries the turns before it. A turn an earlier invocation
// finished is not asked again; its journaled answer is the history, so an interrupted conversation
// resumes where it stopped. Each new result is stamped with its conversation and turn.

import type { Sample, SampleResult, SuiteId } from '../types.ts';
import type { PriorTurn } from './conversation-prompt.ts';
import { historyAnswer, type HistoryMode } from './history-answer.ts';

export interface RunConversationParams {
  suite: SuiteId;
  /** The conversation's samples, in turn order (group-conversations.ts). */
  turns: readonly Sample[];
  history: HistoryMode;
  /** The journaled result of a turn that is not asked again (finished earlier), else undefined. */
  finished(sample: Sample): SampleResult | undefined;
  /** Asks one turn with this history (the runner's runSample). Throws RunAborted when the run stops. */
  ask(sample: Sample, history: readonly PriorTurn[]): Promise<SampleResult>;
  /** Each new result, stamped, as soon as it is known (the runner journals it). */
  onResult(result: SampleResult): void;
}

/** Why a turn after one without an answer is not asked: its history would have a hole. */
export const NOT_ASKED =
  'not asked: an earlier turn of its conversation errored, so there is no answer to put in its history (--resume --retry-errors asks them again)';

const NO_GOLD = 'not asked: an earlier turn of its conversation has no reference answer for --history gold';

export async function runConversation(p: RunConversationParams): Promise<void> {
  const conversation = p.turns[0]?.id;
  const history: PriorTurn[] = [];
  let broken: string | null = null;
  for (let i = 0; i < p.turns.length; i++) {
    const sample = p.turns[i];
    let result = p.finished(sample);
    if (!result) {
      const fresh: SampleResult =
        broken === null
          ? await p.ask(sample, history)
          : { suite: p.suite, id: sample.id, state: 'errored', prediction: null, extracted: null, score: null, error: { kind: 'input', message: broken }, attempts: 0 };
      // Object.assign, not a spread: results are built on the runner's hot path
      result = Object.assign(fresh, { conversation, turn: i + 1 });
      p.onResult(result);
    }
    if (broken !== null) continue;
    const answer = historyAnswer(p.history, sample, result);
    if (answer === null) broken = p.history === 'gold' ? NO_GOLD : NOT_ASKED;
    else history.push({ sample, answer });
  }
}
