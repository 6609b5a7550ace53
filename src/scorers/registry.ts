// Every metric by its CLI name. A suite names its scorer here; `npm run score` looks it up here.

import { anlsScorer } from './anls.ts';
import { cocoScorer } from './caption/coco.ts';
import { mathVistaScorer } from './mathvista/mathvista.ts';
import { exactMatchScorer } from './exact-match.ts';
import { mmmuScorer } from './mmmu/mmmu.ts';
import { relaxedAccuracyScorer } from './relaxed-accuracy.ts';
import { METRIC_IDS, type MetricId, type Scorer } from './types.ts';
import { vqaLmmsScorer, vqaScorer } from './vqa/vqa-accuracy.ts';
import { unknownName } from '../errors.ts';

export const scorers: Readonly<Record<MetricId, Scorer>> = {
  vqa: vqaScorer,
  'vqa-lmms': vqaLmmsScorer,
  mmmu: mmmuScorer,
  'relaxed-accuracy': relaxedAccuracyScorer,
  anls: anlsScorer,
  coco: cocoScorer,
  mathvista: mathVistaScorer,
  'exact-match': exactMatchScorer,
};

export function getScorer(name: string): Scorer {
  if ((METRIC_IDS as readonly string[]).includes(name)) return scorers[name as MetricId];
  throw unknownName('metric', name, METRIC_IDS);
}
