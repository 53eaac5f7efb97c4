/**
 * One slot of the B-DT system, every term written into a preallocated {@link SlotOutcome}.
 *
 * The evaluation is split along what the DPRA solver fixes: {@link gatewaySide} depends only on
 * the partition (work, bits, gateway latency and energy, and through equation (2) the
 * reputations and difficulties), {@link apSide} on the AP frequencies given that, and
 * {@link slotObjective} combines them with the queues into Psi(t). {@link evaluateSlot} runs all
 * three. Each is O(N + M + J) and allocation-free.
 */
import type { BdtSystem, Decision, SlotState } from './system.ts';
import { computeTime, transmitTime, uplinkRate } from './latency.ts';
import { budgetExcess, computeEnergy, miningEnergy, transmitEnergy } from './energy.ts';
import { offloadedWorkPerAp, reputations } from './reputation.ts';
import { blockTime, difficulties, miningRate, raceWinner } from './consensus.ts';
import { driftTerm, type VirtualQueues } from './queues.ts';

/** Terms that depend on the partition (and the slot state) only. */
export interface GatewaySideOutcome {
  // --- per gateway (length M) ---
  /** W_m^G, FLOPs run on gateway m. */
  readonly gatewayWork: Float64Array;
  /** W_m^A, FLOPs gateway m offloads to its AP. */
  readonly offloadWork: Float64Array;
  /** S_m, bits gateway m sends up. */
  readonly uplinkBits: Float64Array;
  /** tau_m^G (s). */
  readonly gatewayComputeTime: Float64Array;
  /** r_m (bit/s). */
  readonly uplinkRate: Float64Array;
  /** tau_m^tx (s). */
  readonly txTime: Float64Array;
  /** c_m = tau_m^G + tau_m^tx (s), the gateway-side latency. */
  readonly gatewaySideLatency: Float64Array;
  /** Gateway compute energy kappa_G (W^G/phi) (f^G)^2 (J). */
  readonly gatewayComputeEnergy: Float64Array;
  /** Transmit energy p tau^tx (J). */
  readonly txEnergy: Float64Array;
  /** e_m^G = compute + transmit energy (J). */
  readonly gatewayEnergy: Float64Array;
  /** max(0, e_m^G - E_m^G) (J): C4 violated where positive. */
  readonly gatewayEnergyExcess: Float64Array;
  // --- per AP (length J) ---
  /** O_j, FLOPs offloaded to AP j, equation (2). */
  readonly offloaded: Float64Array;
  /** U_j = g(O_j), equation (1). */
  readonly reputation: Float64Array;
  /** gamma_j, equation (3). */
  readonly difficulty: Float64Array;
}

/** Every term of one slot. */
export interface SlotOutcome extends GatewaySideOutcome {
  // --- per gateway (length M) ---
  /** tau_m^A (s): AP time for gateway m's offloaded work. */
  readonly apComputeTime: Float64Array;
  /** c_m + tau_m^A (s): latency of gateway m's DTs. */
  readonly pathLatency: Float64Array;
  // --- per AP (length J) ---
  /** max over AP j's gateways of the path latency (s), offloading or not; 0 for an AP without gateways. */
  readonly apInferenceLatency: Float64Array;
  /** lambda_j = f_j^bloc / (gamma_j W_0) (1/s). */
  readonly miningRate: Float64Array;
  /** AP inference energy sum_m b[m][j] kappa_A (W_m^A/phi_j) (f_m^A)^2 (J). */
  readonly inferenceEnergy: Float64Array;
  /** Mining energy kappa_A (f_j^bloc)^3 tau^bloc (J). */
  readonly miningEnergy: Float64Array;
  /** e_j^A = inference + mining energy (J). */
  readonly apEnergy: Float64Array;
  /** max(0, e_j^A - E_j^A) (J): C5 violated where positive. */
  readonly apEnergyExcess: Float64Array;
  // --- scalars ---
  /** tau^inf = max_m path latency (s). */
  inferenceLatency: number;
  /** sum_j lambda_j (1/s). */
  miningRateSum: number;
  /** tau^bloc (s). */
  blockTime: number;
  /** Race winner j (sampled from `winnerDraw` in both modes; -1 when nobody mines). */
  winner: number;
  /** tau = tau^inf + tau^bloc (s). */
  latency: number;
  /** V tau (the penalty term of Psi). */
  penalty: number;
  /** sum_j [H_j (U_j - U^max) + G_j (U^min - U_j)] (the drift term of Psi). */
  drift: number;
  /** Psi(t) = penalty + drift. */
  psi: number;
  /** Number of gateways violating C4. */
  gatewayViolations: number;
  /** Number of APs violating C5. */
  apViolations: number;
}

