/**
 * The per-slot DPRA solver: X(t) = argmin Psi(t) subject to C1-C5 (the letter's "one-shot static
 * optimisation" after the Lyapunov transformation), with the partition searched by
 * {@link PartitionSearch} and the frequencies by {@link ResourceAllocator}. The chosen decision is
 * finally evaluated by env/bdt's own `evaluateSlot`, so the Psi it reports is the model's, on the
 * expected block time 1/sum lambda the solver plans on: in `sampled` block-time mode the env
 * charges the drawn block time, which the solver does not read.
 *
 * Infeasible slots never throw: gateways where no partition meets C4 get their least-energy cut
 * (least violation); if no partition admits a finite latency under C5 (work that must go to an AP
 * without energy, or no AP with energy to mine) the budgets of the APs without energy are ignored,
 * and those APs do not mine (every budget when no AP has energy); both are reported in
 * {@link SlotSolution.feasibility}.
 */
import { assertNever, GymError } from '../../env/core/errors.ts';
import type { BdtSystem, Decision, SlotState } from '../../env/bdt/system.ts';
import type { VirtualQueues } from '../../env/bdt/queues.ts';
import { createDecision } from '../../env/bdt/decision.ts';
import { partitionSpaceSize } from '../../env/bdt/topology.ts';
import { createSlotOutcome, evaluateSlot, type SlotOutcome } from '../../env/bdt/slot.ts';
import { SlotProblem, type SlotFeasibility } from './slot-problem.ts';
import { FAST_DESCENT, PartitionSearch, SCREENED_DESCENT, THOROUGH_DESCENT, type DescentOptions } from './partition-search.ts';

/** How the solver treats the partition. */
export type PartitionMode =
  /** Multi-start descent (scales to BDT-large-v0). */
  | 'descent'
  /** Every partition (small scenarios only). */
  | 'exhaustive'
  /** A given partition; only the frequencies are optimised (WDPO, all-local). */
  | 'fixed';

/** Options of `DpraSolver`: how the partition is searched, and the descent's effort. */
export interface DpraSolverOptions {
  /** How the partition is chosen: multi-start `descent`, `exhaustive` search, or `fixed`. */
  partition: PartitionMode;
  /** The partition for mode `fixed` (l_n in [1, L_n], length N). */
  fixedPartition?: Int32Array;
  /** Ignore the virtual queues (Psi = tau, whatever V: the latency-greedy policy). */
  ignoreQueues?: boolean;
  /**
   * Descent preset (partition-search.ts): `thorough` (every cut exact, cold starts, joint moves),
   * `fast` (exact sweeps from the warm start, guarded by the cold points), `screened` (screened
   * sweeps from the warm start, the same guard), or
   * `auto` (default): thorough when sum_n L_n <= 64 (`THOROUGH_UNITS`), fast up to 400
   * (`FAST_UNITS`), screened above.
   */
  effort?: DescentEffort;
  /** Overrides of the preset's limits. */
  descent?: Partial<DescentOptions>;
  /** Largest partition space `exhaustive` accepts (number of partitions; default 2,000,000, `MAX_EXHAUSTIVE`). */
  maxExhaustive?: number;
}

/** One slot's solution; the object and its arrays are reused by the next `solve`. */
export interface SlotSolution {
  /** The decision X(t) (physical units). */
  readonly decision: Decision;
  /** Every term of the slot under `decision`, by env/bdt's evaluateSlot on the expected block time 1/sum lambda. */
  readonly outcome: SlotOutcome;
  /** Psi(t) of `decision` (from `outcome`). */
  psi: number;
  /** True when the decision meets C2-C5 (C1-C3 hold always), on the expected block time. */
  feasible: boolean;
  /** What was relaxed when the slot is infeasible. */
  readonly feasibility: SlotFeasibility;
  /** Continuous sub-problems solved for this slot (search effort). */
  solves: number;
}

/** Descent presets by name. */
/** The partition search presets, and `auto` (chosen by sum_n L_n). */
export const DESCENT_EFFORTS = ['auto', 'thorough', 'fast', 'screened'] as const;
/**
 * A partition descent preset: `'thorough'`, `'fast'`, `'screened'`, or `'auto'`, which picks one by
 * the DNN size sum_n L_n.
 */
export type DescentEffort = (typeof DESCENT_EFFORTS)[number];
/** Largest sum_n L_n for which `effort: 'auto'` picks the thorough descent (BDT-small-v0 has 23). */
export const THOROUGH_UNITS = 64;
/** Largest sum_n L_n for which `effort: 'auto'` picks the fast descent (BDT-v0 has 127, BDT-large-v0 1392). */
export const FAST_UNITS = 400;

/** The descent limits of a preset `effort` (`auto` resolved). */
function descentPreset(effort: Exclude<DescentEffort, 'auto'>): DescentOptions {
  switch (effort) {
    case 'thorough':
      return THOROUGH_DESCENT;
    case 'fast':
      return FAST_DESCENT;
    case 'screened':
      return SCREENED_DESCENT;
    default:
      return assertNever(effort, 'DpraSolver: descent effort');
  }
}

