/**
 * Flattening (gymnasium.spaces.utils): every supported space maps to a flat vector, so agents
 * can take any observation as one array.
 *
 * Layout: Box -> its elements; Discrete -> one-hot of length n; MultiDiscrete -> concatenated
 * one-hots; MultiBinary -> its bits; Dict -> concatenation in key order; Tuple -> in index order.
 * The flat dtype is float64 if any Box inside is float64, else float32 (one-hots and bits are
 * exact in float32) — simpler than numpy's type promotion, same values.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import type { Space } from './space.ts';
import { Box, type BoxDtype, type BoxElement } from './box.ts';
import { Discrete } from './discrete.ts';
import { MultiDiscrete } from './multi-discrete.ts';
import { MultiBinary } from './multi-binary.ts';
import { Dict } from './dict.ts';
import { Tuple } from './tuple.ts';

/** Length of the flat form of an element of `space`. */
export function flatdim(space: Space<unknown>): number {
  if (space instanceof Box) return space.size;
  if (space instanceof Discrete) return space.n;
  if (space instanceof MultiDiscrete) return space.nvec.reduce((a, b) => a + b, 0);
  if (space instanceof MultiBinary) return space.size;
  if (space instanceof Dict) return space.keys.reduce((a, k) => a + flatdim(space.spaces[k]!), 0);
  if (space instanceof Tuple) return space.spaces.reduce((a: number, s: Space<unknown>) => a + flatdim(s), 0);
  throw unsupported(space);
}

/** dtype of the flat form: float64 if any Box inside is float64. */
export function flatDtype(space: Space<unknown>): BoxDtype {
  if (space instanceof Box) return space.dtype;
  if (space instanceof Dict) return space.keys.some((k) => flatDtype(space.spaces[k]!) === 'float64') ? 'float64' : 'float32';
  if (space instanceof Tuple) return space.spaces.some((s: Space<unknown>) => flatDtype(s) === 'float64') ? 'float64' : 'float32';
  return 'float32';
}

/** The Box of flat elements, with bounds (one-hots and bits in [0, 1]). */
export function flattenSpace(space: Space<unknown>): Box<BoxElement> {
  const low = new Float64Array(flatdim(space));
  const high = new Float64Array(low.length);
  fillBounds(space, low, high, 0);
  return new Box<BoxElement>(low, high, { shape: [low.length], dtype: flatDtype(space) });
}

function fillBounds(space: Space<unknown>, low: Float64Array, high: Float64Array, offset: number): number {
  if (space instanceof Box) {
    low.set(space.low, offset);
    high.set(space.high, offset);
    return offset + space.size;
  }
  if (space instanceof Dict) return space.keys.reduce((o, k) => fillBounds(space.spaces[k]!, low, high, o), offset);
  if (space instanceof Tuple) return space.spaces.reduce((o: number, s: Space<unknown>) => fillBounds(s, low, high, o), offset);
  const n = flatdim(space);
  high.fill(1, offset, offset + n);
  return offset + n;
}

/**
 * `x` (an element of `space`) as a flat array, written into `out` when given (length
 * `flatdim(space)`) so hot loops need not allocate.
 */
export function flatten<T extends BoxElement = Float32Array | Float64Array>(space: Space<unknown>, x: unknown, out?: T): T {
  const target = out ?? (flatDtype(space) === 'float64' ? new Float64Array(flatdim(space)) : new Float32Array(flatdim(space)));
  const end = flattenInto(space, x, target, 0, '');
  if (end !== target.length) throw new SpaceError(`flatten: output has length ${target.length}, flatdim is ${end}`);
  return target as T;
}

