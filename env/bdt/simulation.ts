/**
 * One copy of the B-DT system evolving slot by slot: its exogenous state, virtual queues, last
 * reputations and slot index, and the arithmetic of a step (evaluate a decision, charge the
 * reward, update the queues, draw the next slot). `BdtEnv` wraps one in the Gym API and
 * `BdtVectorEnv` steps many with batched arrays, so both return exactly the same numbers.
 */
import type { BdtSummaryInfo } from './info.ts';
import { assertNever, InvalidArgumentError } from '../core/errors.ts';
import { warn } from '../core/logger.ts';
import type { ArrayPool } from './array-pool.ts';
import type { ArrivalSampler } from './arrivals.ts';
import { ExogenousProcess, explainTrace, readTrace, type ExogenousTrace } from './exogenous.ts';
import { explainTraceBeyondSpace } from './observation.ts';
import { backlog, createQueues, lyapunov, updateQueues, type VirtualQueues } from './queues.ts';
import type { CompiledScenario } from './scenario/compile.ts';
import { evaluateSlot, type SlotOutcome } from './slot.ts';
import { createSlotState, type MutableSlotState } from './slot-state.ts';
import type { Decision } from './system.ts';

/** The systems each trace was already checked against (a trace is warned about once per system). */
const tracesChecked = new WeakMap<ExogenousTrace, WeakSet<CompiledScenario>>();

/**
 * One copy of the B-DT system evolving slot by slot (exogenous state, virtual queues, reputations,
 * slot index), shared by `BdtEnv` and `BdtVectorEnv` so both return the same numbers; see the
 * header of env/bdt/simulation.ts.
 */
export class BdtSimulation {
  readonly system: CompiledScenario;
  /** H(t), G(t): the queues the current slot is decided with. */
  readonly queues: VirtualQueues;
  /** The exogenous state of the current slot. */
  readonly state: MutableSlotState;
  /** U_j of the last evaluated slot (zero at reset). */
  readonly lastReputation: Float64Array;
  /** Index t of the current slot (0-based). */
  slot = 0;
  // --- terms of the last `step`, besides the outcome ---
  /** tau as charged: at most `reward.latencyCap` (s). */
  chargedLatency = 0;
  /** Whether tau exceeded the cap (or was not a number). */
  latencyCapped = false;
  /** Total energy over the budgets, gateways and APs (J). */
  energyExcess = 0;
  /** L(t) and L(t + 1). */
  lyapunovBefore = 0;
  lyapunovAfter = 0;

  private readonly exogenous: ExogenousProcess;
  private trace: ExogenousTrace | undefined = undefined;
  private started = false;
  /** Whether the exogenous streams were ever seeded (a reset that only replays a trace does not seed them). */
  private streamsStarted = false;

  /** @param arrivals an arrival sampler of `system` to share: it holds read-only tables and no per-episode state (see `ArrivalSampler`) */
  constructor(
    system: CompiledScenario,
    arrivals?: ArrivalSampler,
  ) {
    this.system = system;
    this.queues = createQueues(system);
    this.state = createSlotState(system);
    this.lastReputation = new Float64Array(system.J);
    this.exogenous = new ExogenousProcess(system, arrivals);
  }

  /** Throws the InvalidArgumentError `reset` would throw for `trace`, changing nothing (a caller that seeds first checks here). */
  checkReplayable(trace: ExogenousTrace, owner: string): void {
    const why = explainTrace(trace, this.system, this.system.slots);
    if (why) throw new InvalidArgumentError(`${owner}: options.trace cannot be replayed: ${why}`);
  }