/** Default cap on the exhaustive search (partitions). */
export const MAX_EXHAUSTIVE = 2_000_000;

/**
 * DPRA's per-slot solver: the decision X(t) minimising the drift-plus-penalty Psi(t) under C1-C5
 * (partition search, then frequency allocation), evaluated by the env's own model; an infeasible
 * slot gets its least-violating decision, reported in the solution's `feasibility`.
 */
export class DpraSolver {
  readonly system: BdtSystem;
  /** `system` in `expected` block-time mode: the solution is judged as planned, whatever the race draw. */
  private readonly plannedSystem: BdtSystem;
  private readonly options: DpraSolverOptions;
  private readonly descentOptions: DescentOptions;
  private readonly problem: SlotProblem;
  private readonly search: PartitionSearch;
  private readonly best: Int32Array;
  private readonly solution: SlotSolution;

  constructor(system: BdtSystem, options: DpraSolverOptions) {
    this.system = system;
    this.plannedSystem = system.blockTime === 'expected' ? system : { ...system, blockTime: 'expected' };
    this.options = options;
    let units = 0;
    for (let n = 0; n < system.N; n++) units += system.unitCount[n]!;
    let effort = options.effort ?? 'auto';
    if (effort === 'auto') effort = units <= THOROUGH_UNITS ? 'thorough' : units <= FAST_UNITS ? 'fast' : 'screened';
    this.descentOptions = { ...descentPreset(effort), ...options.descent };
    if (options.partition === 'fixed') {
      const fixed = options.fixedPartition;
      if (!fixed || fixed.length !== system.N) throw new GymError(`DpraSolver: fixedPartition must have length N = ${system.N}, got ${fixed?.length ?? 'none'}`);
      for (let n = 0; n < system.N; n++) {
        const l = fixed[n]!;
        if (!(Number.isInteger(l) && l >= 1 && l <= system.unitCount[n]!)) throw new GymError(`DpraSolver: fixedPartition[${n}] = ${l}: C1 needs an integer 1 <= l_n <= L_n = ${system.unitCount[n]}`);
      }
    }
    if (options.partition === 'exhaustive') {
      const size = partitionSpaceSize(system);
      const cap = options.maxExhaustive ?? MAX_EXHAUSTIVE;
      if (size > cap) throw new GymError(`DpraSolver: exhaustive search over ${size.toExponential(3)} partitions exceeds the cap of ${cap} (maxExhaustive): it is for small scenarios such as BDT-small-v0; use the descent search (agent dpra) on this one`);
    }
    this.problem = new SlotProblem(system);
    this.search = new PartitionSearch(this.problem);
    this.best = new Int32Array(system.N);
    this.solution = {
      decision: createDecision(system),
      outcome: createSlotOutcome(system),
      psi: Infinity,
      feasible: false,
      feasibility: this.problem.feasibility,
      solves: 0,
    };
  }

  /** The decision for slot `state` with queues H(t), G(t); `warmStart` = a partition to start the descent from. */
  solve(state: SlotState, queues: VirtualQueues, warmStart?: ArrayLike<number>): SlotSolution {
    const { problem, options } = this;
    const fixed = options.partition === 'fixed';
    const objectiveQueues = options.ignoreQueues ? undefined : queues;
    problem.load(state, objectiveQueues, undefined, !fixed);
    let psi = this.searchPartition(warmStart);
    if (!Number.isFinite(psi) && !this.allocationFinite()) {
      // No partition has a finite latency under C5: drop the budgets of the APs without energy.
      problem.relaxApBudgets();
      psi = this.searchPartition(warmStart);
    }
    const allocation = problem.solveAllocation();
    const { decision, outcome } = this.solution;
    decision.partition.set(problem.partition);
    decision.inferenceFreq.set(allocation.inferenceFreq);
    decision.miningFreq.set(allocation.miningFreq);
    evaluateSlot(this.plannedSystem, state, decision, queues, outcome);
    const solution = this.solution;
    solution.psi = outcome.psi;
    solution.feasible = outcome.gatewayViolations === 0 && outcome.apViolations === 0 && Number.isFinite(outcome.latency);
    solution.solves = problem.solves;
    return solution;
  }

  private allocationFinite(): boolean {
    return Number.isFinite(this.problem.solveAllocation().latency);
  }

  /** Sets the best partition in the problem; returns its Psi (Infinity when none is feasible). */
  private searchPartition(warmStart: ArrayLike<number> | undefined): number {
    const { problem, options } = this;
    switch (options.partition) {
      case 'fixed':
        return problem.setPartition(options.fixedPartition!);
      case 'exhaustive':
        return this.search.exhaustive(this.best);
      case 'descent':
        return this.search.descent(this.best, warmStart, this.descentOptions);
      default:
        return assertNever(options.partition, 'DpraSolver: partition mode');
    }
  }
}
