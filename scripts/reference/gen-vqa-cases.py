# -*- coding: utf-8 -*-
"""Writes test/fixtures/reference/vqa-unicode.json: adversarial VQA cases (Unicode whitespace and case
pairs that changed after Unicode 5.2, punctuation, numbers) with the values computed by
  - the official GT-Vision-Lab/VQA PythonEvaluationTools/vqaEvaluation/vqaEval.py
    (a013f0043c1e2cdc995922dfe257f7149aa9af06) under Python 2.7.18, and
  - lmms-eval's vqav2_process_results (tasks/vqav2/utils.py with tasks/_task_utils/vqa_eval_metric.py,
    75571cfe0fa36ca5ec2e6aa2bb268f9d38295af3) under Python 3,
plus the official per-answer-type results of one evaluation over all cases.

The reference code is not part of this repository. Usage (Python 3; Python 2.7.18 through pyenv):
  python3 scripts/reference/gen-vqa-cases.py <folder with vqaEval.py> <folder with lmms-eval's vqav2 utils.py
      and vqa_eval_metric.py> test/fixtures/reference
"""
import json
import os
import subprocess
import sys
import tempfile

S = u'\u180e'  # Mongolian vowel separator: whitespace in Unicode 5.2 (Python 2.7), not since 6.3

# (pred, ten answers, answer_type, question_type, note)
CASES = [
    (S + u'yes' + S, [u'yes'] * 10, 'yes/no', 'is the', 'U+180E around the prediction'),
    (u'yes' + S, [u'yes'] * 9 + [u'no'], 'yes/no', 'is the', 'U+180E trailing, answers differ'),
    (u'two' + S + u'dogs', [u'2 dogs'] * 5 + [u'two'] * 5, 'number', 'how many', 'U+180E between words'),
    (u'red\u200bcar', [u'red car'] * 9 + [u'car'], 'other', 'what', 'U+200B is not whitespace'),
    (u'\ufeffblue', [u'blue'] * 9 + [u'red'], 'other', 'what color', 'U+FEFF is not whitespace'),
    (u'\x85green\x1c', [u'green'] * 8 + [u'blue', u'teal'], 'other', 'what color', 'NEL and U+001C strip'),
    (u'\u1c90\u1c91\u1c92', [u'\u10d0\u10d1\u10d2'] * 6 + [u'\u1c90\u1c91\u1c92'] * 4, 'other', 'what',
     'Georgian Mtavruli: no case in 5.2'),
    (u'\u10a0\u10a1', [u'\u2d00\u2d01'] * 9 + [u'x'], 'other', 'what', 'Georgian Asomtavruli: cased since 4.1'),
    (u'\u13a0\u13a1', [u'\uab70\uab71'] * 7 + [u'\u13a0\u13a1'] * 3, 'other', 'what', 'Cherokee: cased since 8.0'),
    (u'\U0001e900\U0001e901', [u'\U0001e922\U0001e923'] * 5 + [u'\U0001e900\U0001e901'] * 5, 'other', 'what',
     'Adlam: added in 9.0'),
    (u'\U000104b0', [u'\U000104d8'] * 9 + [u'\U000104b0'], 'other', 'what', 'Osage: added in 9.0'),
    (u'\U00010400\U00010401', [u'\U00010428\U00010429'] * 9 + [u'x'], 'other', 'what', 'Deseret: cased in 5.2'),
    (u'\U00010c80', [u'\U00010cc0'] * 9 + [u'x'], 'other', 'what', 'Old Hungarian: added in 8.0'),
    (u'\U000118a0', [u'\U000118c0'] * 9 + [u'x'], 'other', 'what', 'Warang Citi: added in 7.0'),
    (u'\U00016e40', [u'\U00016e60'] * 9 + [u'x'], 'other', 'what', 'Medefaidrin: added in 11.0'),
    (u'\U00010570', [u'\U00010597'] * 9 + [u'x'], 'other', 'what', 'Vithkuqi: added in 14.0'),
    (u'\u2c2f', [u'\u2c5f'] * 9 + [u'x'], 'other', 'what', 'Glagolitic capital added in 14.0'),
    (u'\ua7c0\ua78d', [u'\ua7c1\u0265'] * 9 + [u'x'], 'other', 'what', 'Latin letters cased after 5.2'),
    (u'\u1e9e', [u'\xdf'] * 9 + [u'x'], 'other', 'what', 'capital sharp s: cased in 5.1'),
    (u'\u0130STANBUL', [u'istanbul'] * 9 + [u'x'], 'other', 'where', 'dotted capital I: simple mapping'),
    (u'\u039f\u0394\u039f\u03a3', [u'\u03bf\u03b4\u03bf\u03c3'] * 9 + [u'x'], 'other', 'what', 'final sigma: no context'),
    (u'\u01c5', [u'\u01c6'] * 9 + [u'x'], 'other', 'what', 'title-case digraph'),
    (u'\u2126 \u212a \u212b', [u'\u03c9 k \xe5'] * 9 + [u'x'], 'other', 'what', 'Ohm, Kelvin, Angstrom signs'),
    (u'\u24b6', [u'\u24d0'] * 9 + [u'x'], 'other', 'what', 'circled letters'),
    (u'\uff21', [u'\uff41'] * 9 + [u'x'], 'other', 'what', 'fullwidth A'),
    (u'\u1f88', [u'\u1f80'] * 9 + [u'x'], 'other', 'what', 'Greek with prosgegrammeni'),
    (u'Two' + S, [u'2'] * 4 + [u'two'] * 6, 'number', 'how many', 'number word then U+180E'),
    (u'1,000' + S + u'!', [u'1000'] * 9 + [u'x'], 'number', 'how many', 'comma in number, U+180E'),
    (u'\uff13.', [u'\uff13'] * 9 + [u'x'], 'number', 'how many', 'fullwidth digit before a period'),
    (u'ten.', [u'10'] * 3 + [u'ten'] * 7, 'number', 'how many', 'number word with period'),
    (u'no', [u'no'] * 5 + [u'yes'] * 5, 'yes/no', 'is there', 'half and half'),
    (u'Yes', [u'yes'] * 10, 'yes/no', 'is there', 'all answers identical: no normalisation'),
    (u'a dog', [u'dog'] * 2 + [u'cat'] * 8, 'other', 'what animal', 'article dropped'),
    (u'red', [u'blue'] * 8 + [u'red'] * 2, 'other', 'what color', 'matches at the end: 0.5999999999999999'),
]


