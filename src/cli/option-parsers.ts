// Parsers of option values: a value commander hands over is checked here, and a bad one is the
// user's mistake (UserError: one line, exit 2) naming what was expected.

import { UserError } from '../errors.ts';

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`expected a positive integer, got '${v}'`);
  return n;
}

export function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`expected a non-negative integer, got '${v}'`);
  return n;
}

export function rate01(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UserError(`expected a rate between 0 and 1 (e.g. 0.05), got '${v}'`);
  return n;
}

export function nonNegativeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`expected a non-negative number, got '${v}'`);
  return n;
}

/** `1,2,4,8`: positive numbers (integers when `integer`), in the order given, no duplicates. */
export function numberList(integer: boolean): (v: string) => number[] {
  return (v) => {
    const items = v.split(',').map((x) => x.trim()).filter(Boolean);
    const values = items.map((x) => (integer ? positiveInt(x) : positiveNumber(x)));
    if (values.length === 0) throw new UserError(`expected a comma-separated list such as 1,2,4, got '${v}'`);
    if (new Set(values).size !== values.length) throw new UserError(`'${v}' lists a value twice`);
    return values;
  };
}

export function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`expected a positive number, got '${v}'`);
  return n;
}
