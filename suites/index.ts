// The suite registry: `--suite <id>` looks names up here.

import { unknownName } from '../src/errors.ts';
import { styledSuite } from '../src/prompt-style/styles.ts';
import type { PromptStyle, StyledSuite, Suite, SuiteId } from '../src/types.ts';
import { ai2d } from './ai2d.ts';
import { chartqa } from './chartqa.ts';
import { cocoCaptions } from './coco-captions.ts';
import { docvqa } from './docvqa.ts';
import { mathvista } from './mathvista.ts';
import { mmmu } from './mmmu.ts';
import { vqav2 } from './vqav2.ts';

export const suites: Readonly<Record<SuiteId, Suite>> = {
  vqav2,
  mmmu,
  chartqa,
  docvqa,
  'coco-captions': cocoCaptions,
  mathvista,
  ai2d,
};

export const SUITE_IDS = Object.keys(suites) as SuiteId[];

export function getSuite(id: string): Suite {
  if (id in suites) return suites[id as SuiteId];
  throw unknownName('suite', id, SUITE_IDS);
}

/** The suite with one prompt style chosen (default lmms-eval); a style it lacks is a UserError. */
export function getStyledSuite(id: string, style?: PromptStyle): StyledSuite {
  return styledSuite(getSuite(id), style);
}
