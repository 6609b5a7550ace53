// MMMU's per-subject and per-discipline accuracies, as the official evaluation prints them
// (MMMU-Benchmark/MMMU mmmu/main_parse_and_eval.py with utils/data_utils.py `DOMAIN_CAT2SUB_CAT` and
// utils/eval_utils.py `calculate_ins_level_acc`): a subject's accuracy is correct / n, a discipline's
// is instance-weighted over its subjects that were evaluated (the official script also reports a
// discipline from part of its subjects), and the overall micro average is the plain mean.
// Keys: `accuracy_<Subject>` (`accuracy_Math`) and `accuracy_<Discipline>` with the discipline's name
// written with underscores (`accuracy_Tech_and_Engineering`); no subject has a discipline's name.

import type { SampleScore, ScoreInput } from '../types.ts';

/** MMMU's six disciplines and their subjects (data_utils.py `DOMAIN_CAT2SUB_CAT`). */
export const MMMU_DISCIPLINES: Readonly<Record<string, readonly string[]>> = {
  'Art and Design': ['Art', 'Art_Theory', 'Design', 'Music'],
  Business: ['Accounting', 'Economics', 'Finance', 'Manage', 'Marketing'],
  Science: ['Biology', 'Chemistry', 'Geography', 'Math', 'Physics'],
  'Health and Medicine': ['Basic_Medical_Science', 'Clinical_Medicine', 'Diagnostics_and_Laboratory_Medicine', 'Pharmacy', 'Public_Health'],
  'Humanities and Social Science': ['History', 'Literature', 'Sociology', 'Psychology'],
  'Tech and Engineering': ['Agriculture', 'Architecture_and_Engineering', 'Computer_Science', 'Electronics', 'Energy_and_Power', 'Materials', 'Mechanical_Engineering'],
};

/** The metric key of a subject or discipline. */
export function groupKey(name: string): string {
  return `accuracy_${name.replace(/ /g, '_')}`;
}

/** Per-group (subject) accuracy, then per discipline over the subjects present; empty without groups. */
export function mmmuGroupAccuracies(inputs: readonly ScoreInput[], samples: readonly SampleScore[]): Record<string, number> {
  const bySubject = new Map<string, { correct: number; n: number }>();
  inputs.forEach((input, i) => {
    if (input.group === undefined) return;
    const t = bySubject.get(input.group) ?? { correct: 0, n: 0 };
    t.correct += samples[i].score;
    t.n += 1;
    bySubject.set(input.group, t);
  });
  const out: Record<string, number> = {};
  for (const [subject, t] of bySubject) out[groupKey(subject)] = t.correct / t.n;
  for (const [discipline, subjects] of Object.entries(MMMU_DISCIPLINES)) {
    // calculate_ins_level_acc: sum(acc × n) / sum(n) over the discipline's evaluated subjects
    let weighted = 0;
    let n = 0;
    for (const subject of subjects) {
      const t = bySubject.get(subject);
      if (!t) continue;
      weighted += (t.correct / t.n) * t.n;
      n += t.n;
    }
    if (n > 0) out[groupKey(discipline)] = weighted / n;
  }
  return out;
}
