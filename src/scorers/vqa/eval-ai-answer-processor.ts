// EvalAI answer pre-processing, as MMF and LLaVA-style evaluators apply it to predictions:
// EvolvingLMMs-Lab/lmms-eval lmms_eval/tasks/_task_utils/vqa_eval_metric.py
// (`EvalAIAnswerProcessor.__call__`, from facebookresearch/mmf), commit
// 75571cfe0fa36ca5ec2e6aa2bb268f9d38295af3. Spec: ../shared/spec/scoring.md §1.4.
// lmms-eval's own VQAv2 path no longer calls it at that commit; it is offered for comparing with
// numbers produced by pipelines that still do (lmms-eval before PR #760, MMF, LLaVA).

import { pyStrip } from '../python.ts';
import { normalizeVqaAnswer, trimVqaAnswer } from './vqa-normalize.ts';

/**
 * `EvalAIAnswerProcessor()(item)`: `word_tokenize` (lower-case, delete `,` and `?`, `'s` → ` 's`,
 * strip), then `\n`/`\t` → space and strip, then the Python 3 punctuation and digit/article steps.
 */
export function evalAiAnswerProcessor(item: string): string {
  const lowered = item.toLowerCase();
  const tokenized = pyStrip(lowered.replaceAll(',', '').replaceAll('?', '').replaceAll("'s", " 's"));
  return normalizeVqaAnswer(trimVqaAnswer(tokenized, 'lmms-eval'), 'lmms-eval');
}
