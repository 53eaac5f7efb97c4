/**
 * What a `BdtVectorEnv` step returns besides the observations: rewards, flags and the batched
 * summary infos (Gymnasium's vector layout, `BdtEnv`'s summary keys), in arrays that are either
 * fresh per call or the env's own (`copy: false`).
 */
import type { Info } from '../core/env.ts';
import type { ArrayPool } from './array-pool.ts';
import { backlog } from './queues.ts';
import type { BdtSimulation } from './simulation.ts';
import type { SlotOutcome } from './slot.ts';

/** The arrays of one step's result besides the observations (infos as `BdtEnv`'s summary keys). */
export interface StepArrays {
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly slot: Float64Array;
  /** `_slot`: 1 for every env (stepped or reset). */
  readonly slotMask: Uint8Array;
  /** 1 for the envs whose step set the keys below; their masks are copies of it. */
  readonly stepped: Uint8Array;
  readonly latency: Float64Array;
  readonly chargedLatency: Float64Array;
  readonly inferenceLatency: Float64Array;
  readonly blockTime: Float64Array;
  readonly latencyCapped: Uint8Array;
  readonly winner: Float64Array;
  readonly psi: Float64Array;
  readonly penalty: Float64Array;
  readonly drift: Float64Array;
  readonly lyapunov: Float64Array;
  readonly lyapunovNext: Float64Array;
  readonly backlog: Float64Array;
  readonly gatewayViolations: Float64Array;
  readonly apViolations: Float64Array;
  readonly energyExcess: Float64Array;
  /** n x J, env-major. */
  readonly reputation: Float64Array;
  /** The masks `_latency` ... `_reputation`, in the order of the keys above. */
  readonly masks: Uint8Array[];
}

const MASKED_KEYS = 16;

/** Zeroed step arrays for `n` envs and `J` APs, carved from `pool`. */
export function createStepArrays(n: number, J: number, pool: ArrayPool): StepArrays {
  const f = () => pool.float64(n);
  return {
    rewards: f(),
    terminated: pool.uint8(n),
    truncated: pool.uint8(n),
    slot: f(),
    slotMask: pool.uint8(n),
    stepped: pool.uint8(n),
    latency: f(),
    chargedLatency: f(),
    inferenceLatency: f(),
    blockTime: f(),
    latencyCapped: pool.uint8(n),
    winner: f(),
    psi: f(),
    penalty: f(),
    drift: f(),
    lyapunov: f(),
    lyapunovNext: f(),
    backlog: f(),
    gatewayViolations: f(),
    apViolations: f(),
    energyExcess: f(),
    reputation: pool.float64(n * J),
    masks: Array.from({ length: MASKED_KEYS }, () => pool.uint8(n)),
  };
}

/** The vector infos of `a` (Gymnasium's layout: per key an array over envs and a mask `_key`). */
export function stepInfos(a: StepArrays, anyStepped: boolean): Info {
  if (!anyStepped) return { slot: a.slot, _slot: a.slotMask }; // as Gymnasium: a key appears once some env sets it
  const m = a.masks;
  // one literal, not a loop of computed keys: the object gets its shape in one allocation
  return {
    slot: a.slot,
    _slot: a.slotMask,
    latency: a.latency,
    _latency: m[0],
    chargedLatency: a.chargedLatency,
    _chargedLatency: m[1],
    inferenceLatency: a.inferenceLatency,
    _inferenceLatency: m[2],
    blockTime: a.blockTime,
    _blockTime: m[3],
    latencyCapped: a.latencyCapped,
    _latencyCapped: m[4],
    winner: a.winner,
    _winner: m[5],
    psi: a.psi,
    _psi: m[6],
    penalty: a.penalty,
    _penalty: m[7],
    drift: a.drift,
    _drift: m[8],
    lyapunov: a.lyapunov,
    _lyapunov: m[9],
    lyapunovNext: a.lyapunovNext,
    _lyapunovNext: m[10],
    backlog: a.backlog,
    _backlog: m[11],
    gatewayViolations: a.gatewayViolations,
    _gatewayViolations: m[12],
    apViolations: a.apViolations,
    _apViolations: m[13],
    energyExcess: a.energyExcess,
    _energyExcess: m[14],
    reputation: a.reputation,
    _reputation: m[15],
  };
}

/** Writes into `a` env `i`'s summary info terms of the step `simulation` just evaluated (every term in `out`). */
export function writeInfo(a: StepArrays, i: number, simulation: BdtSimulation, out: SlotOutcome): void {
  a.slot[i] = simulation.slot;
  a.latency[i] = out.latency;
  a.chargedLatency[i] = simulation.chargedLatency;
  a.inferenceLatency[i] = out.inferenceLatency;
  a.blockTime[i] = out.blockTime;
  a.latencyCapped[i] = simulation.latencyCapped ? 1 : 0;
  a.winner[i] = out.winner;
  a.psi[i] = out.psi;
  a.penalty[i] = out.penalty;
  a.drift[i] = out.drift;
  a.lyapunov[i] = simulation.lyapunovBefore;
  a.lyapunovNext[i] = simulation.lyapunovAfter;
  a.backlog[i] = backlog(simulation.queues);
  a.gatewayViolations[i] = out.gatewayViolations;
  a.apViolations[i] = out.apViolations;
  a.energyExcess[i] = simulation.energyExcess;
  const J = simulation.system.J;
  const reputation = out.reputation;
  for (let j = 0; j < J; j++) a.reputation[i * J + j] = reputation[j]!;
}

/**
 * Zeroes env `i`'s step terms (it was reset, not stepped), as in fresh arrays; `truncated` is
 * 1 for a same-step reset (its episode ended on this step).
 */
export function clearEnv(a: StepArrays, i: number, J: number, truncated: boolean): void {
  if (!truncated) a.rewards[i] = 0;
  a.truncated[i] = truncated ? 1 : 0;
  a.slot[i] = 0;
  a.latency[i] = a.chargedLatency[i] = a.inferenceLatency[i] = a.blockTime[i] = a.winner[i] = a.psi[i] = 0;
  a.penalty[i] = a.drift[i] = a.lyapunov[i] = a.lyapunovNext[i] = a.backlog[i] = 0;
  a.gatewayViolations[i] = a.apViolations[i] = a.energyExcess[i] = a.latencyCapped[i] = 0;
  for (let j = 0; j < J; j++) a.reputation[i * J + j] = 0;
}
