#!/usr/bin/env python3
"""Writes test/fixtures/reference/mmmu-mix.json: the first N responses of the realistic MMMU mix
(bench/mmmu-mix.ts, written by `npx tsx bench/write-mmmu-mix.ts FILE N`) scored by the official MMMU
code (MMMU-Benchmark/MMMU bb0b95a945998d91dfef37e969e07d49d1139438, mmmu/utils/eval_utils.py and
data_utils.py) as main_parse_and_eval.py does: `random.seed(42)` once, parse every response in order
(the random fallback draws in that order), then evaluate(). Gold strings that hold a list literal are
read as lists (as the harness reads them, spec §2.1).

The reference code is not part of this repository. Usage:
  python3 scripts/reference/gen-mmmu-mix-cases.py <folder with eval_utils.py> MIX.jsonl test/fixtures/reference
"""
import ast
import json
import os
import random
import sys

sys.path.insert(0, sys.argv[1])
import eval_utils  # noqa: E402
from data_utils import get_multi_choice_info  # noqa: E402

rows = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
random.seed(42)
eval_samples, cases = [], []
for r in rows:
    gold = r['references'][0] if len(r['references']) == 1 else r['references']
    if isinstance(gold, str) and gold.startswith('['):
        try:
            gold = ast.literal_eval(gold)
        except (ValueError, SyntaxError):
            pass
    if r['question_type'] == 'multiple-choice':
        index2ans, all_choices = get_multi_choice_info(r['options'])
        parsed = eval_utils.parse_multi_choice_response(r['prediction'], all_choices, index2ans)
    else:
        parsed = eval_utils.parse_open_response(r['prediction'])
    eval_samples.append({'id': r['id'], 'question_type': r['question_type'], 'answer': gold,
                         'response': r['prediction'], 'parsed_pred': parsed})
    cases.append(dict(r))
judge, metrics = eval_utils.evaluate(eval_samples)
for c, s in zip(cases, eval_samples):
    c['official'] = {'parsed_pred': s['parsed_pred'], 'correct': judge[s['id']] == 'Correct'}
os.makedirs(sys.argv[3], exist_ok=True)
with open(os.path.join(sys.argv[3], 'mmmu-mix.json'), 'w') as f:
    json.dump({'description': 'Written by scripts/reference/gen-mmmu-mix-cases.py: the realistic MMMU mix '
                              '(bench/mmmu-mix.ts) scored by the official eval_utils.py with random.seed(42).',
               'accuracy': metrics['acc'], 'cases': cases}, f)
