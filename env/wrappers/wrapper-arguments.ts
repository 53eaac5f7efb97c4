/** Checks of the numeric arguments the normalising and statistics wrappers share (single and vector). */
import { GymError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';

/** `epsilon` (added to variances before the square root) must be a finite number >= 0, or every output turns NaN. */
export function checkEpsilon(owner: string, epsilon: unknown): void {
  if (!(typeof epsilon === 'number' && Number.isFinite(epsilon) && epsilon >= 0)) throw new GymError(`${owner}: epsilon = ${formatValue(epsilon)} must be a finite number >= 0`);
}

/** A callback argument must be a function: another value failed at the first call ("this.func is not a function"). */
export function checkFunction(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'function') throw new GymError(`${owner}: ${name} must be a function, got ${formatValue(value)}`);
}

/** `bufferLength` (episodes kept for the statistics) must be a positive integer. */
export function checkBufferLength(owner: string, bufferLength: unknown): void {
  if (!(typeof bufferLength === 'number' && Number.isInteger(bufferLength) && bufferLength >= 1)) throw new GymError(`${owner}: bufferLength = ${formatValue(bufferLength)} must be a positive integer`);
}