/** A zeroed outcome sized for `system`; reuse it across slots. */
export function createSlotOutcome(system: BdtSystem): SlotOutcome {
  const { M, J } = system;
  const perGateway = () => new Float64Array(M);
  const perAp = () => new Float64Array(J);
  return {
    gatewayWork: perGateway(),
    offloadWork: perGateway(),
    uplinkBits: perGateway(),
    gatewayComputeTime: perGateway(),
    uplinkRate: perGateway(),
    txTime: perGateway(),
    gatewaySideLatency: perGateway(),
    gatewayComputeEnergy: perGateway(),
    txEnergy: perGateway(),
    gatewayEnergy: perGateway(),
    gatewayEnergyExcess: perGateway(),
    offloaded: perAp(),
    reputation: perAp(),
    difficulty: perAp(),
    apComputeTime: perGateway(),
    pathLatency: perGateway(),
    apInferenceLatency: perAp(),
    miningRate: perAp(),
    inferenceEnergy: perAp(),
    miningEnergy: perAp(),
    apEnergy: perAp(),
    apEnergyExcess: perAp(),
    inferenceLatency: 0,
    miningRateSum: 0,
    blockTime: 0,
    winner: -1,
    latency: 0,
    penalty: 0,
    drift: 0,
    psi: 0,
    gatewayViolations: 0,
    apViolations: 0,
  };
}

/**
 * The partition-dependent terms: per-gateway work W^G, W^A, bits S, tau^G, r, tau^tx, their sum
 * c_m, gateway energy and C4 excess; per-AP O_j, U_j, gamma_j. `partition[n]` = l_n in [1, L_n]
 * (not checked here; see `explainDecision`).
 */
export function gatewaySide(system: BdtSystem, state: SlotState, partition: Int32Array, out: GatewaySideOutcome): GatewaySideOutcome {
  const { N, M, gatewayOf, unitOffset, unitCount, cumFlops, outputBits } = system;
  const { gatewayWork, offloadWork, uplinkBits } = out;
  // loops rather than fill(): for these short arrays the builtin's call costs more than the stores
  for (let m = 0; m < M; m++) {
    gatewayWork[m] = 0;
    offloadWork[m] = 0;
    uplinkBits[m] = 0;
  }
  // Sums run in locals over each stretch of devices on one gateway (devices are usually listed
  // gateway by gateway) and reach memory once per stretch: a read-modify-write of the output
  // arrays per device costs a store-to-load round trip each.
  const arrivals = state.arrivals;
  let runGateway = N > 0 ? gatewayOf[0]! : 0;
  let runWork = 0;
  let runOffload = 0;
  let runBits = 0;
  for (let n = 0; n < N; n++) {
    const gateway = gatewayOf[n]!;
    if (gateway !== runGateway) {
      gatewayWork[runGateway]! += runWork;
      offloadWork[runGateway]! += runOffload;
      uplinkBits[runGateway]! += runBits;
      runWork = runOffload = runBits = 0;
      runGateway = gateway;
    }
    // no skip when d = 0: the terms are then +0, which leaves the sums' bits alone, and a
    // branch on random arrivals mispredicts often enough to cost more than the arithmetic
    const d = arrivals[n]!;
    const base = unitOffset[n]!;
    const cut = base + partition[n]!;
    const head = cumFlops[cut]!;
    runWork += d * head;
    runOffload += d * (cumFlops[base + unitCount[n]!]! - head);
    runBits += d * outputBits[cut]!;
  }
  if (N > 0) {
    gatewayWork[runGateway]! += runWork;
    offloadWork[runGateway]! += runOffload;
    uplinkBits[runGateway]! += runBits;
  }
  const { gatewayFreq, gatewayFlopsPerCycle, gatewayKappa, txPower, bandwidth, noisePsd } = system;
  const { gain, gatewayBudget } = state;
  // output arrays in locals: TurboFan does not hoist the property loads out of the loop
  const { gatewayComputeTime, uplinkRate: rateOut, txTime, gatewaySideLatency, gatewayComputeEnergy, txEnergy, gatewayEnergy, gatewayEnergyExcess } = out;
  for (let m = 0; m < M; m++) {
    const f = gatewayFreq[m]!;
    const phi = gatewayFlopsPerCycle[m]!;
    const work = gatewayWork[m]!;
    const p = txPower[m]!;
    const tauG = computeTime(work, phi, f);
    const rate = uplinkRate(bandwidth[m]!, p, gain[m]!, noisePsd);
    const tauTx = transmitTime(uplinkBits[m]!, rate);
    const eCompute = computeEnergy(gatewayKappa[m]!, work, phi, f);
    const eTx = transmitEnergy(p, tauTx);
    gatewayComputeTime[m] = tauG;
    rateOut[m] = rate;
    txTime[m] = tauTx;
    gatewaySideLatency[m] = tauG + tauTx;
    gatewayComputeEnergy[m] = eCompute;
    txEnergy[m] = eTx;
    gatewayEnergy[m] = eCompute + eTx;
    gatewayEnergyExcess[m] = budgetExcess(eCompute + eTx, gatewayBudget[m]!);
  }
  offloadedWorkPerAp(system, offloadWork, out.offloaded);
  reputations(system, out.offloaded, out.reputation);
  difficulties(system, out.reputation, out.difficulty);
  return out;
}