function flattenInto(space: Space<unknown>, x: unknown, out: BoxElement, offset: number, path: string): number {
  if (space instanceof Box || space instanceof MultiBinary) {
    const a = x as ArrayLike<number>;
    if (a?.length !== space.size) throw new SpaceError(`flatten: ${path || 'value'} = ${formatValue(x)} does not have ${space.size} elements for ${space.toString()}`);
    for (let i = 0; i < space.size; i++) out[offset + i] = a[i] as number;
    return offset + space.size;
  }
  if (space instanceof Discrete) {
    if (!space.contains(x)) throw new SpaceError(`flatten: ${path || 'value'}: ${space.explain(x)} (${space.toString()})`);
    out.fill(0, offset, offset + space.n);
    out[offset + x - space.start] = 1;
    return offset + space.n;
  }
  if (space instanceof MultiDiscrete) {
    if (!space.contains(x)) throw new SpaceError(`flatten: ${path || 'value'}: ${space.explain(x)} (${space.toString()})`);
    for (let i = 0; i < space.nvec.length; i++) {
      const n = space.nvec[i] as number;
      out.fill(0, offset, offset + n);
      out[offset + (x[i] as number) - (space.start[i] as number)] = 1;
      offset += n;
    }
    return offset;
  }
  if (space instanceof Dict) {
    const rec = x as Record<string, unknown>;
    for (const k of space.keys) offset = flattenInto(space.spaces[k]!, rec?.[k], out, offset, `${path}.${k}`);
    return offset;
  }
  if (space instanceof Tuple) {
    const arr = x as unknown[];
    space.spaces.forEach((s: Space<unknown>, i: number) => {
      offset = flattenInto(s, arr?.[i], out, offset, `${path}[${i}]`);
    });
    return offset;
  }
  throw unsupported(space);
}

/** The element of `space` whose flat form is `flat` (inverse of `flatten`). */
export function unflatten<T>(space: Space<T>, flat: ArrayLike<number>): T {
  const dim = flatdim(space);
  if (flat.length !== dim) throw new SpaceError(`unflatten: got ${flat.length} values, ${space.toString()} has flatdim ${dim}`);
  return unflattenAt(space, flat, 0, '')[0] as T;
}

function unflattenAt(space: Space<unknown>, flat: ArrayLike<number>, offset: number, path: string): [unknown, number] {
  if (space instanceof Box) {
    const out = space.zeros();
    for (let i = 0; i < space.size; i++) out[i] = flat[offset + i] as number;
    return [out, offset + space.size];
  }
  if (space instanceof MultiBinary) {
    const out = new Int8Array(space.size);
    for (let i = 0; i < space.size; i++) out[i] = flat[offset + i] as number;
    return [out, offset + space.size];
  }
  if (space instanceof Discrete) return [space.start + oneHotIndex(flat, offset, space.n, path), offset + space.n];
  if (space instanceof MultiDiscrete) {
    const out = new Int32Array(space.nvec.length);
    for (let i = 0; i < out.length; i++) {
      const n = space.nvec[i] as number;
      out[i] = (space.start[i] as number) + oneHotIndex(flat, offset, n, `${path}[${i}]`);
      offset += n;
    }
    return [out, offset];
  }
  if (space instanceof Dict) {
    const out: Record<string, unknown> = {};
    for (const k of space.keys) [out[k], offset] = unflattenAt(space.spaces[k]!, flat, offset, `${path}.${k}`);
    return [out, offset];
  }
  if (space instanceof Tuple) {
    const out: unknown[] = [];
    for (const [i, s] of space.spaces.entries()) {
      let v: unknown;
      [v, offset] = unflattenAt(s, flat, offset, `${path}[${i}]`);
      out.push(v);
    }
    return [out, offset];
  }
  throw unsupported(space);
}

function oneHotIndex(flat: ArrayLike<number>, offset: number, n: number, path: string): number {
  let index = -1;
  for (let i = 0; i < n; i++) {
    const v = flat[offset + i];
    if (v === 0) continue;
    if (v !== 1 || index !== -1) throw new SpaceError(`unflatten: ${path || 'value'} is not one-hot: [${Array.prototype.slice.call(flat, offset, offset + n).join(', ')}]`);
    index = i;
  }
  if (index === -1) throw new SpaceError(`unflatten: ${path || 'value'} is all zeros, expected one-hot of length ${n}`);
  return index;
}

function unsupported(space: Space<unknown>): SpaceError {
  return new SpaceError(`flatten: unsupported space ${space.toString()}`);
}