def run_official(vqa_dir, cases):
    sys.path.insert(0, vqa_dir)
    from vqaEval import VQAEval

    class Store(object):
        def __init__(self, qa):
            self.qa = qa

        def getQuesIds(self):
            return sorted(self.qa.keys())

    gts, res = {}, {}
    for i, c in enumerate(cases):
        qid = i + 1
        gts[qid] = {'question_id': qid, 'answer_type': c['answer_type'], 'question_type': c['question_type'],
                    'answers': [{'answer': a, 'answer_id': j + 1} for j, a in enumerate(c['gts'])]}
        res[qid] = {'question_id': qid, 'answer': c['pred']}
    ev = VQAEval(Store(gts), Store(res), n=2)
    accs = {}
    original = ev.setEvalQA

    def capture(quesId, acc):
        accs[quesId] = acc
        original(quesId, acc)

    ev.setEvalQA = capture
    kept = {}
    original_set = ev.setAccuracy

    def capture_set(accQA, accQuesType, accAnsType):
        kept['overall_mean'] = float(sum(accQA)) / len(accQA)
        kept['per_answer_type_mean'] = dict((t, float(sum(v)) / len(v)) for t, v in accAnsType.items())
        original_set(accQA, accQuesType, accAnsType)

    ev.setAccuracy = capture_set
    devnull = open(os.devnull, 'w')
    stdout, sys.stdout = sys.stdout, devnull
    try:
        ev.evaluate()
    finally:
        sys.stdout = stdout
    per_case = []
    for i, c in enumerate(cases):
        qid = i + 1
        per_case.append({'acc': accs[qid], 'evalQA_rounded_pct': ev.evalQA[qid],
                         'processed_gts': [a['answer'] for a in gts[qid]['answers']]})
    return {'per_case': per_case, 'set': {
        'overall_mean': kept['overall_mean'], 'per_answer_type_mean': kept['per_answer_type_mean'],
        'accuracy_overall_pct': ev.accuracy['overall'], 'accuracy_per_answer_type_pct': ev.accuracy['perAnswerType']}}


def run_lmms(lmms_dir, cases):
    import importlib.util
    import types
    sys.modules['loguru'] = types.SimpleNamespace(logger=None)
    for name in ['lmms_eval', 'lmms_eval.tasks', 'lmms_eval.tasks._task_utils']:
        sys.modules[name] = types.ModuleType(name)
    sys.modules['lmms_eval.tasks._task_utils.file_utils'] = types.ModuleType('file_utils')
    sys.modules['lmms_eval.tasks._task_utils'].file_utils = sys.modules['lmms_eval.tasks._task_utils.file_utils']

    def load(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        return mod

    load('lmms_eval.tasks._task_utils.vqa_eval_metric', os.path.join(lmms_dir, 'vqa_eval_metric.py'))
    utils = load('vqav2_utils', os.path.join(lmms_dir, 'utils.py'))
    out = []
    for i, c in enumerate(cases):
        doc = {'question_id': i + 1, 'answers': [{'answer': a, 'answer_id': j + 1} for j, a in enumerate(c['gts'])]}
        r = utils.vqav2_process_results(doc, [c['pred']])
        out.append({'exact_match': r['exact_match'], 'processed_pred': r['submission']['answer']})
    return out


def main():
    if sys.argv[1] == '--official':  # the Python 2.7 half
        cases = json.load(open(sys.argv[3]))
        json.dump(run_official(sys.argv[2], cases), open(sys.argv[4], 'w'))
        return
    vqa_dir, lmms_dir, out_dir = sys.argv[1:4]
    cases = [{'id': 'u%02d' % i, 'pred': p, 'gts': g, 'answer_type': t, 'question_type': q, 'note': n}
             for i, (p, g, t, q, n) in enumerate(CASES)]
    tmp = tempfile.mkdtemp()
    inp, off = os.path.join(tmp, 'in.json'), os.path.join(tmp, 'official.json')
    json.dump(cases, open(inp, 'w'))
    env = dict(os.environ, PYENV_VERSION='2.7.18')
    subprocess.check_call(['python2.7', os.path.abspath(__file__), '--official', vqa_dir, inp, off], env=env)
    official = json.load(open(off))
    lmms = run_lmms(lmms_dir, cases)
    for c, o, l in zip(cases, official['per_case'], lmms):
        c['official'] = o
        c['lmms_eval'] = l
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'vqa-unicode.json'), 'w') as f:
        json.dump({'description': 'Written by scripts/reference/gen-vqa-cases.py: vqaEval.py (Python 2.7.18) and '
                                  'lmms-eval vqav2_process_results (Python 3) on adversarial cases.',
                   'cases': cases, 'official_set': official['set']}, f, ensure_ascii=True, indent=1)


main()
