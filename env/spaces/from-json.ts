/** Rebuild a space from its `toJSON()` form (the inverse of `space.toJSON()`). */
import { SpaceError } from '../core/errors.ts';
import { formatValue, unknownKeys } from '../core/format.ts';
import type { Space, SpaceJSON } from './space.ts';
import { Box, type BoxDtype } from './box.ts';
import { Discrete } from './discrete.ts';
import { MultiDiscrete } from './multi-discrete.ts';
import { MultiBinary } from './multi-binary.ts';
import { Dict } from './dict.ts';
import { Tuple } from './tuple.ts';
import { decodeNumbers } from './json-number.ts';

/** The fields besides `type` of each space's JSON form. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  Box: ['low', 'high', 'shape', 'dtype'],
  Discrete: ['n', 'start'],
  MultiDiscrete: ['nvec', 'start'],
  MultiBinary: ['shape'],
  Dict: ['keys', 'spaces'],
  Tuple: ['spaces'],
};

/** How deep Dicts and Tuples may nest: far past any real space, short of the call stack's end. */
const MAX_DEPTH = 64;

/** The space described by `json`; throws a `SpaceError` naming the path of the first malformed field. */
export function spaceFromJSON(json: unknown, path = '$'): Space<unknown> {
  return fromJSON(json, path, 0);
}

function fromJSON(json: unknown, path: string, depth: number): Space<unknown> {
  if (depth > MAX_DEPTH) throw new SpaceError(`spaceFromJSON: ${path} lies ${depth} Dicts or Tuples deep, more than the ${MAX_DEPTH} taken`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new SpaceError(`spaceFromJSON: ${path} is ${formatValue(json)}, expected a space object`);
  const j = json as SpaceJSON;
  const fields = Object.hasOwn(FIELDS, j.type) ? FIELDS[j.type]! : undefined;
  if (fields === undefined) throw new SpaceError(`spaceFromJSON: ${path}.type = ${formatValue(j.type)} is not one of ${Object.keys(FIELDS).join(', ')}`);
  const unknown = unknownKeys(j, ['type', ...fields], 'field');
  if (unknown !== undefined) throw new SpaceError(`spaceFromJSON: ${path} has unknown ${unknown} (a ${j.type} has ${fields.join(', ')})`);
  const numberArray = (key: string): number[] => {
    const v = j[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new SpaceError(`spaceFromJSON: ${path}.${key} must be an array of numbers, got ${formatValue(v)}`);
    return v as number[];
  };
  switch (j.type) {
    case 'Box': {
      const low = decodeNumbers(j['low'], `spaceFromJSON: ${path}.low`);
      const high = decodeNumbers(j['high'], `spaceFromJSON: ${path}.high`);
      const shape = numberArray('shape');
      return construct(path, () => new Box(low, high, { shape, dtype: j['dtype'] as BoxDtype }) as Space<unknown>);
    }
    case 'Discrete':
      return construct(path, () => new Discrete(j['n'] as number, (j['start'] as number | undefined) ?? 0));
    case 'MultiDiscrete': {
      const nvec = numberArray('nvec');
      const start = j['start'] === undefined ? {} : { start: numberArray('start') };
      return construct(path, () => new MultiDiscrete(nvec, start));
    }
    case 'MultiBinary': {
      const shape = numberArray('shape');
      return construct(path, () => new MultiBinary(shape));
    }
    case 'Dict': {
      const keys = j['keys'];
      const spaces = j['spaces'];
      if (!Array.isArray(keys) || !Array.isArray(spaces) || keys.length !== spaces.length) throw new SpaceError(`spaceFromJSON: ${path} needs arrays "keys" and "spaces" of equal length`);
      const record: Record<string, Space<unknown>> = {};
      keys.forEach((key, i) => {
        // a repeated key would replace its earlier space without a word, and "__proto__" would set the record's prototype
        if (typeof key !== 'string' || key === '__proto__' || Object.hasOwn(record, key)) throw new SpaceError(`spaceFromJSON: ${path}.keys[${i}] = ${formatValue(key)} must be a string other than "__proto__", not given before`);
        record[key] = fromJSON(spaces[i], `${path}.spaces[${i}]`, depth + 1);
      });
      return construct(path, () => new Dict(record) as Space<unknown>);
    }
    default: { // Tuple, the last type of FIELDS
      const spaces = j['spaces'];
      if (!Array.isArray(spaces)) throw new SpaceError(`spaceFromJSON: ${path}.spaces must be an array, got ${formatValue(spaces)}`);
      const members = spaces.map((s, i) => fromJSON(s, `${path}.spaces[${i}]`, depth + 1));
      return construct(path, () => new Tuple(members) as Space<unknown>);
    }
  }
}

/** `make()`, a space constructor's `SpaceError` (a field it refuses) prefixed with the path of the space. */
function construct(path: string, make: () => Space<unknown>): Space<unknown> {
  try {
    return make();
  } catch (error) {
    if (error instanceof SpaceError) error.message = `spaceFromJSON: ${path}: ${error.message}`;
    throw error;
  }
}
