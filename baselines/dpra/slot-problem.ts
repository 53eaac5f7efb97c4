/**
 * One slot's DPRA problem as a function of the partition alone: for a partition l, Psi(l) =
 * V (tau^inf + tau^bloc)* + sum_j [H_j (U_j - U^max) + G_j (U^min - U_j)], with the AP
 * frequencies optimised by {@link ResourceAllocator}. Built for partition search: changing one
 * device's l_n re-derives only its gateway and its AP (O(devices on that gateway) + one
 * continuous solve), never the whole system.
 *
 * Every model term comes from env/bdt's own functions (computeTime, uplinkRate, transmitTime,
 * computeEnergy, transmitEnergy, reputationOf, difficulty, miningRate, driftTerm) applied to the
 * per-gateway sums exactly as `gatewaySide` does; a test checks the two agree.
 */
import type { BdtSystem, SlotState } from '../../env/bdt/system.ts';
import type { VirtualQueues } from '../../env/bdt/queues.ts';
import { driftTerm } from '../../env/bdt/queues.ts';
import { computeTime, transmitTime, uplinkRate } from '../../env/bdt/latency.ts';
import { computeEnergy, transmitEnergy } from '../../env/bdt/energy.ts';
import { reputationOf } from '../../env/bdt/reputation.ts';
import { difficulty, miningRate } from '../../env/bdt/consensus.ts';
import { ResourceAllocator, type Allocation, type AllocationInput } from './resource-allocation.ts';

/** AP budget (J) standing in for "no limit" where C5 cannot be met and is relaxed. */
const RELAXED_BUDGET = 1e100; // large enough that no budget binds, small enough that budget / kappa stays finite

/** What makes a slot infeasible, and how the solver relaxed it (updated in place each slot: copy to keep). */
export interface SlotFeasibility {
  /** Gateways where no partition meets C4; their DTs are pinned to the least-energy cut. */
  readonly gatewaysOverBudget: number[];
  /** Least total C4 excess over those gateways (J). */
  gatewayExcess: number;
  /**
   * True when no partition meets C5 with a finite latency, so the budgets of the APs without energy
   * were ignored (every AP's when none has any).
   */
  apBudgetsRelaxed: boolean;
}

/**
 * One slot's DPRA problem as a function of the partition alone, Psi(l), with the AP frequencies
 * optimised for it; changing one device's l_n re-derives only its gateway and AP, for partition
 * search.
 */
export class SlotProblem {
  readonly system: BdtSystem;
  /** Current partition l_n in [1, L_n]. */
  readonly partition: Int32Array;
  /** Devices whose cut is fixed by the least-violation rule for C4 (1 = pinned). */
  readonly pinned: Uint8Array;
  private readonly allocator: ResourceAllocator;
  /** Devices of gateway m: devices[deviceStart[m] .. deviceStart[m + 1]). */
  private readonly deviceStart: Int32Array;
  private readonly devices: Int32Array;
  /** Gateways of AP j: gateways[gatewayStart[j] .. gatewayStart[j + 1]). */
  private readonly gatewayStart: Int32Array;
  private readonly gateways: Int32Array;
  // per gateway
  private readonly rate: Float64Array;
  private readonly gatewayLatency: Float64Array;
  private readonly apCycles: Float64Array;
  private readonly offloadWork: Float64Array;
  private readonly gatewayEnergy: Float64Array;
  // per AP
  private readonly blocksPerCycle: Float64Array;
  private readonly reputation: Float64Array;
  private readonly apBudget: Float64Array;
  /** APs whose budget was relaxed while another AP has energy to mine: they compute but do not mine. */
  private readonly miningBarred: Uint8Array;
  private readonly zeroQueues: VirtualQueues;
  private readonly allocationInput: AllocationInput;
  private state: SlotState | undefined;
  private queues: VirtualQueues;
  private weight = 1;
  /** Number of gateways currently breaking C4 (not counting the pinned ones). */
  private gatewaysOver = 0;
  private readonly overBudget: Uint8Array;
  private readonly forced: Uint8Array;
  /** The current slot's feasibility (one object, updated by each `load`). */
  readonly feasibility: SlotFeasibility = { gatewaysOverBudget: [], gatewayExcess: 0, apBudgetsRelaxed: false };
  /**
   * How far the partition last given to `psi` is from feasible (0 when feasible): the relative C4
   * excess summed over gateways, plus 1 + the share of offloaded cycles sent to APs without
   * energy or clock when no finite-latency allocation exists.
   */
  violation = 0;
  /** The optimal deadline T of the partition last given to `psi` (s). */
  deadline = Infinity;
  /** Number of continuous solves since the last `load` (search effort). */
  solves = 0;

