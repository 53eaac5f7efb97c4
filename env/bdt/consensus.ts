/**
 * Reputation-based PoW consensus: difficulty, equation (3) of the letter, and the block race
 * [reconstructed]. A puzzle of difficulty gamma takes gamma W_0 cycles in expectation, so AP j
 * finds blocks as a Poisson process of rate lambda_j = f_j^bloc / (gamma_j W_0); the first AP to
 * succeed wins, after a time Exp(sum_j lambda_j).
 */
import { assertNever } from '../core/errors.ts';
import type { BdtSystem, BlockTimeMode, ConsensusMechanism } from './system.ts';

/** Equation (3): gamma = exp(-alpha U - beta) (`reputation`), or exp(-beta) (`pow`, no reputation stake). */
export function difficulty(mechanism: ConsensusMechanism, alpha: number, beta: number, reputation: number): number {
  switch (mechanism) {
    case 'reputation':
      return Math.exp(-alpha * reputation - beta);
    case 'pow':
      return Math.exp(-beta);
    default:
      return assertNever(mechanism, 'difficulty: consensus mechanism');
  }
}

/** Block-finding rate (1/s) of an AP mining at `miningFreq` cycles/s: f^bloc / (gamma W_0). */
export function miningRate(miningFreq: number, gamma: number, puzzleCycles: number): number {
  return miningFreq > 0 ? miningFreq / (gamma * puzzleCycles) : 0;
}

/**
 * Block time tau^bloc (s) of a race with total rate `rateSum` (1/s): 1 / sum lambda in
 * `expected` mode; the inverse-CDF sample -ln(1 - u) / sum lambda of `raceDraw` u in `sampled`
 * mode. `Infinity` when nobody mines.
 */
export function blockTime(mode: BlockTimeMode, rateSum: number, raceDraw: number): number {
  if (rateSum <= 0) return Infinity;
  switch (mode) {
    case 'expected':
      return 1 / rateSum;
    case 'sampled':
      return -Math.log1p(-raceDraw) / rateSum;
    default:
      return assertNever(mode, 'blockTime: block time mode');
  }
}

/**
 * The race winner: the j with lambda_{<j} <= u sum lambda < lambda_{<=j} for `winnerDraw` u,
 * so j wins with probability lambda_j / sum lambda. -1 when nobody mines.
 */
export function raceWinner(rates: Float64Array, rateSum: number, winnerDraw: number): number {
  if (rateSum <= 0) return -1;
  const target = winnerDraw * rateSum;
  let cumulative = 0;
  let last = -1;
  for (let j = 0; j < rates.length; j++) {
    if (rates[j]! <= 0) continue;
    cumulative += rates[j]!;
    last = j;
    if (target < cumulative) return j;
  }
  return last; // rounding: u sum lambda reached the total
}

/** Per-AP difficulty for reputations `reputation` (length J), written into `out`. */
export function difficulties(system: BdtSystem, reputation: Float64Array, out: Float64Array): Float64Array {
  const { J, mechanism, alpha, beta } = system;
  for (let j = 0; j < J; j++) out[j] = difficulty(mechanism, alpha, beta, reputation[j]!);
  return out;
}
