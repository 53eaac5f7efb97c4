/**
 * A dictionary of named sub-spaces: gymnasium.spaces.Dict. Elements are plain objects with one
 * entry per key.
 *
 * **Key order** is the order of `Object.keys` of the record given to the constructor, i.e.
 * insertion order (JavaScript puts integer-like keys such as "0" first, ascending). It is
 * recorded in `keys` and fixes the layout of `flatten`, `sample` and the JSON form. Unlike
 * Gymnasium, keys are not sorted.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue, unknownKeys } from '../core/format.ts';
import { Space, type SpaceJSON, type SpaceElement, type SpaceSeeds } from './space.ts';
import { checkSeed, subSeed } from '../core/rng.ts';
import { assertMaskOrProbability } from './probability.ts';

const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * `key` with '%' and '/' written %25 and %2F, for its sub-seed: a key holding '/' would otherwise
 * share the seed of a nested space (key "a/0" and index 0 under key "a" both `42/a/0`). A key
 * without either keeps the seed recorded runs drew with.
 */
function escapeKey(key: string): string {
  return key.replace(/[%/]/g, (c) => (c === '%' ? '%25' : '%2F'));
}

/** The element type of a Dict over sub-spaces `S`. */
export type DictElement<S extends Record<string, Space<unknown>>> = { [K in keyof S]: SpaceElement<S[K]> };

/**
 * A record of named sub-spaces (gymnasium.spaces.Dict); an element is a plain object of their
 * elements. Keys keep insertion order (`Object.keys` order, integer-like keys first), where
 * Gymnasium sorts a dict's keys; that order fixes the layout of `flatten`, `sample` and the JSON
 * form.
 */
export class Dict<S extends Record<string, Space<unknown>> = Record<string, Space<unknown>>> extends Space<DictElement<S>> {
  /** The sub-spaces by key (frozen). */
  readonly spaces: Readonly<S>;
  /** Keys in their documented order (see the class comment). */
  readonly keys: readonly (keyof S & string)[];

  constructor(spaces: S, seed?: number | string) {
    super([]);
    // a Map's entries are no own keys: it made an empty Dict
    if (spaces === null || typeof spaces !== 'object' || Array.isArray(spaces) || spaces instanceof Map) throw new SpaceError(`Dict: spaces must be an object of spaces by key, got ${spaces instanceof Map ? 'a Map (give Object.fromEntries(map))' : formatValue(spaces)}`);
    this.keys = Object.freeze(Object.keys(spaces)) as readonly (keyof S & string)[];
    this.keys.forEach((key, i) => {
      // an own "__proto__" key (JSON.parse makes one): sample, seed and unflatten would set their result's prototype
      if (key === '__proto__') throw new SpaceError(`Dict: keys[${i}] = ${formatValue(key)} must be a string other than "__proto__"`);
      if (!(spaces[key] instanceof Space)) throw new SpaceError(`Dict: value of key "${key}" is not a Space`);
    });
    this.spaces = Object.freeze({ ...spaces });
    if (seed !== undefined) this.seed(seed);
  }

  /**
   * Seeds every sub-space: from one `seed` (sub-seeds derived per key), from a record holding
   * a seed for every key (as Gymnasium), or each from entropy. Returns the seeds used, by key.
   */
  override seed(seed?: number | string | { readonly [K in keyof S]: SpaceSeeds }): { [K in keyof S]: SpaceSeeds } {
    if (typeof seed === 'object' && seed !== null) {
      const given = Object.keys(seed);
      if (given.length !== this.keys.length || !this.keys.every((key) => Object.hasOwn(seed, key))) {
        throw new SpaceError(`Dict.seed: a record of seeds needs exactly the keys [${this.keys.join(', ')}], got [${given.join(', ')}]`);
      }
    } else if (seed !== undefined) checkSeed(seed, 'Dict.seed', { strings: true });
    const used = {} as { [K in keyof S]: SpaceSeeds };
    for (const key of this.keys) {
      const own = seed === undefined ? undefined : typeof seed === 'object' ? seed[key] : subSeed(seed, escapeKey(key));
      used[key] = (this.spaces[key]!.seed as (s?: SpaceSeeds) => SpaceSeeds)(own);
    }
    return used;
  }

  /**
   * A sample of every sub-space; `mask` holds optional per-key masks, or `probability` optional
   * per-key probabilities (one of the two, as Gymnasium).
   */
  sample(mask?: { [K in keyof S]?: unknown }, probability?: { [K in keyof S]?: unknown }): DictElement<S> {
    assertMaskOrProbability('Dict', mask, probability);
    for (const [what, value] of [['mask', mask], ['probability', probability]] as const) {
      if (value == null) continue;
      if (typeof value !== 'object' || Array.isArray(value)) throw new SpaceError(`Dict.sample: ${what} must be a record by key, got ${formatValue(value)}`);
      const unknown = unknownKeys(value, this.keys);
      if (unknown !== undefined) throw new SpaceError(`Dict.sample: ${what} has unknown ${unknown} (keys: ${this.keys.join(', ')})`);
    }
    const out = {} as Record<string, unknown>;
    for (const key of this.keys) out[key] = this.spaces[key]!.sample(mask?.[key], probability?.[key]);
    return out as DictElement<S>;
  }

  contains(x: unknown): x is DictElement<S> {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
    const rec = x as Record<string, unknown>;
    // own enumerable keys exactly the space's (Gymnasium: x.keys() == self.spaces.keys()); an inherited key is not x's
    if (Object.keys(rec).length !== this.keys.length) return false;
    for (const key of this.keys) if (!propertyIsEnumerable.call(rec, key) || !this.spaces[key]!.contains(rec[key])) return false;
    return true;
  }

  explain(x: unknown): string | undefined {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return `expected an object with keys [${this.keys.join(', ')}], got ${Array.isArray(x) ? 'Array' : String(x === null ? null : typeof x)}`;
    const rec = x as Record<string, unknown>;
    for (const key of this.keys) {
      if (!propertyIsEnumerable.call(rec, key)) return key in rec ? `key "${key}" is not the object's own enumerable property (inherited?)` : `key "${key}" is missing`;
      const why = this.spaces[key]!.explain(rec[key]);
      if (why !== undefined) return `key "${key}": ${why}`;
    }
    const extra = Object.keys(rec).filter((k) => !this.keys.includes(k));
    if (extra.length > 0) return `unexpected key "${extra[0]}" (expected [${this.keys.join(', ')}])`;
    return undefined;
  }

  toJSON(): SpaceJSON {
    return { type: 'Dict', keys: [...this.keys], spaces: this.keys.map((key) => this.spaces[key]!.toJSON()) };
  }

  toString(): string {
    return `Dict(${this.keys.map((key) => `${key}: ${this.spaces[key]!.toString()}`).join(', ')})`;
  }
}
