/** Shape helpers shared by the array-valued spaces (elements are flat, row-major). */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';

/** Number of elements of `shape` (1 for `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/**
 * The most elements of an array-valued space: the longest JavaScript array (2^32 - 1), since
 * `toJSON`, `flatten` and batching copy elements and bounds into plain arrays.
 */
const MAX_SPACE_SIZE = 2 ** 32 - 1;

/**
 * `shape`, frozen; throws unless it is an array of integers >= `least` (0, or 1 for a space that
 * cannot be empty) of at most `MAX_SPACE_SIZE` elements.
 */
export function checkShape(owner: string, shape: readonly number[], least: 0 | 1 = 0): readonly number[] {
  const rule = least === 0 ? 'non-negative' : 'positive';
  if (!Array.isArray(shape)) throw new SpaceError(`${owner}: shape must be an array of ${rule} integers, got ${formatValue(shape)}`);
  shape.forEach((d, i) => {
    if (!Number.isInteger(d) || d < least) throw new SpaceError(`${owner}: shape[${i}] = ${formatValue(d)} must be a ${rule} integer`);
  });
  const size = shapeSize(shape);
  if (size > MAX_SPACE_SIZE) throw new SpaceError(`${owner}: shape [${shape.join(', ')}] has ${size} elements, more than an array holds (${MAX_SPACE_SIZE})`);
  return Object.freeze([...shape]);
}

/** Flat index `i` as a multi-index in `shape`, e.g. `[1, 2]`; used in error messages. */
function unravelIndex(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const dim = shape[d] as number;
    out[d] = i % dim;
    i = Math.floor(i / dim);
  }
  return out;
}

/** `[i]` for 1-d shapes, `[i] (= [a, b])` for higher ones. */
export function describeIndex(i: number, shape: readonly number[]): string {
  return shape.length > 1 ? `[${i}] (= [${unravelIndex(i, shape).join(', ')}])` : `[${i}]`;
}

/** Wrong type or length of an array element, phrased for `explain`. */
export function describeArrayMismatch(expected: string, length: number, x: unknown): string | undefined {
  const name = x === null || x === undefined ? String(x) : ArrayBuffer.isView(x) ? x.constructor.name : Array.isArray(x) ? 'Array' : typeof x;
  const isExpected = x !== null && x !== undefined && (x as object).constructor?.name === expected;
  const article = /^[AEIOU]/.test(expected) ? 'an' : 'a';
  // an array of numbers of another kind (a TF.js Float32Array, a plain Array) needs only a copy
  // into a float array (into an integer one a copy would truncate non-integers silently)
  const convertible = expected.startsWith('Float') && (Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView)));
  if (!isExpected) return `expected ${article} ${expected} of length ${length}, got ${name}${convertible ? ` (copy it: ${expected}.from(x))` : ''}`;
  const got = (x as ArrayLike<number>).length;
  if (got !== length) return `expected ${article} ${expected} of length ${length}, got length ${got}`;
  return undefined;
}
