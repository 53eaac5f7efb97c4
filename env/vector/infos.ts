/**
 * Merging per-env infos into one vector info (gymnasium.vector.VectorEnv._add_info): for each
 * key, an array over envs plus a mask `_key` marking which envs set it. Numbers become
 * `Float64Array`, booleans `Uint8Array` (0/1), nested plain objects recurse, anything else an
 * `Array` with `undefined` where unset. Masks are `Uint8Array` (0/1). A key holding `undefined` is
 * taken as unset.
 *
 * @example
 * // env 1 of 3 finished an episode under RecordEpisodeStatistics:
 * // { episode: { r: Float64Array [0, 21, 0], l: …, t: …, _r: Uint8Array [0, 1, 0], … }, _episode: Uint8Array [0, 1, 0] }
 */
import type { Info } from '../core/env.ts';

/** Adds env `i`'s `info` into `infos` (created lazily per key), for `n` envs. */
export function addInfo(infos: Info, info: Info, i: number, n: number): Info {
  for (const key in info) {
    const value = info[key];
    // an env whose key holds undefined has not set it (JSON drops the key): masked out, as an absent key
    if (value === undefined) continue;
    let array = infos[key];
    if (isPlainObject(value)) {
      array = addInfo((array as Info | undefined) ?? {}, value, i, n);
    } else {
      if (array === undefined) array = typeof value === 'number' ? new Float64Array(n) : typeof value === 'boolean' ? new Uint8Array(n) : new Array<unknown>(n).fill(undefined);
      (array as unknown[])[i] = typeof value === 'boolean' && array instanceof Uint8Array ? Number(value) : value;
    }
    infos[key] = array;
    const maskKey = `_${key}`;
    const mask = (infos[maskKey] as Uint8Array | undefined) ?? new Uint8Array(n);
    mask[i] = 1;
    infos[maskKey] = mask;
  }
  return infos;
}

function isPlainObject(x: unknown): x is Info {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}
