/**
 * The mixed action space of the B-DT env and its mapping to physical decisions:
 * `Dict{partition: MultiDiscrete(L_n), inferenceShare: Box[0,1]^M, miningShare: Box[0,1]^J}`.
 * partition k -> l_n = k + 1 (C1); f_m^A = share_m f_j^max with each AP's shares scaled down
 * to sum to 1 when they sum above 1 (C2); f_j^bloc = share_j f_j^max (C3).
 */
import { Box } from '../spaces/box.ts';
import { Dict } from '../spaces/dict.ts';
import { MultiDiscrete } from '../spaces/multi-discrete.ts';
import type { Space } from '../spaces/space.ts';
import type { BdtSystem, Decision } from './system.ts';
import { explainDecision } from './decision.ts';
import { InvalidArgumentError } from '../core/errors.ts';

/**
 * The parts of the B-DT env's Dict action space: cast `env.actionSpace as Dict<BdtActionSpaces>` to
 * reach them.
 */
export type BdtActionSpaces = {
  /** Partition level per device n, k in [0, L_n) meaning l_n = k + 1 (C1). */
  partition: MultiDiscrete;
  /**
   * Share in [0, 1] of its AP's f_j^max per gateway's inference (length M; scaled down to sum to 1
   * per AP, C2).
   */
  inferenceShare: Box<Float64Array>;
  /** Share in [0, 1] of f_j^max per AP for mining (length J, C3). */
  miningShare: Box<Float64Array>;
};

/** One action (see the module comment). */
export interface BdtAction {
  /** Partition level per device, `k` meaning l_n = k + 1 (length N). */
  partition: Int32Array;
  /** Inference share per gateway, in [0, 1] (length M). */
  inferenceShare: Float64Array;
  /** Mining share per AP, in [0, 1] (length J). */
  miningShare: Float64Array;
}

/** The B-DT action space of `system`: `Dict{partition: MultiDiscrete(L_n), inferenceShare: Box[0,1]^M, miningShare: Box[0,1]^J}`. */
export function actionSpace(system: BdtSystem): Dict<BdtActionSpaces> {
  return new Dict({
    partition: new MultiDiscrete(system.unitCount),
    inferenceShare: new Box<Float64Array>(0, 1, { shape: [system.M], dtype: 'float64' }),
    miningShare: new Box<Float64Array>(0, 1, { shape: [system.J], dtype: 'float64' }),
  });
}

/**
 * Physical decision of a valid `action`, written into `out`. `shareSum` (length J) is scratch
 * space for the per-AP share sums. With `env`, `action` is a batch (see `isValidActionBatch`)
 * and env `env`'s action is decoded.
 */
export function decodeAction(system: BdtSystem, action: BdtAction, out: Decision, shareSum: Float64Array, env = 0): Decision {
  const { N, M, J, apOf, apMaxFreq } = system;
  const { partition, inferenceShare, miningShare } = action;
  const { partition: outPartition, inferenceFreq, miningFreq } = out;
  const atN = env * N;
  const atM = env * M;
  const atJ = env * J;
  for (let n = 0; n < N; n++) outPartition[n] = partition[atN + n]! + 1;
  for (let j = 0; j < J; j++) shareSum[j] = 0; // not fill(): a builtin call costs more for short arrays
  for (let m = 0; m < M; m++) shareSum[apOf[m]!]! += inferenceShare[atM + m]!;
  inferenceFrequencies(system, inferenceShare, atM, shareSum, inferenceFreq);
  for (let j = 0; j < J; j++) miningFreq[j] = miningShare[atJ + j]! * apMaxFreq[j]!;
  return out;
}

/**
 * C2: f_m^A = share_m f_j^max, each AP's shares scaled to sum 1 when above 1, from the shares at
 * `inferenceShare[at ..]` and each AP's share sum in `shareSum`; written into `out` (length M).
 */
function inferenceFrequencies(system: BdtSystem, inferenceShare: Float64Array, at: number, shareSum: Float64Array, out: Float64Array): void {
  const { M, apOf, apMaxFreq } = system;
  for (let m = 0; m < M; m++) {
    const j = apOf[m]!;
    const sum = shareSum[j]!;
    const share = sum > 1 ? inferenceShare[at + m]! / sum : inferenceShare[at + m]!;
    out[m] = share * apMaxFreq[j]!;
  }
}

const hasOwnProperty = Object.prototype.hasOwnProperty;

/**
 * Whether `x` is a non-array object whose own enumerable keys are exactly the action's three, as
 * the Dict space's `contains` asks (an inherited key is not the action's; an extra one is refused).
 */
function hasActionKeys(x: unknown): x is object {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  let keys = 0;
  for (const key in x) {
    if (key === 'partition' || key === 'inferenceShare' || key === 'miningShare') keys++;
    else if (hasOwnProperty.call(x, key)) return false; // an extra key (an inherited one is not the action's)
  }
  if (keys !== 3) return false;
  // for...in lists inherited keys too; a plain object's listed action keys are its own (unless
  // Object.prototype itself had enumerable keys of these names), and the own-key tests cost 2%
  if (Object.getPrototypeOf(x) === Object.prototype) return true;
  return hasOwnProperty.call(x, 'partition') && hasOwnProperty.call(x, 'inferenceShare') && hasOwnProperty.call(x, 'miningShare');
}

/**
 * {@link decodeAction} and {@link isValidAction} in one pass over the action (the env's step):
 * writes the decision of `action` into `out` and returns true when `action` is in the action
 * space; returns false, with `out` partly written, when it is not.
 */
