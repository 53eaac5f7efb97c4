/**
 * The observation of the B-DT env: a Dict of float32 Boxes, and the code that fills one from
 * the env's state. Scales are chosen so every entry is O(1)-O(100) without normalisation
 * wrappers, and bounds are finite wherever the quantity is bounded over an episode.
 */
import { assertNever } from '../core/errors.ts';
import { Box } from '../spaces/box.ts';
import { Dict } from '../spaces/dict.ts';
import type { CompiledScenario, PerNodeProcess } from './scenario/compile.ts';
import type { SlotState } from './system.ts';
import type { VirtualQueues } from './queues.ts';
import type { ArrayPool } from './array-pool.ts';
import { maxArrivals } from './arrivals.ts';
import type { ExogenousTrace } from './exogenous.ts';

/** Spaces of the observation Dict, in key order. */
export type BdtObservationSpaces = {
  H: Box<Float32Array>;
  G: Box<Float32Array>;
  gain: Box<Float32Array>;
  arrivals: Box<Float32Array>;
  gatewayBudget: Box<Float32Array>;
  apBudget: Box<Float32Array>;
  reputation: Box<Float32Array>;
  progress: Box<Float32Array>;
};

/** One observation (see {@link observationSpace} for each key's meaning and scale). */
export interface BdtObservation {
  H: Float32Array;
  G: Float32Array;
  gain: Float32Array;
  arrivals: Float32Array;
  gatewayBudget: Float32Array;
  apBudget: Float32Array;
  reputation: Float32Array;
  progress: Float32Array;
}

function budgetBounds(process: PerNodeProcess): [Float64Array, Float64Array] {
  switch (process.kind) {
    case 'constant':
      return [process.value, process.value];
    case 'uniform':
      return [process.min, process.max];
    default:
      return assertNever(process, 'observationSpace: budget kind');
  }
}

/**
 * The observation space:
 * - `H`, `G` (J): virtual queues before the slot's update; each grows by at most
 *   1 - U^max (resp. U^min) per slot, so they lie in [0, T (1 - U^max)] and [0, T U^min] (plus
 *   a slack for the float64 sum's rounding, which only millions of slots make visible in float32).
 * - `gain` (M): received uplink SNR p_m g_m(t) / (N0 B_m) in dB (unbounded: Rayleigh fades
 *   have no floor).
 * - `arrivals` (N): D_n(t) in data points, up to `maxArrivals` (finite except for Poisson
 *   rates above 1000).
 * - `gatewayBudget` (M), `apBudget` (J): E(t) in J, within the budget process's range.
 * - `reputation` (J): last slot's U_j in [0, 1] (0 at reset).
 * - `progress` (1): t / T in [0, 1].
 */
export function observationSpace(system: CompiledScenario): Dict<BdtObservationSpaces> {
  const { N, M, J, slots } = system;
  const f32 = { dtype: 'float32' } as const;
  const [gLow, gHigh] = budgetBounds(system.exogenous.gatewayBudget);
  const [aLow, aHigh] = budgetBounds(system.exogenous.apBudget);
  return new Dict({
    H: new Box(0, queueBound(slots, Math.max(1 - system.uMax, 0)), { ...f32, shape: [J] }),
    G: new Box(0, queueBound(slots, system.uMin), { ...f32, shape: [J] }),
    gain: new Box(-Infinity, Infinity, { ...f32, shape: [M] }),
    arrivals: new Box(0, maxArrivals(system.exogenous.arrivals, N), { ...f32, shape: [N] }),
    gatewayBudget: new Box(gLow, gHigh, { ...f32, shape: [M] }),
    apBudget: new Box(aLow, aHigh, { ...f32, shape: [J] }),
    reputation: new Box(0, 1, { ...f32, shape: [J] }),
    progress: new Box(0, 1, { ...f32, shape: [1] }),
  });
}

/**
 * The most a virtual queue reaches in `slots` slots that add at most `perSlot` each: `slots *
 * perSlot`, plus the rounding of the running float64 sum (two roundings per slot, each within
 * EPSILON (queue + 1) / 2), which over millions of slots can pass the product by a float32 ulp.
 * 0 stays 0: a queue that gains nothing per slot stays exactly 0.
 */
function queueBound(slots: number, perSlot: number): number {
  const bound = slots * perSlot;
  return bound === 0 ? 0 : bound + slots * Number.EPSILON * (bound + 1) * 1.01;
}

