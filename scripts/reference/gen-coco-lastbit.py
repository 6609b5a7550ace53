#!/usr/bin/env python3
"""Writes test/fixtures/reference/coco-lastbit.json: per-image and corpus BLEU-1..4, ROUGE-L and CIDEr-D
from pycocoevalcap itself (salaniz/pycocoevalcap ad63453cfab57a81a02b2949b17a91fab1c3df77: bleu/, rouge/,
cider/) on seeded, already-tokenised corpora built so that glibc's pow/exp and numpy's log decide last
bits: many short captions from a small vocabulary (BLEU precisions that are ratios of small integers,
brevity penalties, repeated document frequencies), length gaps for the CIDEr-D Gaussian penalty.

The reference code is not part of this repository. Usage (Python 3 with numpy, on the reference platform:
x86-64, glibc, numpy with AVX-512):
  python3 scripts/reference/gen-coco-lastbit.py <folder holding the pycocoevalcap package> test/fixtures/reference
"""
import json
import os
import random
import sys

sys.path.insert(0, sys.argv[1])
from pycocoevalcap.bleu.bleu import Bleu  # noqa: E402
from pycocoevalcap.cider.cider import Cider  # noqa: E402
from pycocoevalcap.rouge.rouge import Rouge  # noqa: E402

WORDS = 'a the man dog two cat on of with red sitting table people street is are an in'.split()


def caption(rnd, lo, hi):
    return ' '.join(rnd.choice(WORDS) for _ in range(rnd.randint(lo, hi)))


def corpus(seed, images, refs):
    rnd = random.Random(seed)
    out = []
    for i in range(images):
        cand_len = rnd.choice([(1, 3), (3, 8), (6, 14), (10, 24)])
        out.append({
            'image_id': i,
            'candidate': caption(rnd, *cand_len),
            'references': [caption(rnd, 4, 16) for _ in range(refs)],
        })
    return out


def score(images):
    gts = {im['image_id']: im['references'] for im in images}
    res = {im['image_id']: [im['candidate']] for im in images}
    (b_corpus, b_img) = Bleu(4).compute_score(gts, res, verbose=0)
    r_corpus, r_img = Rouge().compute_score(gts, res)
    c_corpus, c_img = Cider().compute_score(gts, res)
    per_image = []
    for i, im in enumerate(images):
        per_image.append({
            'image_id': im['image_id'],
            'Bleu_1': b_img[0][i], 'Bleu_2': b_img[1][i], 'Bleu_3': b_img[2][i], 'Bleu_4': b_img[3][i],
            'ROUGE_L': float(r_img[i]), 'CIDEr': float(c_img[i]),
        })
    corpus_scores = {'Bleu_1': b_corpus[0], 'Bleu_2': b_corpus[1], 'Bleu_3': b_corpus[2], 'Bleu_4': b_corpus[3],
                     'ROUGE_L': float(r_corpus), 'CIDEr': float(c_corpus)}
    return per_image, corpus_scores


subsets = {}
for name, seed, n, k in [('short_vocab_200x5', 1, 200, 5), ('short_vocab_80x3', 2, 80, 3), ('mixed_40x5', 3, 40, 5)]:
    images = corpus(seed, n, k)
    per_image, corpus_scores = score(images)
    subsets[name] = {'images': images, 'per_image': per_image, 'corpus': corpus_scores}

os.makedirs(sys.argv[2], exist_ok=True)
with open(os.path.join(sys.argv[2], 'coco-lastbit.json'), 'w') as f:
    json.dump({
        'description': 'pycocoevalcap (salaniz ad63453) Bleu(4), Rouge, Cider on tokenised corpora; each subset is '
                       'its own corpus. Written by scripts/reference/gen-coco-lastbit.py.',
        'subsets': subsets,
    }, f)
