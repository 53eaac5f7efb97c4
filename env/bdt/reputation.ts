/**
 * Off-chain reputation, equations (1) and (2) of the letter: U_j(t) = g(O_j(t)), with O_j the
 * FLOPs offloaded to AP j in the slot. The letter leaves g generic; these choices are
 * [reconstructed]. All map O >= 0 to [0, 1], are increasing, and g(0) = 0; x = O / O_ref:
 * - `exponential` (default): g = 1 - exp(-x); concave, saturates, g(O_ref) = 0.632.
 * - `linear`: g = min(1, x); reaches full reputation at O = O_ref.
 * - `logarithmic`: g = ln(1 + x) / (1 + ln(1 + x)); concave, saturates much more slowly
 *   than the exponential, g(O_ref) = 0.409.
 */
import { assertNever } from '../core/errors.ts';
import type { BdtSystem, ReputationParams } from './system.ts';

/** g(O) for offloaded work `work` (FLOPs), with g and O_ref as the system holds them (`system.reputation`). */
export function reputationOf(params: ReputationParams, work: number): number {
  const { kind, scale } = params;
  const x = work > 0 ? work / scale : 0;
  switch (kind) {
    case 'exponential':
      return -Math.expm1(-x); // not 1 - exp(-x), which cancels digits for small x (O far below O_ref)
    case 'linear':
      return x < 1 ? x : 1;
    case 'logarithmic': {
      const y = Math.log1p(x);
      return y / (1 + y);
    }
    default:
      return assertNever(kind, 'reputationOf: reputation kind');
  }
}

/**
 * g^{-1}(U): the offloaded work (FLOPs) that earns reputation U under `params`
 * (`system.reputation`); `Infinity` when U is not reachable (U >= 1, except `linear` where U = 1
 * needs O_ref). Lets a solver target a reputation.
 */
export function workForReputation(params: ReputationParams, reputation: number): number {
  if (reputation <= 0) return 0;
  const { kind, scale } = params;
  switch (kind) {
    case 'exponential':
      return reputation < 1 ? -scale * Math.log1p(-reputation) : Infinity;
    case 'linear':
      return reputation <= 1 ? scale * reputation : Infinity;
    case 'logarithmic':
      return reputation < 1 ? scale * Math.expm1(reputation / (1 - reputation)) : Infinity;
    default:
      return assertNever(kind, 'workForReputation: reputation kind');
  }
}

/**
 * Equation (2): O_j = sum_m b[m][j] W_m^A, given the per-gateway offloaded work `offloadWork`
 * (length M, FLOPs); written into `out` (length J).
 */
export function offloadedWorkPerAp(system: BdtSystem, offloadWork: Float64Array, out: Float64Array): Float64Array {
  const { M, apOf } = system;
  for (let j = 0; j < out.length; j++) out[j] = 0; // not fill(): a builtin call costs more for short arrays
  for (let m = 0; m < M; m++) out[apOf[m]!]! += offloadWork[m]!;
  return out;
}

/** Equation (1) for every AP: out[j] = g(O_j). */
export function reputations(system: BdtSystem, offloaded: Float64Array, out: Float64Array): Float64Array {
  const params = system.reputation;
  const J = system.J;
  for (let j = 0; j < J; j++) out[j] = reputationOf(params, offloaded[j]!);
  return out;
}