export function decodeIfValid(system: BdtSystem, action: unknown, out: Decision, shareSum: Float64Array): action is BdtAction {
  if (!hasActionKeys(action)) return false;
  const { partition, inferenceShare, miningShare } = action as Partial<BdtAction>;
  const { N, M, J, unitCount, apOf, apMaxFreq } = system;
  if (!(partition instanceof Int32Array) || partition.length !== N) return false;
  if (!(inferenceShare instanceof Float64Array) || inferenceShare.length !== M) return false;
  if (!(miningShare instanceof Float64Array) || miningShare.length !== J) return false;
  const { partition: outPartition, inferenceFreq, miningFreq } = out;
  for (let n = 0; n < N; n++) {
    const k = partition[n]!;
    if (k < 0 || k >= unitCount[n]!) return false;
    outPartition[n] = k + 1;
  }
  for (let j = 0; j < J; j++) {
    const s = miningShare[j]!;
    if (!(s >= 0 && s <= 1)) return false;
    miningFreq[j] = s * apMaxFreq[j]!;
    shareSum[j] = 0;
  }
  for (let m = 0; m < M; m++) {
    const s = inferenceShare[m]!;
    if (!(s >= 0 && s <= 1)) return false;
    shareSum[apOf[m]!]! += s;
  }
  inferenceFrequencies(system, inferenceShare, 0, shareSum, inferenceFreq);
  return true;
}

/** The action that decodes to the feasible `decision`; an InvalidArgumentError naming the field and index when C1-C3 fail. */
export function encodeDecision(system: BdtSystem, decision: Decision): BdtAction {
  const reason = explainDecision(system, decision);
  if (reason !== undefined) throw new InvalidArgumentError(`encodeDecision: ${reason}`);
  const { N, M, J, apOf, apMaxFreq } = system;
  const partition = new Int32Array(N);
  for (let n = 0; n < N; n++) partition[n] = decision.partition[n]! - 1;
  const inferenceShare = new Float64Array(M);
  for (let m = 0; m < M; m++) inferenceShare[m] = Math.min(1, decision.inferenceFreq[m]! / apMaxFreq[apOf[m]!]!);
  const miningShare = new Float64Array(J);
  for (let j = 0; j < J; j++) miningShare[j] = Math.min(1, decision.miningFreq[j]! / apMaxFreq[j]!);
  return { partition, inferenceShare, miningShare };
}

/**
 * Whether `action` is in the action space: the same answer as `actionSpace(system).contains`,
 * without allocating (the per-step check). Use the space's `explain` for the reason.
 */
export function isValidAction(system: BdtSystem, action: unknown): action is BdtAction {
  return isValidActionBatch(system, action, 1);
}

/**
 * Why a batch that `isValidActionBatch` refuses is not one, naming the env when its layout is
 * right (`env 1: key "miningShare": element [1] = 2 is outside [0, 1]`), which the batched
 * space's flat index (`element [3] (= [1, 1])`) leaves to the reader; `single` is one env's
 * action space.
 */
export function explainActionBatch(system: BdtSystem, single: Space<BdtAction>, batched: Space<BdtAction>, actions: unknown, numEnvs: number): string {
  const whole = batched.explain(actions) ?? 'not contained';
  const { partition, inferenceShare, miningShare } = (typeof actions === 'object' && actions !== null ? actions : {}) as Partial<BdtAction>;
  const { N, M, J } = system;
  const laidOut = partition instanceof Int32Array && partition.length === numEnvs * N && inferenceShare instanceof Float64Array && inferenceShare.length === numEnvs * M && miningShare instanceof Float64Array && miningShare.length === numEnvs * J;
  if (!laidOut || Object.keys(actions as object).length !== 3) return whole;
  for (let i = 0; i < numEnvs; i++) {
    const row = { partition: partition.subarray(i * N, (i + 1) * N), inferenceShare: inferenceShare.subarray(i * M, (i + 1) * M), miningShare: miningShare.subarray(i * J, (i + 1) * J) };
    const why = single.explain(row);
    if (why !== undefined) return `env ${i}: ${why}`;
  }
  return whole;
}

/**
 * Whether `actions` is a batch of `numEnvs` valid actions, laid out as `batchSpace` lays out the
 * action space: `partition` an Int32Array of numEnvs * N, the shares Float64Arrays of
 * numEnvs * M and numEnvs * J, env-major. Allocation-free; use the batched space's `explain`
 * for the reason.
 */
export function isValidActionBatch(system: BdtSystem, actions: unknown, numEnvs: number): actions is BdtAction {
  if (!hasActionKeys(actions)) return false;
  const { partition, inferenceShare, miningShare } = actions as Partial<BdtAction>;
  const { N, M, J, unitCount } = system;
  if (!(partition instanceof Int32Array) || partition.length !== numEnvs * N) return false;
  if (!(inferenceShare instanceof Float64Array) || inferenceShare.length !== numEnvs * M) return false;
  if (!(miningShare instanceof Float64Array) || miningShare.length !== numEnvs * J) return false;
  for (let at = 0; at < numEnvs * N; at += N) {
    for (let n = 0; n < N; n++) {
      const k = partition[at + n]!;
      if (k < 0 || k >= unitCount[n]!) return false;
    }
  }
  for (let i = 0; i < numEnvs * M; i++) {
    const s = inferenceShare[i]!;
    if (!(s >= 0 && s <= 1)) return false;
  }
  for (let i = 0; i < numEnvs * J; i++) {
    const s = miningShare[i]!;
    if (!(s >= 0 && s <= 1)) return false;
  }
  return true;
}
