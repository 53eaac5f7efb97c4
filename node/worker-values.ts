/**
 * What may cross between `AsyncVectorEnv` and its workers. Messages between threads are
 * structured clones, which refuse a function with a bare DataCloneError and turn a class
 * instance into a plain object without its methods; the checks here refuse both before
 * anything is sent, naming the part (`options.reward.fn is a function`). Attribute values,
 * call arguments and call results may also be a space, which crosses as its JSON.
 */
import { GymError } from '../env/core/errors.ts';
import { formatValue } from '../env/core/format.ts';
import { Space, type SpaceJSON } from '../env/spaces/space.ts';
import { spaceFromJSON } from '../env/spaces/from-json.ts';

/** A value on its way to or from a worker: plain data as is, or a space as its JSON (rebuilt on arrival). */
export type Carried = { readonly data: unknown } | { readonly space: SpaceJSON };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The first part of `value` (named from `path`) that is not plain data, and what it is
 * (`"options.fn is a function"`), or undefined when all of it is plain data: primitives other
 * than symbols, plain objects, arrays, typed arrays, ArrayBuffer, Map, Set, Date and RegExp.
 */
function unsendablePart(value: unknown, path: string, seen = new Set<object>()): string | undefined {
  if (typeof value === 'function') return `${path} is a function`;
  if (typeof value === 'symbol') return `${path} is a symbol`;
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer || value instanceof Date || value instanceof RegExp) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const part = unsendablePart(value[i], `${path}[${i}]`, seen);
      if (part !== undefined) return part;
    }
    return undefined;
  }
  if (value instanceof Map) {
    for (const [key, item] of value) {
      const part = unsendablePart(key, `${path} (a Map key)`, seen) ?? unsendablePart(item, `${path}.get(${formatValue(key)})`, seen);
      if (part !== undefined) return part;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const item of value) {
      const part = unsendablePart(item, `${path} (a Set item)`, seen);
      if (part !== undefined) return part;
    }
    return undefined;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name !== 'string' || name === '') return `${path} is an object with a custom prototype`;
    return `${path} is ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} instance`;
  }
  for (const [key, item] of Object.entries(value)) {
    const part = unsendablePart(item, IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, seen);
    if (part !== undefined) return part;
  }
  return undefined;
}

/** Throws a GymError `where: <part> is ...` unless `value` (named `path`) is plain data (see `unsendablePart`). */
export function assertSendable(value: unknown, path: string, where: string): void {
  const part = unsendablePart(value, path);
  if (part !== undefined) {
    throw new GymError(
      `${where}: ${part}, which cannot cross between threads: they exchange structured clones, which refuse functions and turn class instances into plain objects without their methods, so only plain data is sent (primitives, plain objects, arrays, typed arrays, Map, Set, Date, RegExp)`,
    );
  }
}

type TypedArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;
type TypedArrayConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => TypedArray;

/** Whether `value` is a typed array viewing part of a larger, unshared buffer (a structured clone would copy all of it). */
function isPartialView(value: object): value is TypedArray {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return false;
  // a view of shared memory crosses as shared memory, not as a copy
  return value.byteLength !== value.buffer.byteLength && !(value.buffer instanceof SharedArrayBuffer);
}

/** Every partial view (`isPartialView`) in the plain objects and arrays of `value`, once each, into `views`. */
function collectPartialViews(value: unknown, views: Set<TypedArray>, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (isPartialView(value)) views.add(value);
  else if (Array.isArray(value)) for (const item of value) collectPartialViews(item, views, seen);
  else if (isPlainObject(value)) for (const key in value) collectPartialViews((value as Record<string, unknown>)[key], views, seen);
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** `value` with the arrays of `copies` replaced, the plain objects and arrays holding them rebuilt, the rest as is. */
function replaceViews(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    copies.set(value, out);
    for (const item of value) out.push(replaceViews(item, copies));
    return out;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  copies.set(value, out);
  for (const key in value) out[key] = replaceViews((value as Record<string, unknown>)[key], copies);
  return out;
}

/**
 * `value` (a message) with every typed array that views part of a larger buffer replaced by a
 * copy in one compact buffer for the whole message, the plain objects and arrays holding them
 * rebuilt, the rest as is (`value` itself when it holds no such array). A structured clone copies
 * a view's whole buffer: the B-DT env's observation and info arrays are views on a shared
 * 64 KiB chunk (env/bdt/array-pool.ts), which every step's message would otherwise carry; one
 * buffer rather than one per array, since a clone pays per buffer.
 */
export function compactViews(value: unknown): unknown {
  const views = new Set<TypedArray>();
  collectPartialViews(value, views, new Set());
  if (views.size === 0) return value;
  let bytes = 0;
  for (const view of views) bytes = ((bytes + 7) & -8) + view.byteLength; // 8-byte aligned for every element type
  const buffer = new ArrayBuffer(bytes);
  const copies = new Map<object, unknown>();
  let offset = 0;
  for (const view of views) {
    offset = (offset + 7) & -8;
    const copy = new (view.constructor as TypedArrayConstructor)(buffer, offset, view.length);
    (copy as Float64Array).set(view as Float64Array);
    copies.set(view, copy);
    offset += view.byteLength;
  }
  return replaceViews(value, copies);
}

/** `value` ready to cross: a space as its JSON, plain data as is; anything else refused as `assertSendable` does. */
export function carry(value: unknown, path: string, where: string): Carried {
  if (value instanceof Space) return { space: value.toJSON() };
  assertSendable(value, path, where);
  return { data: value };
}

/** The value `carry` prepared: a space is rebuilt (a copy with a fresh sampler), plain data is the clone that arrived. */
export function uncarry(carried: Carried): unknown {
  return 'space' in carried ? spaceFromJSON(carried.space) : carried.data;
}
