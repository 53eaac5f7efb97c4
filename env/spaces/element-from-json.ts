/**
 * An element of a space from plain JSON data (nested arrays of numbers, objects, as a Python
 * client's `ndarray.tolist()` sends it): Box values become the Box's typed array, MultiDiscrete
 * an Int32Array, MultiBinary an Int8Array, Discrete a number, Dict an object, Tuple an array.
 *
 * Only the conversion is checked here, so nothing is coerced silently (a fractional or
 * non-numeric entry of an integer space is refused, naming where); lengths, bounds and NaN are
 * left to the space's own `explain` (the env's step check names them the same way as for any
 * action). Nested arrays are flattened in row-major order, as the spaces store elements.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { Box } from './box.ts';
import { Dict } from './dict.ts';
import { Discrete } from './discrete.ts';
import { MultiBinary } from './multi-binary.ts';
import { MultiDiscrete } from './multi-discrete.ts';
import type { Space } from './space.ts';
import { Tuple } from './tuple.ts';

/** The element of `space` that `json` describes; `where` names it in errors (e.g. `action`). */
export function elementFromJSON(space: Space<unknown>, json: unknown, where: string): unknown {
  if (space instanceof Box) return (space.dtype === 'float64' ? Float64Array : Float32Array).from(numbers(json, where, undefined));
  if (space instanceof MultiDiscrete) return Int32Array.from(numbers(json, where, INT32));
  if (space instanceof MultiBinary) return Int8Array.from(numbers(json, where, INT8));
  if (space instanceof Discrete) {
    if (!(typeof json === 'number' && Number.isInteger(json))) throw new SpaceError(`${where}: expected an integer, got ${formatValue(json)}`);
    return json;
  }
  if (space instanceof Dict) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new SpaceError(`${where}: expected an object with keys ${space.keys.join(', ')}, got ${formatValue(json)}`);
    const out: Record<string, unknown> = {};
    // keys the space lacks pass through unchanged: the space's check names them
    for (const [key, value] of Object.entries(json)) {
      // defined, not assigned: a "__proto__" key stays a key (which the space then names as unknown)
      Object.defineProperty(out, key, { value: Object.hasOwn(space.spaces, key) ? elementFromJSON(space.spaces[key]!, value, `${where}.${key}`) : value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (space instanceof Tuple) {
    if (!Array.isArray(json)) throw new SpaceError(`${where}: expected an array of ${space.spaces.length} elements, got ${formatValue(json)}`);
    return json.map((value, i) => (i < space.spaces.length ? elementFromJSON(space.spaces[i]!, value, `${where}[${i}]`) : value));
  }
  throw new SpaceError(`${where}: cannot read elements of ${space.toString()} from JSON`);
}

/** The integers an integer space's typed array holds exactly (a value outside would wrap around). */
interface IntegerRange {
  readonly type: string;
  readonly min: number;
  readonly max: number;
}
const INT32: IntegerRange = { type: 'int32', min: -(2 ** 31), max: 2 ** 31 - 1 };
const INT8: IntegerRange = { type: 'int8', min: -128, max: 127 };

/** The numbers of `json` (a number or nested arrays of them), flattened row-major; with `integers`, only integers in its range. */
function numbers(json: unknown, where: string, integers: IntegerRange | undefined): number[] {
  const out: number[] = [];
  const visit = (x: unknown, at: string): void => {
    if (Array.isArray(x)) {
      x.forEach((item, i) => visit(item, `${at}[${i}]`));
      return;
    }
    if (typeof x !== 'number') throw new SpaceError(`${at}: expected a number, got ${formatValue(x)}`);
    if (integers && !Number.isInteger(x)) throw new SpaceError(`${at}: expected an integer, got ${formatValue(x)}`);
    if (integers && !(x >= integers.min && x <= integers.max)) throw new SpaceError(`${at}: ${formatValue(x)} is outside the ${integers.type} range [${integers.min}, ${integers.max}]`);
    out.push(x);
  };
  visit(json, where);
  return out;
}