  constructor(system: BdtSystem) {
    const { N, M, J, gatewayOf } = system;
    this.system = system;
    this.partition = Int32Array.from(system.unitCount);
    this.pinned = new Uint8Array(N);
    this.allocator = new ResourceAllocator(system);
    this.deviceStart = new Int32Array(M + 1);
    for (let n = 0; n < N; n++) this.deviceStart[gatewayOf[n]! + 1]!++;
    for (let m = 0; m < M; m++) this.deviceStart[m + 1]! += this.deviceStart[m]!;
    this.devices = new Int32Array(N);
    const fill = this.deviceStart.slice(0, M);
    for (let n = 0; n < N; n++) this.devices[fill[gatewayOf[n]!]!++] = n;
    this.gatewayStart = new Int32Array(J + 1);
    for (let m = 0; m < M; m++) this.gatewayStart[system.apOf[m]! + 1]!++;
    for (let j = 0; j < J; j++) this.gatewayStart[j + 1]! += this.gatewayStart[j]!;
    this.gateways = new Int32Array(M);
    const next = this.gatewayStart.slice(0, J);
    for (let m = 0; m < M; m++) this.gateways[next[system.apOf[m]!]!++] = m;
    this.rate = new Float64Array(M);
    this.gatewayLatency = new Float64Array(M);
    this.apCycles = new Float64Array(M);
    this.offloadWork = new Float64Array(M);
    this.gatewayEnergy = new Float64Array(M);
    this.overBudget = new Uint8Array(M);
    this.forced = new Uint8Array(M);
    this.blocksPerCycle = new Float64Array(J);
    this.reputation = new Float64Array(J);
    this.apBudget = new Float64Array(J);
    this.miningBarred = new Uint8Array(J);
    this.zeroQueues = { H: new Float64Array(J), G: new Float64Array(J) };
    this.allocationInput = { gatewayLatency: this.gatewayLatency, apCycles: this.apCycles, blocksPerCycle: this.blocksPerCycle, apBudget: this.apBudget };
    this.queues = this.zeroQueues;
  }

  /**
   * Prepare slot `state` with queues H(t), G(t) (`undefined`: zero queues, i.e. latency only),
   * starting from `start` (default all-local). With `pin` (default), the DTs of gateways where no
   * partition meets C4 are pinned to their least-energy cut (least violation); without it
   * (fixed-partition policies) nothing is pinned and such gateways simply break C4.
   */
  load(state: SlotState, queues: VirtualQueues | undefined, start?: ArrayLike<number>, pin = true): void {
    const { system } = this;
    this.state = state;
    this.useQueues(queues);
    this.solves = 0;
    // no deadline carried from the last solve: a slot's solution depends on its state, queues and
    // the warm-start partition given, not on what was solved before
    this.deadline = Infinity;
    for (let m = 0; m < system.M; m++) this.rate[m] = uplinkRate(system.bandwidth[m]!, system.txPower[m]!, state.gain[m]!, system.noisePsd);
    for (let j = 0; j < system.J; j++) this.apBudget[j] = state.apBudget[j]!;
    this.allocator.invalidateAll();
    this.pinned.fill(0);
    this.forced.fill(0);
    this.miningBarred.fill(0);
    const feasibility = this.feasibility;
    feasibility.gatewaysOverBudget.length = 0;
    feasibility.apBudgetsRelaxed = false;
    let excess = 0;
    // C4 least violation: gateway energy is a sum over its DTs, so the least-energy partition of
    // gateway m puts each of its DTs at its own least-energy cut. Without `pin` nothing is pinned
    // and the loop below sets every cut, so the search is skipped.
    if (pin) {
      for (let m = 0; m < system.M; m++) {
        let least = 0;
        for (let k = this.deviceStart[m]!; k < this.deviceStart[m + 1]!; k++) {
          const n = this.devices[k]!;
          const l = this.leastEnergyCut(n);
          this.partition[n] = l;
          least += this.deviceEnergy(n, l);
        }
        if (least > state.gatewayBudget[m]!) {
          this.forced[m] = 1;
          feasibility.gatewaysOverBudget.push(m);
          excess += least - state.gatewayBudget[m]!;
          for (let k = this.deviceStart[m]!; k < this.deviceStart[m + 1]!; k++) this.pinned[this.devices[k]!] = 1;
        }
      }
    }
    feasibility.gatewayExcess = excess;
    for (let n = 0; n < system.N; n++) if (!this.pinned[n]) this.partition[n] = start ? start[n]! : system.unitCount[n]!;
    this.refreshAll();
  }

