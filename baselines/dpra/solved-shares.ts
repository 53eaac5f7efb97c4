/**
 * DROO's split of the per-slot mixed-integer problem (Huang, Bi and Zhang, "Deep reinforcement
 * learning for online computation offloading in wireless powered mobile-edge computing networks",
 * IEEE TMC 2020): a policy picks the integer part, the partition points, and the continuous part,
 * the APs' CPU shares for inference and mining, is solved for them each slot by DPRA's resource
 * allocation (its solver with the partition fixed, as WDPO's). A learner then searches the
 * partition space alone, and every partition it tries is scored at its best frequencies.
 *
 * `SolvedShares` wraps a B-DT env so its action is `Dict{partition}` only; `ShareSolver` does the
 * same mapping for a policy acting in an unwrapped B-DT env (the learned agents in `compare`).
 *
 * @example
 * const env = new SolvedShares(make('BDT-v0')); // env.actionSpace: Dict(partition: MultiDiscrete(L_n))
 */
import type { BdtAction } from '../../env/bdt/action.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { createDecision } from '../../env/bdt/decision.ts';
import type { BdtObservation } from '../../env/bdt/observation.ts';
import type { Decision } from '../../env/bdt/system.ts';
import type { Env } from '../../env/core/env.ts';
import { GymError, invalidAction } from '../../env/core/errors.ts';
import { ActionWrapper } from '../../env/core/wrapper.ts';
import { Dict } from '../../env/spaces/dict.ts';
import { MultiDiscrete } from '../../env/spaces/multi-discrete.ts';
import type { Space } from '../../env/spaces/space.ts';
import { DpraSolver, type SlotSolution } from './dpra-solver.ts';

/** The action of a B-DT env whose CPU shares are solved: its partition points only (k -> l_n = k + 1). */
export interface PartitionAction {
  partition: Int32Array;
}

/**
 * The action space of a policy whose CPU shares are solved, from the B-DT env's own action space:
 * `Dict{partition: MultiDiscrete(L_n)}`, its partition part; a GymError naming `owner` for a
 * space with no partition part.
 */
export function partitionActionSpace(owner: string, space: Space<unknown>): Dict<{ partition: MultiDiscrete }> {
  const partition = space instanceof Dict ? space.spaces['partition'] : undefined;
  if (!(partition instanceof MultiDiscrete)) throw new GymError(`${owner}: solves the CPU shares of a B-DT env, whose action space has a MultiDiscrete partition; got ${space.toString()}`);
  return new Dict({ partition });
}

/** `env.unwrapped` as a BdtEnv, or a GymError saying that `owner` needs one. */
export function unwrappedBdtEnv(owner: string, env: Env<unknown, unknown>): BdtEnv {
  const inner = env.unwrapped;
  if (!(inner instanceof BdtEnv)) throw new GymError(`${owner}: solves the CPU shares of a B-DT env (a registered B-DT id such as BDT-v0, or a scenario), got ${inner.toString()}`);
  return inner;
}

/** Full B-DT actions for partition-only ones: DPRA's CPU shares for the partition, in the env's current slot. */
export class ShareSolver {
  private solver: DpraSolver | undefined;
  /** The solver's fixed partition (l_n), written in place for each action. */
  private decision: Decision | undefined;
  /** A full action around the partition-only one, so the env's own decodeAction maps k to l_n. */
  private readonly scratch: BdtAction = { partition: new Int32Array(0), inferenceShare: new Float64Array(0), miningShare: new Float64Array(0) };

  /**
   * The action `env` (a BdtEnv, unwrapped) takes for `action`: its partition points, with the
   * inference and mining shares DPRA's allocation gives them for `env`'s current slot state and
   * virtual queues. `action` must be valid (a partition in the env's partition space).
   */
  toAction(action: PartitionAction, env: BdtEnv): BdtAction {
    return env.encodeDecision(this.solve(action, env).decision);
  }

  /**
   * Of `candidates` (valid partition-only actions, at least one), the full action (the partition
   * and its solved shares) of the one whose shares score best in `env`'s current slot, as DPRA
   * ranks partitions: one that meets the energy budgets before one that does not, then the least
   * Psi(t) (on the expected block time); ties go to the earlier candidate. DROO's choice among a
   * policy's candidates.
   */
  bestOf(candidates: readonly PartitionAction[], env: BdtEnv): BdtAction {
    if (candidates.length === 0) throw new GymError('ShareSolver.bestOf: no candidates');
    let best: BdtAction | undefined;
    let bestFeasible = false;
    let bestPsi = Infinity;
    for (const candidate of candidates) {
      const { feasible, psi, decision } = this.solve(candidate, env);
      if (best === undefined || (feasible && !bestFeasible) || (feasible === bestFeasible && psi < bestPsi)) {
        // encoded now: the solver's decision is overwritten by the next solve
        best = env.encodeDecision(decision);
        bestFeasible = feasible;
        bestPsi = psi;
      }
    }
    return best!;
  }

  /** DPRA's solution for `action`'s partition in `env`'s current slot (reused by the next call). */
  private solve(action: PartitionAction, env: BdtEnv): SlotSolution {
    if (this.solver?.system !== env.system) {
      this.decision = createDecision(env.system);
      this.scratch.inferenceShare = new Float64Array(env.system.M);
      this.scratch.miningShare = new Float64Array(env.system.J);
      this.solver = new DpraSolver(env.system, { partition: 'fixed', fixedPartition: this.decision.partition });
    }
    this.scratch.partition = action.partition;
    env.decodeAction(this.scratch, this.decision);
    return this.solver!.solve(env.slotState, env.queues);
  }
}

/**
 * A B-DT env whose action is the partition only, `Dict{partition: MultiDiscrete(L_n)}`; each
 * step's CPU shares are DPRA's allocation for that partition (see the module comment).
 * Observations, rewards and info are the inner env's.
 */
export class SolvedShares extends ActionWrapper<BdtObservation, PartitionAction, BdtAction> {
  override actionSpace: Dict<{ partition: MultiDiscrete }>;
  private readonly bdtEnv: BdtEnv;
  private readonly solver = new ShareSolver();

  constructor(env: Env<BdtObservation, BdtAction>) {
    super(env);
    this.bdtEnv = unwrappedBdtEnv('SolvedShares', env);
    this.actionSpace = partitionActionSpace('SolvedShares', this.bdtEnv.actionSpace);
  }

  /** The inner env's action for `action` (a fresh object): the partition, with DPRA's shares for it. */
  action(action: PartitionAction): BdtAction {
    if (!this.actionSpace.contains(action)) throw invalidAction('SolvedShares', this.actionSpace, action);
    return this.solver.toAction(action, this.bdtEnv);
  }
}