/** An observation with zeroed arrays sized for `system`, allocated from `pool` when given. */
export function createObservation(system: CompiledScenario, pool?: ArrayPool): BdtObservation {
  const { N, M, J } = system;
  // one reservation for all eight arrays: a pool call per array cost more than the views
  const at = pool === undefined ? -1 : pool.reserveFloat32(4 * J + 2 * M + N + 1);
  if (pool === undefined || at < 0) {
    // no pool, or too many values for one reservation (thousands of devices): the pool still
    // carves the arrays that fit it
    const array = (length: number) => (pool === undefined ? new Float32Array(length) : pool.float32(length));
    return { H: array(J), G: array(J), gain: array(M), arrivals: array(N), gatewayBudget: array(M), apBudget: array(J), reputation: array(J), progress: array(1) };
  }
  const buffer = pool.buffer;
  // byte offsets, in key order
  const G = at + 4 * J;
  const gain = G + 4 * J;
  const arrivals = gain + 4 * M;
  const gatewayBudget = arrivals + 4 * N;
  const apBudget = gatewayBudget + 4 * M;
  const reputation = apBudget + 4 * J;
  const progress = reputation + 4 * J;
  return {
    H: new Float32Array(buffer, at, J),
    G: new Float32Array(buffer, G, J),
    gain: new Float32Array(buffer, gain, M),
    arrivals: new Float32Array(buffer, arrivals, N),
    gatewayBudget: new Float32Array(buffer, gatewayBudget, M),
    apBudget: new Float32Array(buffer, apBudget, J),
    reputation: new Float32Array(buffer, reputation, J),
    progress: new Float32Array(buffer, progress, 1),
  };
}

/**
 * Writes the observation of the state into `out`. `snrPerGain[m]` = p_m / (N0 B_m), so the
 * received SNR is snrPerGain[m] g_m(t).
 */
export function observeInto(
  system: CompiledScenario,
  snrPerGain: Float64Array,
  state: SlotState,
  queues: VirtualQueues,
  lastReputation: Float64Array,
  slot: number,
  out: BdtObservation,
): BdtObservation {
  const { N, M, J } = system;
  const { gain, gatewayBudget, arrivals, apBudget } = state;
  const { H, G } = queues;
  const outGain = out.gain;
  const outGatewayBudget = out.gatewayBudget;
  for (let m = 0; m < M; m++) {
    outGain[m] = 10 * Math.log10(snrPerGain[m]! * gain[m]!);
    outGatewayBudget[m] = gatewayBudget[m]!;
  }
  const outArrivals = out.arrivals;
  for (let n = 0; n < N; n++) outArrivals[n] = arrivals[n]!;
  const { H: outH, G: outG, apBudget: outApBudget, reputation: outReputation } = out;
  for (let j = 0; j < J; j++) {
    outH[j] = H[j]!;
    outG[j] = G[j]!;
    outApBudget[j] = apBudget[j]!;
    outReputation[j] = lastReputation[j]!;
  }
  out.progress[0] = slot / system.slots;
  return out;
}

/**
 * Where replaying `trace` (valid for `system`) would observe arrivals or budgets outside
 * {@link observationSpace}: the first such value and how many there are, or `undefined`. A trace
 * edited by hand (a staged burst) can hold counts the scenario's arrival model never draws.
 */
export function explainTraceBeyondSpace(trace: ExogenousTrace, system: CompiledScenario): string | undefined {
  const { N, M, J } = system;
  const arrivalsHigh = maxArrivals(system.exogenous.arrivals, N);
  const [gLow, gHigh] = budgetBounds(system.exogenous.gatewayBudget);
  const [aLow, aHigh] = budgetBounds(system.exogenous.apBudget);
  const keys = [
    { key: 'arrivals', node: 'device', size: N, low: new Float64Array(N), high: arrivalsHigh, bound: "the scenario's arrival model" },
    { key: 'gatewayBudget', node: 'gateway', size: M, low: gLow, high: gHigh, bound: "the scenario's gateway budget process" },
    { key: 'apBudget', node: 'AP', size: J, low: aLow, high: aHigh, bound: "the scenario's AP budget process" },
  ] as const;
  let first: string | undefined;
  let count = 0;
  for (const { key, node, size, low, high, bound } of keys) {
    const values = trace[key];
    // the slot states an episode observes: T + 1 (a longer trace's rest is never read)
    const observed = Math.min(values.length, (system.slots + 1) * size);
    for (let i = 0; i < observed; i++) {
      // compared as the float32 observation and the float32 Box hold them
      const x = Math.fround(values[i]!);
      const k = i % size;
      if (x >= Math.fround(low[k]!) && x <= Math.fround(high[k]!)) continue;
      count++;
      first ??= `trace.${key} at slot ${Math.floor(i / size)}, ${node} ${k}, is ${values[i]}, outside [${low[k]}, ${high[k]}] of ${bound}`;
    }
  }
  return first === undefined ? undefined : `${first}${count > 1 ? ` (${count - 1} more such values)` : ''}`;
}

/** p_m / (N0 B_m) per gateway: SNR per unit of channel gain. */
export function snrPerGain(system: CompiledScenario): Float64Array {
  return Float64Array.from({ length: system.M }, (_, m) => system.txPower[m]! / (system.noisePsd * system.bandwidth[m]!));
}
