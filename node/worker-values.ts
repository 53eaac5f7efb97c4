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