/**
 * The AP-side terms given {@link gatewaySide}'s results in `out`: tau_m^A, path latencies,
 * tau^inf, mining rates, tau^bloc and the winner, AP energies and C5 excess, and the latency tau.
 * `inferenceFreq` (length M) and `miningFreq` (length J) are in cycles/s.
 */
export function apSide(system: BdtSystem, state: SlotState, inferenceFreq: Float64Array, miningFreq: Float64Array, out: SlotOutcome): SlotOutcome {
  const { M, J, apOf, apFlopsPerCycle, apKappa } = system;
  // arrays in locals: TurboFan does not hoist the property loads out of the loops
  const { offloadWork, gatewaySideLatency, apComputeTime, pathLatency, apInferenceLatency, inferenceEnergy, difficulty, miningRate: rateOut, miningEnergy: mineOut, apEnergy, apEnergyExcess, gatewayEnergyExcess } = out;
  const apBudget = state.apBudget;
  for (let j = 0; j < J; j++) {
    apInferenceLatency[j] = 0;
    inferenceEnergy[j] = 0;
  }
  let inferenceLatency = 0;
  for (let m = 0; m < M; m++) {
    const j = apOf[m]!;
    const fA = inferenceFreq[m]!;
    const work = offloadWork[m]!;
    const phi = apFlopsPerCycle[j]!;
    const tauA = computeTime(work, phi, fA);
    const path = gatewaySideLatency[m]! + tauA;
    apComputeTime[m] = tauA;
    pathLatency[m] = path;
    if (path > apInferenceLatency[j]!) apInferenceLatency[j] = path;
    if (path > inferenceLatency) inferenceLatency = path;
    inferenceEnergy[j]! += computeEnergy(apKappa[j]!, work, phi, fA);
  }
  const puzzleCycles = system.puzzleCycles;
  let rateSum = 0;
  for (let j = 0; j < J; j++) {
    const rate = miningRate(miningFreq[j]!, difficulty[j]!, puzzleCycles);
    rateOut[j] = rate;
    rateSum += rate;
  }
  const tauBloc = blockTime(system.blockTime, rateSum, state.raceDraw);
  out.inferenceLatency = inferenceLatency;
  out.miningRateSum = rateSum;
  out.blockTime = tauBloc;
  out.winner = raceWinner(rateOut, rateSum, state.winnerDraw);
  out.latency = inferenceLatency + tauBloc;
  let apViolations = 0;
  for (let j = 0; j < J; j++) {
    const eMine = miningEnergy(apKappa[j]!, miningFreq[j]!, tauBloc);
    const total = inferenceEnergy[j]! + eMine;
    mineOut[j] = eMine;
    apEnergy[j] = total;
    const excess = budgetExcess(total, apBudget[j]!);
    apEnergyExcess[j] = excess;
    if (excess > 0) apViolations++;
  }
  let gatewayViolations = 0;
  for (let m = 0; m < M; m++) if (gatewayEnergyExcess[m]! > 0) gatewayViolations++;
  out.apViolations = apViolations;
  out.gatewayViolations = gatewayViolations;
  return out;
}

/** Psi(t) = V tau + drift, from the queues H(t), G(t) before this slot's update. */
export function slotObjective(system: BdtSystem, queues: VirtualQueues, out: SlotOutcome): SlotOutcome {
  // V = 0 takes latency out of Psi, even a slot that cannot finish (0 * Infinity would be NaN)
  out.penalty = system.V === 0 ? 0 : system.V * out.latency;
  out.drift = driftTerm(system, queues, out.reputation);
  out.psi = out.penalty + out.drift;
  return out;
}

/** Every term of one slot for `decision` in `state` with queues H(t), G(t), written into `out`. */
export function evaluateSlot(system: BdtSystem, state: SlotState, decision: Decision, queues: VirtualQueues, out: SlotOutcome): SlotOutcome {
  gatewaySide(system, state, decision.partition, out);
  apSide(system, state, decision.inferenceFreq, decision.miningFreq, out);
  return slotObjective(system, queues, out);
}
