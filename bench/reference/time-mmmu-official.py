#!/usr/bin/env python3
"""Times the official MMMU scoring (MMMU-Benchmark/MMMU mmmu/utils/eval_utils.py and data_utils.py,
bb0b95a945998d91dfef37e969e07d49d1139438) on a score file, as mmmu/main_parse_and_eval.py scores:
parse every response (parse_multi_choice_response / parse_open_response), then evaluate().
The reference code is not part of this repository; pass the folder holding eval_utils.py and
data_utils.py. Same input as `npm run bench -- scorers` uses: npx tsx bench/write-mmmu-mix.ts FILE

  python3 bench/reference/time-mmmu-official.py <folder> FILE [repeats]

Prints the in-process wall and CPU time of each repeat (parsing + evaluate, inputs already in memory)
and the official accuracy.
"""
import ast
import json
import random
import sys
import time

sys.path.insert(0, sys.argv[1])
import eval_utils  # noqa: E402  (seeds random with 42 and imports numpy, as the official script does)
from data_utils import get_multi_choice_info  # noqa: E402

rows = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 7
samples = []
for r in rows:
    gold = r['references'][0] if len(r['references']) == 1 else r['references']
    if isinstance(gold, str) and gold.startswith('['):
        try:
            gold = ast.literal_eval(gold)
        except (ValueError, SyntaxError):
            pass
    s = {'id': r['id'], 'question_type': r['question_type'], 'answer': gold, 'response': r['prediction']}
    if r['question_type'] == 'multiple-choice':
        s['index2ans'], s['all_choices'] = get_multi_choice_info(r['options'])
    samples.append(s)


def score():
    eval_samples = []
    for s in samples:
        if s['question_type'] == 'multiple-choice':
            parsed = eval_utils.parse_multi_choice_response(s['response'], s['all_choices'], s['index2ans'])
        else:
            parsed = eval_utils.parse_open_response(s['response'])
        eval_samples.append({'id': s['id'], 'question_type': s['question_type'], 'answer': s['answer'],
                             'response': s['response'], 'parsed_pred': parsed})
    return eval_utils.evaluate(eval_samples)


times, cpu = [], []
for _ in range(repeats):
    random.seed(42)  # one fresh stream per scoring pass, as one run of the official script
    t, c = time.perf_counter(), time.process_time()
    judge, metrics = score()
    times.append((time.perf_counter() - t) * 1000)
    cpu.append((time.process_time() - c) * 1000)
print(json.dumps({'n': len(samples), 'accuracy': metrics['acc'], 'wall_ms': [round(x, 1) for x in times],
                  'cpu_ms': [round(x, 1) for x in cpu], 'median_wall_ms': round(sorted(times)[len(times) // 2], 1),
                  'median_cpu_ms': round(sorted(cpu)[len(cpu) // 2], 1)}))