  /**
   * Starts an episode with empty queues. Restarts the streams from `seed` when given; without it,
   * they continue (Gymnasium's reset without a seed; arrivals of kind 'trace' still start at their
   * row 0, as their rows are slots), or start from `unseeded()` if they never
   * started, unless `trace` is given: then the episode replays it, and the streams wait (a later
   * reset without a seed or trace starts them). `owner` names the caller in errors.
   */
  reset(seed: number | undefined, trace: ExogenousTrace | undefined, unseeded: () => number, owner: string): void {
    if (trace !== undefined) {
      this.checkReplayable(trace, owner);
      // replayable, but its observations would leave the space, which normalisers and trained
      // policies assume they do not; once per trace object and system, as Python's warnings show a warning once
      const checked = tracesChecked.get(trace) ?? new WeakSet<CompiledScenario>();
      tracesChecked.set(trace, checked);
      if (!checked.has(this.system)) {
        checked.add(this.system);
        const beyond = explainTraceBeyondSpace(trace, this.system);
        if (beyond) warn(`${owner}: options.trace goes beyond the observation space: ${beyond}; those observations will not lie in observationSpace`);
      }
    }
    this.queues.H.fill(0);
    this.queues.G.fill(0);
    this.lastReputation.fill(0);
    this.slot = 0;
    this.trace = trace;
    if (seed !== undefined || (trace === undefined && !this.streamsStarted)) {
      this.exogenous.start(seed ?? unseeded(), this.state);
      this.streamsStarted = true;
    } else if (trace === undefined) this.exogenous.next(this.state, 0);
    // the trace's slot 0 replaces the seeded draw: the streams only carry on after it
    if (trace !== undefined) readTrace(trace, 0, this.state);
    this.started = true;
  }

  /** Whether `reset` was called. */
  get isStarted(): boolean {
    return this.started;
  }

  /**
   * Evaluates the feasible `decision` on the current slot (every term into `out`), updates the
   * queues to H(t + 1), G(t + 1) and returns the reward; the slot stays current until
   * `nextSlot`, so its state can still be reported.
   */
  step(decision: Decision, out: SlotOutcome): number {
    const system = this.system;
    evaluateSlot(system, this.state, decision, this.queues, out);
    const reward = system.reward;
    const latencyCapped = !(out.latency <= reward.latencyCap);
    const chargedLatency = latencyCapped ? reward.latencyCap : out.latency;
    const { M, J } = system;
    const { gatewayEnergyExcess, apEnergyExcess } = out;
    let excess = 0;
    for (let m = 0; m < M; m++) excess += gatewayEnergyExcess[m]!;
    for (let j = 0; j < J; j++) excess += apEnergyExcess[j]!;
    const queues = this.queues;
    const lyapunovBefore = lyapunov(queues);
    updateQueues(system, queues, out.reputation, queues);
    const lyapunovAfter = lyapunov(queues);
    let r: number;
    switch (reward.mode) {
      case 'dpp':
        r = -(system.V * chargedLatency + out.drift);
        break;
      case 'dpp-exact':
        r = -(system.V * chargedLatency + lyapunovAfter - lyapunovBefore);
        break;
      case 'latency':
        r = -chargedLatency;
        break;
      default:
        return assertNever(reward.mode, 'BdtSimulation.step: reward mode');
    }
    this.chargedLatency = chargedLatency;
    this.latencyCapped = latencyCapped;
    this.energyExcess = excess;
    this.lyapunovBefore = lyapunovBefore;
    this.lyapunovAfter = lyapunovAfter;
    // no penalty charges nothing, even for an infinite excess (an endless transmission): 0 * Infinity is NaN
    return reward.energyPenalty === 0 ? r : r - reward.energyPenalty * excess;
  }

  /**
   * The step's info at `infoLevel: 'summary'` (after `step`, before `nextSlot`): the slot's
   * scalars, the C4/C5 violation counts and the reputations (a copy from `pool`).
   */
  summaryInfo(out: SlotOutcome, pool: ArrayPool): BdtSummaryInfo {
    return {
      slot: this.slot,
      latency: out.latency,
      chargedLatency: this.chargedLatency,
      inferenceLatency: out.inferenceLatency,
      blockTime: out.blockTime,
      latencyCapped: this.latencyCapped,
      winner: out.winner,
      psi: out.psi,
      penalty: out.penalty,
      drift: out.drift,
      lyapunov: this.lyapunovBefore,
      lyapunovNext: this.lyapunovAfter,
      backlog: backlog(this.queues),
      gatewayViolations: out.gatewayViolations,
      apViolations: out.apViolations,
      energyExcess: this.energyExcess,
      reputation: pool.copy64(out.reputation),
    };
  }

  /** Moves to the next slot (keeping `out`'s reputations as the last ones); true when the episode's T slots are done. */
  nextSlot(out: SlotOutcome): boolean {
    const J = this.system.J;
    const lastReputation = this.lastReputation;
    for (let j = 0; j < J; j++) lastReputation[j] = out.reputation[j]!; // not set(): a builtin call costs more for J values
    this.slot++;
    if (this.trace) readTrace(this.trace, this.slot, this.state);
    else this.exogenous.next(this.state, this.slot);
    return this.slot >= this.system.slots;
  }
}