  /**
   * Swap the queues of Psi (`undefined`: zero queues, the latency-only objective) without reloading
   * the slot; used by searches that first optimise latency alone. Returns the previous queues.
   */
  swapQueues(queues: VirtualQueues | undefined): VirtualQueues {
    const previous = this.queues;
    this.useQueues(queues);
    return previous;
  }

  /**
   * The weight of latency in Psi: V with queues, 1 in the latency-only objective (no queues),
   * which must rank decisions by tau even at V = 0, where V tau would tie them all.
   */
  get latencyWeight(): number {
    return this.weight;
  }

  private useQueues(queues: VirtualQueues | undefined): void {
    this.queues = queues ?? this.zeroQueues;
    this.weight = this.queues === this.zeroQueues ? 1 : this.system.V;
  }

  /**
   * Relax C5 where it cannot be met, the fallback when no partition has a finite latency: an AP
   * without energy gets an unlimited budget for the work sent to it but does not mine (the APs with
   * energy mine within their budgets); when no AP has energy, every budget is ignored, as some AP
   * must mine for a block.
   */
  relaxApBudgets(): void {
    const { J } = this.system;
    let energyLeft = false;
    for (let j = 0; j < J; j++) if (this.apBudget[j]! > 0) energyLeft = true;
    for (let j = 0; j < J; j++) {
      if (energyLeft && this.apBudget[j]! > 0) continue;
      this.apBudget[j] = RELAXED_BUDGET;
      this.feasibility.apBudgetsRelaxed = true;
      if (energyLeft) {
        this.miningBarred[j] = 1;
        this.refreshAp(j);
      }
    }
    this.allocator.invalidateAll();
  }

  /** Set the whole partition (pinned DTs keep their cut) and return Psi. */
  setPartition(partition: ArrayLike<number>): number {
    for (let n = 0; n < this.system.N; n++) if (!this.pinned[n]) this.partition[n] = partition[n]!;
    this.refreshAll();
    return this.psi();
  }

  /** Set l_n = `cut` for device n and return the new Psi. */
  setCut(n: number, cut: number): number {
    this.partition[n] = cut;
    this.refreshGateway(this.system.gatewayOf[n]!);
    this.refreshAp(this.system.apOf[this.system.gatewayOf[n]!]!);
    return this.psi();
  }

  /** Set l_n without evaluating (to undo a trial move; the next `psi` sees it). */
  restoreCut(n: number, cut: number): void {
    this.partition[n] = cut;
    this.refreshGateway(this.system.gatewayOf[n]!);
    this.refreshAp(this.system.apOf[this.system.gatewayOf[n]!]!);
  }

  /** Psi of the current partition: +Infinity when it breaks C4 or admits no finite latency. */
  psi(): number {
    const { system } = this;
    if (this.gatewaysOver > 0) {
      let excess = 0;
      for (let m = 0; m < system.M; m++) {
        if (!this.overBudget[m]) continue;
        const budget = this.state!.gatewayBudget[m]!;
        excess += (this.gatewayEnergy[m]! - budget) / Math.max(budget, Number.MIN_VALUE);
      }
      this.violation = excess;
      return Infinity;
    }
    const allocation = this.solveAllocation();
    const latency = allocation.latency;
    this.deadline = allocation.deadline;
    if (!Number.isFinite(latency)) {
      let total = 0;
      let dead = 0;
      for (let m = 0; m < system.M; m++) {
        const j = system.apOf[m]!;
        total += this.apCycles[m]!;
        if (!(this.apBudget[j]! > 0) || !(system.apMaxFreq[j]! > 0)) dead += this.apCycles[m]!;
      }
      this.violation = 1 + (total > 0 ? dead / total : 0);
      return Infinity;
    }
    this.violation = 0;
    return this.latencyWeight * latency + driftTerm(this.system, this.queues, this.reputation);
  }

