/**
 * An agent that solves each slot with a {@link DpraSolver}: DPRA itself and every baseline that is
 * DPRA with a piece removed (WDPO, WTCM, latency-greedy, all-local, the exhaustive oracle). It acts
 * on `context.env` (see bdt-context.ts), never on the observation alone.
 */
import type { Agent, ActContext } from '../agent.ts';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtObservation } from '../../env/bdt/observation.ts';
import type { ConsensusMechanism } from '../../env/bdt/system.ts';
import type { CompiledScenario } from '../../env/bdt/scenario/compile.ts';
import { bdtEnvOf } from '../bdt-context.ts';
import { DpraSolver, type DpraSolverOptions, type SlotSolution } from './dpra-solver.ts';

/**
 * What distinguishes one solver agent from another (DPRA, WDPO, WTCM, ...): its solver options,
 * warm start and consensus mechanism.
 */
export interface SolverAgentConfig {
  /** Solver options for a system (called once per system the agent meets). */
  solverOptions(system: CompiledScenario): DpraSolverOptions;
  /** Start each slot's partition search from the previous slot's partition. */
  warmStart: boolean;
  /** The consensus mechanism the policy is defined for (WTCM: `pow`); others accept any. */
  mechanism?: ConsensusMechanism;
}

/** How often a solver agent met slots it could only solve to least violation. */
export interface SolverAgentStats {
  slots: number;
  /** Slots whose decision breaks C4 or C5 (no decision meets them, or a fixed partition cannot), on the expected block time. */
  infeasibleSlots: number;
  /** Slots where some gateway's C4 cannot be met by any partition (its DTs got the least-energy cut). */
  gatewayBudgetSlots: number;
  /** Slots where no partition has a finite latency under C5, so the AP budgets were ignored. */
  apBudgetRelaxedSlots: number;
}

/**
 * An agent that solves each slot with a `DpraSolver` (DPRA and the baselines that are DPRA with a
 * piece removed). It reads the system and queues from `context.env`, a B-DT env, not from the
 * observation alone.
 */
export class SolverAgent implements Agent<BdtObservation, BdtAction> {
  readonly name: string;
  private readonly config: SolverAgentConfig;
  private solver: DpraSolver | undefined;
  private previous: Int32Array | undefined;
  private hasPrevious = false;
  /** The last slot's solution (decision, every term, feasibility, search effort); reused. */
  lastSolution: SlotSolution | undefined;
  /** Counts since the last `reset`: slots solved, and those solved to least violation. */
  readonly stats: SolverAgentStats = { slots: 0, infeasibleSlots: 0, gatewayBudgetSlots: 0, apBudgetRelaxedSlots: 0 };

  constructor(name: string, config: SolverAgentConfig) {
    this.name = name;
    this.config = config;
  }

  /** Forget the previous slot's partition (the solver is deterministic: `seed` is not used). */
  reset(_seed?: number): void {
    this.hasPrevious = false;
    this.stats.slots = this.stats.infeasibleSlots = this.stats.gatewayBudgetSlots = this.stats.apBudgetRelaxedSlots = 0;
  }

  act(_obs: BdtObservation, context?: ActContext<BdtObservation, BdtAction>): BdtAction {
    const env = bdtEnvOf(this.name, context);
    const system = env.system;
    if (this.config.mechanism !== undefined && system.mechanism !== this.config.mechanism) {
      throw new Error(`agent ${this.name}: defined on the "${this.config.mechanism}" consensus mechanism, but the env uses "${system.mechanism}"; create the env with scenario override ${JSON.stringify(mechanismOverride(this.config.mechanism))}`);
    }
    if (this.solver?.system !== system) {
      this.solver = new DpraSolver(system, this.config.solverOptions(system));
      this.previous = new Int32Array(system.N);
      this.hasPrevious = false;
    }
    const solution = this.solver.solve(env.slotState, env.queues, this.config.warmStart && this.hasPrevious ? this.previous : undefined);
    this.previous!.set(solution.decision.partition);
    this.hasPrevious = true;
    this.lastSolution = solution;
    const stats = this.stats;
    stats.slots++;
    if (!solution.feasible) stats.infeasibleSlots++;
    if (solution.feasibility.gatewaysOverBudget.length > 0) stats.gatewayBudgetSlots++;
    if (solution.feasibility.apBudgetsRelaxed) stats.apBudgetRelaxedSlots++;
    return env.encodeDecision(solution.decision);
  }
}

/** The scenario override selecting consensus `mechanism`. */
export function mechanismOverride(mechanism: ConsensusMechanism): { consensus: { mechanism: ConsensusMechanism } } {
  return { consensus: { mechanism } };
}
