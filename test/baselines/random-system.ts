/**
 * Random compiled B-DT systems and slots with the magnitudes of the shipped scenarios (GHz clocks,
 * 10^8-10^9 FLOP DNNs, Mbit activations, J budgets), for solver tests that should not depend on
 * one scenario file.
 */
import type { BdtSystem, SlotState } from '../../env/bdt/system.ts';
import type { VirtualQueues } from '../../env/bdt/queues.ts';
import type { Rng } from '../../env/core/rng.ts';

export interface RandomSystemSize {
  N: number;
  M: number;
  J: number;
  /** Units per DNN: L_n drawn uniformly in [minUnits, maxUnits]. */
  minUnits: number;
  maxUnits: number;
}

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();

export function randomSystem(rng: Rng, size: RandomSystemSize, overrides: Partial<BdtSystem> = {}): BdtSystem {
  const { N, M, J } = size;
  const gatewayOf = Int32Array.from({ length: N }, (_, n) => (n < M ? n : Math.floor(rng() * M)));
  const apOf = Int32Array.from({ length: M }, (_, m) => (m < J ? m : Math.floor(rng() * J)));
  const unitCount = Int32Array.from({ length: N }, () => size.minUnits + Math.floor(rng() * (size.maxUnits - size.minUnits + 1)));
  const unitOffset = new Int32Array(N + 1);
  for (let n = 0; n < N; n++) unitOffset[n + 1] = unitOffset[n]! + unitCount[n]! + 1;
  const cumFlops = new Float64Array(unitOffset[N]!);
  const outputBits = new Float64Array(unitOffset[N]!);
  for (let n = 0; n < N; n++) {
    const base = unitOffset[n]!;
    outputBits[base] = 224 * 224 * 3 * 32;
    for (let l = 1; l <= unitCount[n]!; l++) {
      cumFlops[base + l] = cumFlops[base + l - 1]! + uniform(rng, 2e7, 3e8);
      outputBits[base + l] = outputBits[base]! * uniform(rng, 0.05, 1.5) * (l === unitCount[n]! ? 0.001 : 1);
    }
  }
  return {
    N,
    M,
    J,
    gatewayOf,
    apOf,
    unitCount,
    unitOffset,
    cumFlops,
    outputBits,
    gatewayFreq: Float64Array.from({ length: M }, () => uniform(rng, 0.8e9, 1.5e9)),
    gatewayFlopsPerCycle: Float64Array.from({ length: M }, () => 4),
    gatewayKappa: Float64Array.from({ length: M }, () => 1e-28),
    txPower: Float64Array.from({ length: M }, () => uniform(rng, 0.2, 0.5)),
    bandwidth: Float64Array.from({ length: M }, () => 10e6),
    meanGain: Float64Array.from({ length: M }, () => 1e-10),
    noisePsd: 10 ** (-174 / 10) * 1e-3,
    apMaxFreq: Float64Array.from({ length: J }, () => uniform(rng, 3e9, 6e9)),
    apFlopsPerCycle: Float64Array.from({ length: J }, () => 8),
    apKappa: Float64Array.from({ length: J }, () => 1e-28),
    reputation: { kind: 'exponential', scale: 2e9 },
    alpha: 2,
    beta: 0.5,
    puzzleCycles: 1e9,
    mechanism: 'reputation',
    blockTime: 'expected',
    V: 10,
    uMin: 0.3,
    uMax: 0.7,
    ...overrides,
  };
}

export function randomSlot(rng: Rng, system: BdtSystem): SlotState {
  const poisson = (mean: number) => {
    let k = 0;
    let p = Math.exp(-mean);
    let s = p;
    const u = rng();
    while (u > s && k < 100) {
      k++;
      p *= mean / k;
      s += p;
    }
    return k;
  };
  return {
    arrivals: Float64Array.from({ length: system.N }, () => poisson(3)),
    gain: Float64Array.from({ length: system.M }, (_, m) => system.meanGain[m]! * -Math.log(1 - rng())),
    gatewayBudget: Float64Array.from({ length: system.M }, () => uniform(rng, 0.2, 2)),
    apBudget: Float64Array.from({ length: system.J }, () => uniform(rng, 0.2, 1.5)),
    raceDraw: rng(),
    winnerDraw: rng(),
  };
}

export function randomQueues(rng: Rng, system: BdtSystem, scale: number): VirtualQueues {
  return {
    H: Float64Array.from({ length: system.J }, () => (rng() < 0.5 ? 0 : scale * rng())),
    G: Float64Array.from({ length: system.J }, () => (rng() < 0.5 ? 0 : scale * rng())),
  };
}