  /**
   * An upper bound on Psi of the current partition, from the allocation at deadline
   * max(`deadline`, the partition's least deadline): for screening candidates. Sets `violation`
   * like {@link psi}.
   */
  psiBound(deadline: number): number {
    if (this.gatewaysOver > 0) return this.psi();
    this.solves++;
    const latency = this.allocator.boundAt(this.allocationInput, deadline);
    if (!Number.isFinite(latency)) return this.psi();
    this.violation = 0;
    return this.latencyWeight * latency + driftTerm(this.system, this.queues, this.reputation);
  }

  /** The optimal frequencies of the current partition (reused object). */
  solveAllocation(): Allocation {
    this.solves++;
    return this.allocator.solve(this.allocationInput, this.deadline);
  }

  /** Gateway energy (J) of device n alone at cut l: compute plus transmit, as gatewaySide sums it. */
  deviceEnergy(n: number, l: number): number {
    const { system } = this;
    const m = system.gatewayOf[n]!;
    const d = this.state!.arrivals[n]!;
    if (!(d > 0)) return 0;
    const base = system.unitOffset[n]!;
    const eCompute = computeEnergy(system.gatewayKappa[m]!, d * system.cumFlops[base + l]!, system.gatewayFlopsPerCycle[m]!, system.gatewayFreq[m]!);
    return eCompute + transmitEnergy(system.txPower[m]!, transmitTime(d * system.outputBits[base + l]!, this.rate[m]!));
  }

  /** The cut of device n spending the least gateway energy (first on ties). */
  private leastEnergyCut(n: number): number {
    let best = 1;
    let bestEnergy = Infinity;
    for (let l = 1; l <= this.system.unitCount[n]!; l++) {
      const e = this.deviceEnergy(n, l);
      if (e < bestEnergy) {
        bestEnergy = e;
        best = l;
      }
    }
    return best;
  }

  private refreshAll(): void {
    this.gatewaysOver = 0;
    this.overBudget.fill(0);
    for (let m = 0; m < this.system.M; m++) this.refreshGateway(m);
    for (let j = 0; j < this.system.J; j++) this.refreshAp(j);
  }

  /** Re-derive gateway m's sums, latency c_m, AP cycles w_m, energy and C4 status from its DTs. */
  private refreshGateway(m: number): void {
    const { system } = this;
    const arrivals = this.state!.arrivals;
    let head = 0;
    let tail = 0;
    let bits = 0;
    for (let k = this.deviceStart[m]!; k < this.deviceStart[m + 1]!; k++) {
      const n = this.devices[k]!;
      const d = arrivals[n]!;
      if (!(d > 0)) continue;
      const base = system.unitOffset[n]!;
      const cut = base + this.partition[n]!;
      const h = system.cumFlops[cut]!;
      head += d * h;
      tail += d * (system.cumFlops[base + system.unitCount[n]!]! - h);
      bits += d * system.outputBits[cut]!;
    }
    const j = system.apOf[m]!;
    this.allocator.invalidate(j);
    const tauTx = transmitTime(bits, this.rate[m]!);
    this.gatewayLatency[m] = computeTime(head, system.gatewayFlopsPerCycle[m]!, system.gatewayFreq[m]!) + tauTx;
    this.offloadWork[m] = tail;
    this.apCycles[m] = tail / system.apFlopsPerCycle[j]!;
    const energy =
      computeEnergy(system.gatewayKappa[m]!, head, system.gatewayFlopsPerCycle[m]!, system.gatewayFreq[m]!) + transmitEnergy(system.txPower[m]!, tauTx);
    this.gatewayEnergy[m] = energy;
    const over = !this.forced[m] && energy > this.state!.gatewayBudget[m]! ? 1 : 0;
    this.gatewaysOver += over - this.overBudget[m]!;
    this.overBudget[m] = over;
  }

  /** Re-derive O_j, U_j (eq. 1-2), gamma_j (eq. 3) and the race rate per mining cycle of AP j. */
  private refreshAp(j: number): void {
    const { system } = this;
    let offloaded = 0;
    for (let k = this.gatewayStart[j]!; k < this.gatewayStart[j + 1]!; k++) offloaded += this.offloadWork[this.gateways[k]!]!;
    const u = reputationOf(system.reputation, offloaded);
    this.reputation[j] = u;
    this.blocksPerCycle[j] = this.miningBarred[j] ? 0 : miningRate(1, difficulty(system.mechanism, system.alpha, system.beta, u), system.puzzleCycles);
  }
}
