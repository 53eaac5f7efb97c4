/**
 * Simple per-slot policies for the calibration test (deliberately independent of baselines/):
 * AP frequencies by deadline equalisation at full speed, partitions by coordinate descent on
 * tau (latency-greedy, queues ignored) or on Psi (drift-plus-penalty). Energy budgets ignored.
 */
import {
  createSlotOutcome,
  evaluateSlot,
  gatewaySide,
  type BdtSystem,
  type Decision,
  type SlotOutcome,
  type SlotState,
  type VirtualQueues,
} from '../../env/index.ts';

/**
 * Full mining speed, and each AP's cycles split over its gateways so their path latencies
 * c_m + W_m / (phi f_m) are equal (the min-max split), found by bisection on the deadline.
 */
function allocateFullSpeed(system: BdtSystem, state: SlotState, decision: Decision, scratch: SlotOutcome): void {
  gatewaySide(system, state, decision.partition, scratch);
  decision.miningFreq.set(system.apMaxFreq);
  for (let j = 0; j < system.J; j++) {
    const phi = system.apFlopsPerCycle[j]!;
    const needed = (deadline: number) => {
      let sum = 0;
      for (let m = 0; m < system.M; m++) {
        if (system.apOf[m] !== j || scratch.offloadWork[m]! <= 0) continue;
        const slack = deadline - scratch.gatewaySideLatency[m]!;
        if (slack <= 0) return Infinity;
        sum += scratch.offloadWork[m]! / (phi * slack);
      }
      return sum;
    };
    let lo = 0;
    let hi = 1;
    for (let m = 0; m < system.M; m++) if (system.apOf[m] === j) lo = Math.max(lo, scratch.gatewaySideLatency[m]!);
    hi = lo + 1;
    while (needed(hi) > system.apMaxFreq[j]!) hi = lo + 2 * (hi - lo);
    for (let k = 0; k < 60; k++) {
      const mid = (lo + hi) / 2;
      if (needed(mid) > system.apMaxFreq[j]!) lo = mid;
      else hi = mid;
    }
    for (let m = 0; m < system.M; m++) {
      if (system.apOf[m] !== j) continue;
      const work = scratch.offloadWork[m]!;
      decision.inferenceFreq[m] = work > 0 ? work / (phi * (hi - scratch.gatewaySideLatency[m]!)) : 0;
    }
  }
}

export type Objective = 'latency' | 'dpp';

/** Coordinate descent over partitions from the better of all-local and all-offloaded. */
export class CoordinateDescentPolicy {
  private readonly system: BdtSystem;
  private readonly objective: Objective;
  private readonly sweeps: number;
  private readonly scratch: SlotOutcome;
  private readonly trial: SlotOutcome;

  constructor(
    system: BdtSystem,
    objective: Objective,
    sweeps = 2,
  ) {
    this.system = system;
    this.objective = objective;
    this.sweeps = sweeps;
    this.scratch = createSlotOutcome(system);
    this.trial = createSlotOutcome(system);
  }

  /** The value of `decision` (after allocation) under the objective. */
  value(state: SlotState, decision: Decision, queues: VirtualQueues): number {
    allocateFullSpeed(this.system, state, decision, this.scratch);
    evaluateSlot(this.system, state, decision, queues, this.trial);
    return this.objective === 'latency' ? this.trial.latency : this.trial.psi;
  }

  decide(state: SlotState, queues: VirtualQueues, decision: Decision): void {
    const { N, unitCount } = this.system;
    decision.partition.set(unitCount);
    const local = this.value(state, decision, queues);
    decision.partition.fill(1);
    const offloaded = this.value(state, decision, queues);
    if (local < offloaded) decision.partition.set(unitCount);
    let best = Math.min(local, offloaded);
    for (let sweep = 0; sweep < this.sweeps; sweep++) {
      for (let n = 0; n < N; n++) {
        const current = decision.partition[n]!;
        let bestL = current;
        for (let l = 1; l <= unitCount[n]!; l++) {
          if (l === current) continue;
          decision.partition[n] = l;
          const v = this.value(state, decision, queues);
          if (v < best) {
            best = v;
            bestL = l;
          }
        }
        decision.partition[n] = bestL;
      }
    }
    this.value(state, decision, queues);
  }
}

/** All-local (l_n = L_n) or all-offloaded (l_n = 1) with the full-speed allocation. */
export function fixedPolicy(system: BdtSystem, which: 'local' | 'offloaded') {
  const scratch = createSlotOutcome(system);
  return (state: SlotState, _queues: VirtualQueues, decision: Decision) => {
    if (which === 'local') decision.partition.set(system.unitCount);
    else decision.partition.fill(1);
    allocateFullSpeed(system, state, decision, scratch);
  };
}
