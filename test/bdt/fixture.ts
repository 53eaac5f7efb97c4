/**
 * A hand-sized B-DT system for equation tests: 3 devices, 2 gateways, 2 APs.
 * Device 0, 1 -> gateway 0 -> AP 0; device 2 -> gateway 1 -> AP 1.
 * DNN of devices 0 and 2: 2 units, chi = [100, 300] FLOPs, s = [800 (input), 400, 80] bits.
 * DNN of device 1: 3 units, chi = [50, 50, 100], s = [1000, 500, 200, 40].
 */
import type { BdtSystem, SlotState } from '../../env/bdt/system.ts';

export function fixtureSystem(overrides: Partial<BdtSystem> = {}): BdtSystem {
  return {
    N: 3,
    M: 2,
    J: 2,
    gatewayOf: Int32Array.of(0, 0, 1),
    apOf: Int32Array.of(0, 1),
    unitCount: Int32Array.of(2, 3, 2),
    unitOffset: Int32Array.of(0, 3, 7, 10),
    cumFlops: Float64Array.of(0, 100, 400, 0, 50, 100, 200, 0, 100, 400),
    outputBits: Float64Array.of(800, 400, 80, 1000, 500, 200, 40, 800, 400, 80),
    gatewayFreq: Float64Array.of(100, 200),
    gatewayFlopsPerCycle: Float64Array.of(2, 1),
    gatewayKappa: Float64Array.of(1e-6, 2e-6),
    txPower: Float64Array.of(0.5, 1),
    bandwidth: Float64Array.of(1000, 2000),
    meanGain: Float64Array.of(1, 1),
    noisePsd: 0.001,
    apMaxFreq: Float64Array.of(1000, 500),
    apFlopsPerCycle: Float64Array.of(4, 2),
    apKappa: Float64Array.of(1e-9, 2e-9),
    reputation: { kind: 'exponential', scale: 1000 },
    alpha: 2,
    beta: 0.5,
    puzzleCycles: 1000,
    mechanism: 'reputation',
    blockTime: 'expected',
    V: 10,
    uMin: 0.2,
    uMax: 0.8,
    ...overrides,
  };
}

export function fixtureState(): SlotState {
  return {
    arrivals: Float64Array.of(2, 1, 3),
    // gain chosen so p g / (N0 B) = 1 on gateway 0 (rate = B) and 3 on gateway 1 (rate = 2 B)
    gain: Float64Array.of(2, 6),
    gatewayBudget: Float64Array.of(1, 1),
    apBudget: Float64Array.of(1, 1),
    raceDraw: 0.5,
    winnerDraw: 0.25,
  };
}
