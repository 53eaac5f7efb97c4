/**
 * Seeded random streams. Every random component draws from its own stream, derived from one
 * root seed and the component's name, so one seed gives the same exogenous trace whatever
 * else consumes randomness (common random numbers across agents).
 */
import seedrandom from 'seedrandom';
import * as z from 'zod';
import { InvalidArgumentError } from './errors.ts';
import { formatValue } from './format.ts';
import { parseKwargs } from './zod-issues.ts';

/** A seeded uniform generator on [0, 1) whose state can be saved and restored. */
export interface Rng {
  (): number;
  /** Saved generator state (opaque, JSON-serialisable). */
  state(): object;
}

/** Fresh generator for `seed` (any integer or string); `undefined` draws a seed from entropy. */
export function makeRng(seed?: number | string): Rng {
  const s = seed === undefined ? String(Math.random()) + String(Date.now()) : String(seed);
  return seedrandom.alea(s, { state: true }) as unknown as Rng;
}

/**
 * The state `rng.state()` returns: seedrandom's alea generator, an integer carry and three
 * fractions. Any other object would restore a generator that draws NaN.
 */
export const RngStateSchema = z.strictObject({
  c: z.number().int().min(0).max(2091639).describe("alea's carry"),
  s0: z.number().min(0).lt(1).describe("alea's oldest fraction"),
  s1: z.number().min(0).lt(1).describe("alea's middle fraction"),
  s2: z.number().min(0).lt(1).describe("alea's newest fraction"),
});

/** Generator restored from a state produced by `rng.state()`; throws `KwargsError` on any other object. */
export function restoreRng(state: object): Rng {
  return seedrandom.alea('', { state: parseKwargs(RngStateSchema, state, 'restoreRng', 'state') as never }) as unknown as Rng;
}

/**
 * The seed of an independent sub-stream named `stream` under `seed`. Stable across versions:
 * changing it changes every recorded trace.
 */
export function subSeed(seed: number | string, stream: string): string {
  return `${String(seed)}/${stream}`;
}

/** A uniformly random 32-bit unsigned integer from `rng`, for seeding child generators. */
export function randomSeed(rng: Rng): number {
  return Math.floor(rng() * 4294967296) >>> 0;
}

/**
 * A random integer in [0, n) for a safe integer `n` >= 1, as the spaces sample one. Up to n = 2^21,
 * `floor(u n)` of one 32-bit draw (the outputs seeded runs keep): each value then gets
 * floor(2^32 / n) or one more of the 2^32 draws, its probability within n / 2^32 <= 2^-11 of 1/n
 * relatively. Above, that bias grows (a factor 2 near 2^32, and past 2^32 values are skipped),
 * so {@link uniformInteger53} draws exactly.
 */
export function uniformIndex(rng: Rng, n: number): number {
  return n <= 2 ** 21 ? Math.floor(rng() * n) : uniformInteger53(rng, n);
}

/**
 * A uniformly random integer in [0, n) for a safe integer `n`: 53 bits from two draws, redrawn
 * while they fall in the last partial block of n, so that every value is equally likely.
 */
function uniformInteger53(rng: Rng, n: number): number {
  const limit = 2 ** 53 - (2 ** 53 % n);
  for (;;) {
    const bits = Math.floor(rng() * 2 ** 21) * 2 ** 32 + Math.floor(rng() * 2 ** 32);
    if (bits < limit) return bits % n;
  }
}

/** A fresh 32-bit seed from entropy: what an unseeded `seed()` uses, returned so it can be logged and reused. */
export function entropySeed(): number {
  return Math.floor(Math.random() * 4294967296);
}

/**
 * Refuses a seed that is not an integer in [0, 2^53) (Gymnasium's `np_random` refuses negative
 * and non-integer seeds); `owner` names the caller. With `strings`, a string (a sub-stream seed
 * such as `'42/key'`) passes too.
 */
export function checkSeed(seed: unknown, owner: string, { strings = false } = {}): void {
  if (strings && typeof seed === 'string') return;
  if (!(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0)) {
    const tooLarge = typeof seed === 'number' && Number.isInteger(seed) && seed > 0;
    throw new InvalidArgumentError(`${owner}: seed = ${formatValue(seed)} must be an integer >= 0${tooLarge ? ` and <= ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER)` : ''}`);
  }
}
