/**
 * JSON cannot carry ±Infinity or NaN, but space bounds are often infinite: encode non-finite
 * numbers as the strings "Infinity" / "-Infinity" / "NaN" and back.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';

/** A number as JSON-safe data. */
export type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

function encodeNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

function decodeNumber(x: unknown, where: string): number {
  if (typeof x === 'number') return x;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  if (x === 'NaN') return NaN;
  throw new SpaceError(`${where}: expected a number or "Infinity"/"-Infinity", got ${formatValue(x)}`);
}

/** `values` as one number when all equal (the common scalar-bound case), else an array. */
export function encodeNumbers(values: ArrayLike<number>): JsonNumber | JsonNumber[] {
  const first = values[0] ?? 0;
  let uniform = values.length > 0;
  for (let i = 1; i < values.length && uniform; i++) uniform = Object.is(values[i], first);
  return uniform ? encodeNumber(first) : Array.from(values, encodeNumber);
}

export function decodeNumbers(x: unknown, where: string): number | number[] {
  if (Array.isArray(x)) return x.map((v, i) => decodeNumber(v, `${where}[${i}]`));
  return decodeNumber(x, where);
}
