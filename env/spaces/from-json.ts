/** Rebuild a space from its `toJSON()` form (the inverse of `space.toJSON()`). */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import type { Space, SpaceJSON } from './space.ts';
import { Box, type BoxDtype } from './box.ts';
import { Discrete } from './discrete.ts';
import { MultiDiscrete } from './multi-discrete.ts';
import { MultiBinary } from './multi-binary.ts';
import { Dict } from './dict.ts';
import { Tuple } from './tuple.ts';
import { decodeNumbers } from './json-number.ts';

/** The space described by `json`; throws naming the path of the first malformed field. */
export function spaceFromJSON(json: unknown, path = '$'): Space<unknown> {
  if (typeof json !== 'object' || json === null) throw new SpaceError(`spaceFromJSON: ${path} is ${formatValue(json)}, expected a space object`);
  const j = json as SpaceJSON;
  const numberArray = (key: string): number[] => {
    const v = j[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new SpaceError(`spaceFromJSON: ${path}.${key} must be an array of numbers, got ${formatValue(v)}`);
    return v as number[];
  };
  switch (j.type) {
    case 'Box':
      return new Box(decodeNumbers(j['low'], `${path}.low`), decodeNumbers(j['high'], `${path}.high`), {
        shape: numberArray('shape'),
        dtype: j['dtype'] as BoxDtype,
      }) as Space<unknown>;
    case 'Discrete':
      return new Discrete(j['n'] as number, (j['start'] as number | undefined) ?? 0);
    case 'MultiDiscrete':
      return new MultiDiscrete(numberArray('nvec'), j['start'] === undefined ? {} : { start: numberArray('start') });
    case 'MultiBinary':
      return new MultiBinary(numberArray('shape'));
    case 'Dict': {
      const keys = j['keys'];
      const spaces = j['spaces'];
      if (!Array.isArray(keys) || !Array.isArray(spaces) || keys.length !== spaces.length) throw new SpaceError(`spaceFromJSON: ${path} needs arrays "keys" and "spaces" of equal length`);
      const record: Record<string, Space<unknown>> = {};
      keys.forEach((key, i) => {
        record[String(key)] = spaceFromJSON(spaces[i], `${path}.spaces[${i}]`);
      });
      return new Dict(record) as Space<unknown>;
    }
    case 'Tuple': {
      const spaces = j['spaces'];
      if (!Array.isArray(spaces)) throw new SpaceError(`spaceFromJSON: ${path}.spaces must be an array`);
      return new Tuple(spaces.map((s, i) => spaceFromJSON(s, `${path}.spaces[${i}]`))) as Space<unknown>;
    }
    default:
      throw new SpaceError(`spaceFromJSON: ${path}.type = ${formatValue(j.type)} is not one of Box, Discrete, MultiDiscrete, MultiBinary, Dict, Tuple`);
  }
}
