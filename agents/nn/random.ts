/** Seeded draws for agents, all from an env/core/rng.ts stream (never Math.random). */
import type { Rng } from '../../env/core/rng.ts';

/** A standard normal draw (Box-Muller; the 1 - u keeps log away from 0). */
export function standardNormal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher-Yates shuffle of `indices` in place. */
export function shuffleInPlace(indices: Int32Array, rng: Rng): Int32Array {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = t;
  }
  return indices;
}
