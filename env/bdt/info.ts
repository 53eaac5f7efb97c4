/**
 * The types of the B-DT env's infos: every key, its unit and meaning in docs/MODEL.md, "Info".
 * `step`'s info describes the slot just decided; per-gateway arrays have length M, per-AP
 * arrays length J.
 */

/** `reset`'s info. */
export type BdtResetInfo = {
  /** The first slot's index: 0. */
  slot: number;
};

/** `step`'s info with `infoLevel: 'summary'`: the slot's scalars and the reputations. */
export type BdtSummaryInfo = {
  /** The decided slot's index, from 0. */
  slot: number;
  /** tau = tau^inf + tau^bloc (s), uncapped; Infinity when the slot cannot finish. */
  latency: number;
  /** tau as the reward charges it: min(tau, latencyCap) (s). */
  chargedLatency: number;
  /** tau^inf: max over gateways of the path latency (s). */
  inferenceLatency: number;
  /** tau^bloc (s). */
  blockTime: number;
  /** Whether the latency cap applied. */
  latencyCapped: boolean;
  /** AP j that won the block race (-1 when nobody mines). */
  winner: number;
  /** Psi(t) = penalty + drift. */
  psi: number;
  /** V tau (uncapped). */
  penalty: number;
  /** sum_j [H_j (U_j - U^max) + G_j (U^min - U_j)]. */
  drift: number;
  /** L(t) = (1/2) sum_j (H_j^2 + G_j^2) before the queue update. */
  lyapunov: number;
  /** L(t + 1), after it. */
  lyapunovNext: number;
  /** sum_j (H_j + G_j) after the update. */
  backlog: number;
  /** Gateways breaking C4. */
  gatewayViolations: number;
  /** APs breaking C5. */
  apViolations: number;
  /** Total energy over budget, gateways and APs (J). */
  energyExcess: number;
  /** U_j per AP. */
  reputation: Float64Array;
};

/** The per-node terms `infoLevel: 'full'` (the default of `make`) adds. */
export type BdtFullInfoTerms = {
  /** The virtual queues before (H, G) and after (nextH, nextG) the update. */
  queues: { H: Float64Array; G: Float64Array; nextH: Float64Array; nextG: Float64Array };
  /** Per gateway: FLOP, bit, bit/s, s and J (docs/MODEL.md, "Info"). */
  gateways: {
    work: Float64Array;
    offloadWork: Float64Array;
    uplinkBits: Float64Array;
    computeTime: Float64Array;
    uplinkRate: Float64Array;
    txTime: Float64Array;
    sideLatency: Float64Array;
    apComputeTime: Float64Array;
    pathLatency: Float64Array;
    computeEnergy: Float64Array;
    txEnergy: Float64Array;
    energy: Float64Array;
    budget: Float64Array;
    energyExcess: Float64Array;
  };
  /** Per AP: FLOP, 1/s, s and J (docs/MODEL.md, "Info"). */
  aps: {
    offloaded: Float64Array;
    reputation: Float64Array;
    difficulty: Float64Array;
    miningRate: Float64Array;
    inferenceLatency: Float64Array;
    inferenceEnergy: Float64Array;
    miningEnergy: Float64Array;
    energy: Float64Array;
    budget: Float64Array;
    energyExcess: Float64Array;
  };
  /** l_n per DT, 1-based (the action's k + 1). */
  partition: Int32Array;
  /** f_m^A per gateway (cycles/s), as decoded. */
  inferenceFreq: Float64Array;
  /** f_j^bloc per AP (cycles/s). */
  miningFreq: Float64Array;
};

/** `step`'s info with `infoLevel: 'full'`. */
export type BdtFullInfo = BdtSummaryInfo & BdtFullInfoTerms;

/** `step`'s info at either level: the summary keys always, the full terms with `infoLevel: 'full'`. */
export type BdtInfo = BdtSummaryInfo & Partial<BdtFullInfoTerms>;
