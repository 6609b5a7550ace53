#!/usr/bin/env python3
"""Writes test/fixtures/libm/{exp,pow,log}.txt: inputs and the values this platform's C library
(glibc 2.36, x86-64 with FMA: what Python's math.exp, math.log and float ** call) and numpy return,
plus the correctly rounded log from Python's decimal module. One case per line, every double as the
16 hex digits of its IEEE-754 bits:

  exp.txt  x  exp(x)
  pow.txt  x  y  x**y
  log.txt  x  correctly_rounded_log(x)  math.log(x)  np.log(x)

Inputs: seeded random values over the whole range, the shapes pycocoevalcap computes (BLEU brevity
penalties exp(1 - 1/ratio), BLEU geometric means p**(1/n), CIDEr-D length penalties e**(-d*d/72),
logs of counts), and edge cases (zeros, subnormals, infinities, NaN, exact powers, overflow borders).
Run: python3 scripts/libm/gen-libm-fixtures.py test/fixtures/libm
"""
import math
import os
import random
import struct
import sys
from decimal import Decimal, getcontext

import numpy as np

getcontext().prec = 60
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rnd = random.Random(20260513)


def h(x):
    return struct.pack('>d', x).hex()


def any_double():
    while True:
        x = struct.unpack('>d', rnd.getrandbits(64).to_bytes(8, 'big'))[0]
        if not math.isnan(x):
            return x


TINY, SMALL = 1e-15, 1e-9

# exp
xs = [0.0, -0.0, 1.0, -1.0, 5e-324, -5e-324, 2.0**-54, -(2.0**-54), 2.0**-55, 512.0, -512.0,
      709.782712893384, 709.7827128933841, -708.3964185322641, -708.3964185322642, -745.1332191019411,
      -745.1332191019412, 1024.0, -1024.0, float('inf'), float('-inf'), float('nan')]
for _ in range(400):
    t = rnd.randrange(0, 60)
    r = t + 1 + rnd.randrange(0, 60)
    xs.append(1 - 1 / ((t + TINY) / (r + SMALL)))  # BLEU brevity penalty
for _ in range(600):
    xs.append(rnd.uniform(-745, 710))
for _ in range(500):
    xs.append(rnd.uniform(-2, 2))
for _ in range(300):
    xs.append(any_double())
with open(os.path.join(out, 'exp.txt'), 'w') as f:
    for x in xs:
        try:
            y = math.exp(x)
        except OverflowError:
            continue
        f.write('%s %s\n' % (h(x), h(y)))

# pow
pairs = [(0.0, 0.0), (0.0, -1.0), (-0.0, 3.0), (-0.0, -3.0), (2.0, 0.5), (4.0, 0.5), (1.0, float('nan')),
         (float('nan'), 0.0), (-1.0, float('inf')), (0.5, float('inf')), (2.0, float('-inf')), (-8.0, 1 / 3),
         (-2.0, 3.0), (-2.0, 4.0), (-2.0, -3.0), (float('-inf'), 3.0), (float('-inf'), -2.0), (float('inf'), -1.0),
         (5e-324, 0.5), (2.2e-308, 2.0), (10.0, 308.0), (10.0, 309.0), (10.0, -323.0), (10.0, -324.0),
         (2.0, -1074.0), (2.0, -1075.0), (2.0, 1023.0), (2.0, 1024.0), (1.0000000000000002, 2.0**62),
         (0.9999999999999999, 2.0**63), (3.0, 2.0**-66), (0.3, -(2.0**-70)), (1.2, 2.0), (math.e, -0.5)]
for _ in range(350):  # BLEU: running product of clipped precisions, then the n-th root
    g = rnd.randrange(1, 40)
    b = 1.0
    for k in range(4):
        gk = max(0, g - k)
        ck = rnd.randrange(0, gk + 1) if gk > 0 else 0
        b *= (float(ck) + TINY) / (float(gk) + SMALL)
        pairs.append((b, 1.0 / (k + 1)))
for d in range(0, 120):  # CIDEr-D Gaussian length penalty
    delta = float(d)
    pairs.append((np.e, -(delta**2) / (2 * 6.0**2)))
for _ in range(500):
    pairs.append((math.exp(rnd.uniform(-700, 700)), rnd.uniform(-3, 3)))
for _ in range(300):
    pairs.append((rnd.uniform(0, 4), float(rnd.randrange(-30, 31))))
for _ in range(200):
    pairs.append((-rnd.uniform(0, 10), float(rnd.randrange(-7, 8))))
for _ in range(200):
    pairs.append((math.ldexp(rnd.random(), -1030 - rnd.randrange(0, 40)), rnd.uniform(0, 2)))
for _ in range(300):
    pairs.append((any_double(), any_double()))
with open(os.path.join(out, 'pow.txt'), 'w') as f:
    for x, y in pairs:
        try:
            r = x ** y
        except (OverflowError, ZeroDivisionError, ValueError):
            continue
        if isinstance(r, complex):
            continue
        f.write('%s %s %s\n' % (h(x), h(y), h(r)))

# log
logs = [float(n) for n in range(1, 601)] + [9170.0, 19143.0, 94869.0, 136837.0, 1048576.0, 1048577.0]
logs += [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.5, 2.0, math.sqrt(2), 1 / math.sqrt(2),
         0.7071067811865475, 1.0000000000000002, 0.9999999999999999]
logs += [rnd.uniform(0, 10) for _ in range(500)] + [math.exp(rnd.uniform(-744, 709)) for _ in range(500)]
logs += [1 + rnd.randrange(1, 5000) * 2.0**-52 for _ in range(200)]
with open(os.path.join(out, 'log.txt'), 'w') as f:
    for x in logs:
        f.write('%s %s %s %s\n' % (h(x), h(float(Decimal(x).ln())), h(math.log(x)), h(float(np.log(x)))))
