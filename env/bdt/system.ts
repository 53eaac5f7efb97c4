/**
 * The compiled B-DT system: a validated scenario turned into flat typed arrays, so that one slot
 * is evaluated in O(N + M + J) with no allocation. Every model function in env/bdt takes this.
 *
 * Index conventions: devices n in [0, N), gateways m in [0, M), APs j in [0, J).
 * Partition point l_n in [1, L_n] counts the units run on the gateway (letter's C1).
 */

// The choices of the system's string fields, listed once: the types below derive from them and
// the scenario schema (which imports them from here, the lower layer) offers them.
/** Reputation functions g of equation (1). */
export const REPUTATION_KINDS = ['exponential', 'linear', 'logarithmic'] as const;
/** Consensus mechanisms: reputation-discounted PoW (the letter's) or plain PoW (WTCM). */
export const CONSENSUS_MECHANISMS = ['reputation', 'pow'] as const;
/** Block times: expected value 1/sum(lambda) or a sampled exponential race. */
export const BLOCK_TIME_MODES = ['expected', 'sampled'] as const;

/** Reputation function g of equation (1). */
export type ReputationKind = (typeof REPUTATION_KINDS)[number];
/** Consensus mechanism: reputation-discounted PoW (the letter's) or plain PoW (WTCM). */
export type ConsensusMechanism = (typeof CONSENSUS_MECHANISMS)[number];
/** Block time: expected value 1/sum(lambda) or a sampled exponential race. */
export type BlockTimeMode = (typeof BLOCK_TIME_MODES)[number];

/** g of equation (1) and its scale, as the system holds them (`system.reputation`); every use of g takes this whole. */
export interface ReputationParams {
  /** The form of g. */
  readonly kind: ReputationKind;
  /** O_ref, FLOPs scale of g. */
  readonly scale: number;
}

/**
 * The compiled, static parameters of a B-DT system (letter's notation, SI units): N devices (DTs),
 * M gateways, J APs; per-node arrays are indexed n, m, j.
 */
export interface BdtSystem {
  /** N, number of devices (digital twins). */
  readonly N: number;
  /** M, number of gateways. */
  readonly M: number;
  /** J, number of APs (miners). */
  readonly J: number;

  // --- topology (matrices a and b as index maps) ---
  /** gatewayOf[n] = the m with a[n][m] = 1. */
  readonly gatewayOf: Int32Array;
  /** apOf[m] = the j with b[m][j] = 1. */
  readonly apOf: Int32Array;

  // --- DNN profiles, flattened per device ---
  /** L_n, number of partition units of DT n's DNN. */
  readonly unitCount: Int32Array;
  /** Start of device n's rows in the flat per-unit arrays below; length N + 1. Row l of n is at unitOffset[n] + l, l = 0..L_n. */
  readonly unitOffset: Int32Array;
  /** Prefix sums of FLOPs per data point: cumFlops[unitOffset[n] + l] = sum_{k<=l} chi_n^k (FLOP), with cumFlops[.. + 0] = 0. */
  readonly cumFlops: Float64Array;
  /** outputBits[unitOffset[n] + l] = s_n^l, bits per data point of unit l's output (l = 0 is the raw input). */
  readonly outputBits: Float64Array;

  // --- gateways (length M) ---
  /** f_m^G, gateway CPU clock (cycles/s). */
  readonly gatewayFreq: Float64Array;
  /** phi_m^G, FLOPs per cycle of the gateway. */
  readonly gatewayFlopsPerCycle: Float64Array;
  /** kappa_G, effective switched capacitance of the gateway (J s^2 / cycle^3). */
  readonly gatewayKappa: Float64Array;
  /** p_m, uplink transmit power (W). */
  readonly txPower: Float64Array;
  /** B_m, uplink bandwidth (Hz). */
  readonly bandwidth: Float64Array;
  /** gbar_m, mean channel power gain gateway m -> its AP (linear). */
  readonly meanGain: Float64Array;
  /** N0, noise power spectral density (W/Hz). */
  readonly noisePsd: number;

  // --- APs (length J) ---
  /** f_j^max, AP CPU clock limit for C2 and C3 (cycles/s). */
  readonly apMaxFreq: Float64Array;
  /** phi_j^A, FLOPs per cycle of the AP. */
  readonly apFlopsPerCycle: Float64Array;
  /** kappa_A, effective switched capacitance of the AP (J s^2 / cycle^3). */
  readonly apKappa: Float64Array;

  // --- reputation and consensus ---
  /** The reputation function U_j = g(O_j) [letter eq. (1)-(2)]. */
  readonly reputation: ReputationParams;
  /** alpha and beta of equation (3). */
  readonly alpha: number;
  /** beta, offset of the difficulty in equation (3) (dimensionless). */
  readonly beta: number;
  /** W_0, expected cycles to solve a puzzle of difficulty 1. */
  readonly puzzleCycles: number;
  /**
   * `'reputation'`: difficulty exp(-alpha U - beta) [eq. (3)]; `'pow'`: exp(-beta), no reputation
   * stake.
   */
  readonly mechanism: ConsensusMechanism;
  /** tau^bloc: `'expected'` = 1 / sum lambda, `'sampled'` = an Exp(sum lambda) race. */
  readonly blockTime: BlockTimeMode;

  // --- Lyapunov ---
  /** V, the penalty weight (s^-1 units of the drift terms). */
  readonly V: number;
  /** U^min, lower bound of the time-average reputation in C6 (dimensionless). */
  readonly uMin: number;
  /** U^max, upper bound of the time-average reputation in C6 (dimensionless). */
  readonly uMax: number;
}

/** Exogenous state of one slot (drawn by the env's random streams, never by the agent). */
export interface SlotState {
  /** D_n(t), data points arriving at DT n (length N). */
  readonly arrivals: Float64Array;
  /** g_m(t), channel power gain of gateway m's uplink (length M). */
  readonly gain: Float64Array;
  /** E_m^G(t), gateway energy budget (J, length M). */
  readonly gatewayBudget: Float64Array;
  /** E_j^A(t), AP energy budget (J, length J). */
  readonly apBudget: Float64Array;
  /** Uniform draw in [0, 1) for the sampled block race (ignored in expected mode). */
  readonly raceDraw: number;
  /** Second uniform draw for the race winner (used in both modes). */
  readonly winnerDraw: number;
}

/** A decision X(t) = [l(t), f^A(t), f^bloc(t)] in physical units. */
export interface Decision {
  /** l_n in [1, L_n] (length N). */
  readonly partition: Int32Array;
  /** f_m^A, AP cycles/s serving gateway m (length M). */
  readonly inferenceFreq: Float64Array;
  /** f_j^bloc, AP j's mining cycles/s (length J). */
  readonly miningFreq: Float64Array;
}
