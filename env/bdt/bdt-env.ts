/**
 * The B-DT environment: one step is one slot of the blockchain-enabled digital twin system.
 */
import * as z from 'zod';
import { parseKwargs } from '../core/zod-issues.ts';
import { checkResetArgs, Env, type ResetArgs, type ResetResult, type StepResult } from '../core/env.ts';
import type { BdtInfo, BdtResetInfo } from './info.ts';
import { InvalidActionError, InvalidArgumentError, ResetNeededError, invalidAction } from '../core/errors.ts';
import { unknownKeys } from '../core/format.ts';
import { warn } from '../core/logger.ts';
import { randomSeed } from '../core/rng.ts';
import type { Dict } from '../spaces/dict.ts';
import { actionSpace, decodeIfValid, encodeDecision, type BdtAction, type BdtActionSpaces } from './action.ts';
import { createDecision } from './decision.ts';
import type { ExogenousTrace } from './exogenous.ts';
import { createObservation, observationSpace, observeInto, snrPerGain, type BdtObservation, type BdtObservationSpaces } from './observation.ts';
import type { VirtualQueues } from './queues.ts';
import { compileScenario, type CompiledScenario } from './scenario/compile.ts';
import { ScenarioError, mergeDeep, missingSections, parseScenario, type ScenarioOverride } from './scenario/parse.ts';
import { createSlotOutcome, type SlotOutcome } from './slot.ts';
import { BdtSimulation } from './simulation.ts';
import { ArrayPool } from './array-pool.ts';
import type { Decision, SlotState } from './system.ts';

/** Keyword arguments of {@link BdtEnv}'s constructor (a whole `scenario`, or a partial one over `baseScenario`); `make('BDT-v0', kwargs)` takes {@link BdtMakeKwargs}. */
export const BdtEnvKwargs = z
  .object({
    scenario: z.unknown().describe('The scenario (parsed JSON); with `baseScenario`, a partial override deep-merged into it'),
    baseScenario: z.unknown().optional().describe('A full scenario that `scenario` overrides (set by the registered ids, which refuse one in their kwargs)'),
    infoLevel: z
      .enum(['summary', 'full'])
      .default('full')
      .describe("'full': every per-gateway and per-AP term in info (fresh arrays each step); 'summary': scalars, per-AP reputation and violation counts only (faster)"),
    reuseObservation: z
      .boolean()
      .default(false)
      .describe('Return the same observation object every step, overwritten in place (no allocation; callers that keep observations must copy them). Default: a fresh observation per step, as Gymnasium'),
    renderMode: z.enum(['ansi']).optional().describe("Render mode: 'ansi' makes render() return a text summary of the last decided slot"),
  })
  .strict();
export type BdtEnvKwargs = z.input<typeof BdtEnvKwargs>;
/** `make(id, kwargs)`'s keyword arguments for an id registered by `registerBdtScenario`: `scenario` is a partial override of the registered one. */
export type BdtMakeKwargs = Omit<BdtEnvKwargs, 'scenario' | 'baseScenario'> & { scenario?: ScenarioOverride | undefined };

/** The compiled system of the kwargs' `scenario`, deep-merged into `baseScenario` when given. */
export function kwargsSystem(args: { scenario?: unknown; baseScenario?: unknown }): CompiledScenario {
  if (args.baseScenario !== undefined) return compileScenario(parseScenario(mergeDeep(args.baseScenario, args.scenario)));
  try {
    return compileScenario(parseScenario(args.scenario));
  } catch (error) {
    const missing = error instanceof ScenarioError ? missingSections(args.scenario) : [];
    if (missing.length === 0) throw error;
    // most likely a partial override given to an env registered without a base (an entry point of its own)
    const hint = `(without a baseScenario, BdtEnv takes a whole scenario, and this one has no ${missing.join(', ')}; register a whole scenario with registerBdtScenario(id, scenario), and make(id, { scenario }) merges partial overrides into it as for the built-in ids)`;
    throw new ScenarioError(`${(error as ScenarioError).message}\n${hint}`, (error as ScenarioError).issues);
  }
}

/** Options of `reset` beyond the seed. */
export interface BdtResetOptions {
  /** Replay this exogenous trace instead of drawing from the seeded streams. */
  trace?: ExogenousTrace;
}

/**
 * `options` (an object, null or undefined, as `checkResetArgs` ensures) as BdtResetOptions; an
 * unknown key (a typo such as `resetMask`) is refused naming `owner` and the `known` options, not ignored.
 */
export function bdtResetOptions(options: Record<string, unknown> | null | undefined, owner: string, known = 'trace'): BdtResetOptions {
  if (options == null) return {};
  const unknown = unknownKeys(options, ['trace'], 'option');
  if (unknown !== undefined) throw new InvalidArgumentError(`${owner}: unknown reset ${unknown} (options: ${known})`);
  return options as BdtResetOptions;
}

/**
 * ## Description
 * The blockchain-enabled digital twin (B-DT) system of Deng et al., "Trustworthy DNN partition
 * for blockchain-enabled digital twin in wireless IIoT networks" (Sci China Inf Sci 2024): N
 * IIoT devices, each with a DT on one of M gateways, each gateway attached to one of J access
 * points. In every slot, each DT runs the bottom l_n units of its DNN on the gateway, sends the
 * cut-layer output up the wireless link, and the AP runs the rest; then the APs race to mine a
 * block under reputation-discounted PoW. The agent chooses the partition points and the AP CPU
 * frequencies for inference and for mining (each capped at f_j^max, C2 and C3; no joint cap, as
 * in the letter) to minimise the time-average latency subject to the
 * long-term reputation bounds C6 (tracked by Lyapunov virtual queues). The model and its
 * equations: docs/MODEL.md.
 *
 * ## Action Space
 * `Dict{partition: MultiDiscrete(L_n), inferenceShare: Box(0, 1, [M], float64),
 * miningShare: Box(0, 1, [J], float64)}`: partition k means l_n = k + 1 units on the gateway;
 * f_m^A = share f_j^max, each AP's inference shares scaled to sum 1 when above 1 (C2);
 * f_j^bloc = share f_j^max (C3). See `decodeAction`, `encodeDecision`.
 *
 * ## Observation Space
 * `Dict` of float32 Boxes: `H`, `G` (J, virtual queues), `gain` (M, received SNR in dB),
 * `arrivals` (N, data points), `gatewayBudget` (M, in joules), `apBudget` (J, in joules), `reputation` (J, last
 * U_j), `progress` (1, t / T). See `observationSpace` in observation.ts for bounds. Each array
 * (of infos too) is a view on a 64 KiB buffer it shares with others (array-pool.ts): copy it
 * (`slice()`) before transferring its `.buffer` or cloning it, and `slice()` what you keep
 * sparsely, since a kept array keeps its whole chunk alive (one observation kept per 200-slot
 * episode over 1M steps of BDT-v0 held 328 MB of ArrayBuffers for 660 KB of data with infoLevel
 * 'full'); storage that copies observations into its own arrays pins none, nor does the
 * observation of `reuseObservation`.
 *
 * ## Rewards
 * Per the scenario's `reward.mode`: `dpp` (default) -Psi(t) = -(V tau(t) + sum_j [H_j (U_j -
 * U^max) + G_j (U^min - U_j)]); `dpp-exact` -(V tau(t) + L(t+1) - L(t)); `latency` -tau(t).
 * tau is charged at most `reward.latencyCap` seconds (a slot that never finishes, e.g. with no
 * AP cycles for offloaded work, is charged the cap and flagged `latencyCapped`); every J over an
 * energy budget (C4, C5) costs `reward.energyPenalty`.
 *
 * ## Info
 * The decided slot's latency terms, Psi and its parts, queues, reputations, energies and budget
 * violations; `infoLevel` 'summary' gives the scalars and reputations, 'full' every per-gateway
 * and per-AP term. Every key with its unit: docs/MODEL.md, "Info".
 *
 * ## Starting State
 * Queues and last reputations zero; the first slot's arrivals, gains and budgets drawn from the
 * seeded streams (or read from `options.trace`).
 *
 * ## Episode End
 * Never terminates; truncates after the scenario's T slots (the env truncates itself, since T
 * belongs to the scenario and may be overridden by `make(id, {scenario: {slots}})`). A step
 * after the truncation warns once, as Gymnasium's envs do, and goes on (slot T, T + 1, ...,
 * `progress` stays 1; a replayed trace repeats its last slot state; the queues may outgrow their
 * bounds in `observationSpace`, which hold for T slots).
 *
 * ## Arguments
 * `make('BDT-v0', {scenario: {lyapunov: {V: 50}}, infoLevel: 'summary'})`; see `BdtMakeKwargs` (and
 * `BdtEnvKwargs` for the constructor).
 * Scripted agents read `env.unwrapped.system`, `.slotState`, `.queues` and use
 * `.decodeAction` / `.encodeDecision`. The exogenous trace of a seed does not depend on the
 * actions; `drawTrace` exports it and `reset({options: {trace}})` replays one.
 */
export class BdtEnv extends Env<BdtObservation, BdtAction> {
  readonly observationSpace: Dict<BdtObservationSpaces>;
  readonly actionSpace: Dict<BdtActionSpaces>;
  /** `renderFps`: a text frame rate, as Gymnasium's text envs (FrozenLake, Taxi) declare. */
  override metadata = { renderModes: ['ansi'] as const, renderFps: 4 };

  /** The compiled system (read-only for agents). */
  readonly system: CompiledScenario;
  /** Every term of the last evaluated slot. */
  readonly outcome: SlotOutcome;
  readonly infoLevel: 'summary' | 'full';
  readonly reuseObservation: boolean;

  private readonly simulation: BdtSimulation;
  private readonly decision: Decision;
  private readonly shareScratch: Float64Array;
  private readonly snrPerGain: Float64Array;
  private readonly sharedObservation: BdtObservation;
  /** Where the fresh arrays of observations and infos come from (see array-pool.ts). */
  private readonly pool = new ArrayPool();
  /** Whether a step after this episode's truncation was warned about (once per episode). */
  private warnedPastEnd = false;

  constructor(kwargs: BdtEnvKwargs) {
    super();
    const args = parseKwargs(BdtEnvKwargs, kwargs, 'BdtEnv');
    this.system = kwargsSystem(args);
    this.infoLevel = args.infoLevel;
    this.renderMode = args.renderMode;
    this.observationSpace = observationSpace(this.system);
    this.actionSpace = actionSpace(this.system);
    this.outcome = createSlotOutcome(this.system);
    this.simulation = new BdtSimulation(this.system);
    this.decision = createDecision(this.system);
    this.shareScratch = new Float64Array(this.system.J);
    this.reuseObservation = args.reuseObservation;
    this.snrPerGain = snrPerGain(this.system);
    this.sharedObservation = createObservation(this.system);
  }

  private observation(): BdtObservation {
    const out = this.reuseObservation ? this.sharedObservation : createObservation(this.system, this.pool);
    const simulation = this.simulation;
    return observeInto(this.system, this.snrPerGain, simulation.state, simulation.queues, simulation.lastReputation, Math.min(simulation.slot, this.system.slots), out);
  }

  /** H(t), G(t): the queues the current slot is decided with. */
  get queues(): VirtualQueues {
    return this.simulation.queues;
  }

  /** The exogenous state of the current slot (what the agent decides on). */
  get slotState(): SlotState {
    return this.simulation.state;
  }

  /** Index t of the current slot (0-based). */
  get slot(): number {
    return this.simulation.slot;
  }

  /**
   * The physical decision of `action`, written into `out` (a fresh decision without it); an
   * action `step` would refuse throws an `InvalidActionError` naming the key and index, with
   * `out` partly written. Checked and decoded in one pass, as `step` does (`decodeIfValid`), but
   * `step` does not call this method, so overriding it does not change what `step` does.
   */
  decodeAction(action: BdtAction, out: Decision = createDecision(this.system)): Decision {
    if (!decodeIfValid(this.system, action, out, this.shareScratch)) throw new InvalidActionError(`BdtEnv.decodeAction: invalid action: ${this.actionSpace.explain(action) ?? 'not contained'}`);
    return out;
  }

  /** The action that decodes to the feasible `decision`. */
  encodeDecision(decision: Decision): BdtAction {
    return encodeDecision(this.system, decision);
  }

  reset(args: ResetArgs = {}): ResetResult<BdtObservation, BdtResetInfo> {
    checkResetArgs(args, 'BdtEnv.reset');
    // every refusal before the seed: a refused reset leaves the streams and npRandomSeed as they were
    const options = bdtResetOptions(args.options, 'BdtEnv.reset');
    if (options.trace !== undefined) this.simulation.checkReplayable(options.trace, 'BdtEnv.reset');
    this.seedStreams(args.seed);
    // without a seed, a first reset seeds the streams from the env's own generator
    this.simulation.reset(args.seed ?? undefined, options.trace, () => randomSeed(this.npRandom), 'BdtEnv.reset');
    this.warnedPastEnd = false;
    return [this.observation(), { slot: 0 }];
  }

  step(action: BdtAction): StepResult<BdtObservation, BdtInfo> {
    const simulation = this.simulation;
    if (!simulation.isStarted) throw new ResetNeededError('BdtEnv: call reset before step');
    if (!decodeIfValid(this.system, action, this.decision, this.shareScratch)) throw invalidAction('BdtEnv', this.actionSpace, action);
    if (simulation.slot >= this.system.slots && !this.warnedPastEnd) this.warnPastEnd();
    const full = this.infoLevel === 'full';
    // the queues H(t), G(t) before the step updates them
    const H = full ? this.pool.copy64(simulation.queues.H) : undefined;
    const G = full ? this.pool.copy64(simulation.queues.G) : undefined;
    const reward = simulation.step(this.decision, this.outcome);
    const info = this.info(this.outcome, H, G);
    const truncated = simulation.nextSlot(this.outcome);
    return [this.observation(), reward, false, truncated, info];
  }

  private warnPastEnd(): void {
    this.warnedPastEnd = true;
    warn(`BdtEnv.step: the episode was truncated after its ${this.system.slots} slots; call reset() once truncated is true. Further steps go on past T (progress stays 1), which no agent is trained or measured on, and their observations may leave observationSpace (the bounds of the queues H and G hold for T slots).`);
  }

  private info(out: SlotOutcome, H?: Float64Array, G?: Float64Array): BdtInfo {
    const pool = this.pool;
    const info: BdtInfo = this.simulation.summaryInfo(out, pool);
    if (H === undefined || G === undefined) return info; // the summary level: step copies the queues for the full one only
    const { state, queues } = this.simulation;
    info['queues'] = { H, G, nextH: pool.copy64(queues.H), nextG: pool.copy64(queues.G) };
    info['gateways'] = {
      work: pool.copy64(out.gatewayWork),
      offloadWork: pool.copy64(out.offloadWork),
      uplinkBits: pool.copy64(out.uplinkBits),
      computeTime: pool.copy64(out.gatewayComputeTime),
      uplinkRate: pool.copy64(out.uplinkRate),
      txTime: pool.copy64(out.txTime),
      sideLatency: pool.copy64(out.gatewaySideLatency),
      apComputeTime: pool.copy64(out.apComputeTime),
      pathLatency: pool.copy64(out.pathLatency),
      computeEnergy: pool.copy64(out.gatewayComputeEnergy),
      txEnergy: pool.copy64(out.txEnergy),
      energy: pool.copy64(out.gatewayEnergy),
      budget: pool.copy64(state.gatewayBudget),
      energyExcess: pool.copy64(out.gatewayEnergyExcess),
    };
    info['aps'] = {
      offloaded: pool.copy64(out.offloaded),
      reputation: info['reputation'],
      difficulty: pool.copy64(out.difficulty),
      miningRate: pool.copy64(out.miningRate),
      inferenceLatency: pool.copy64(out.apInferenceLatency),
      inferenceEnergy: pool.copy64(out.inferenceEnergy),
      miningEnergy: pool.copy64(out.miningEnergy),
      energy: pool.copy64(out.apEnergy),
      budget: pool.copy64(state.apBudget),
      energyExcess: pool.copy64(out.apEnergyExcess),
    };
    info['partition'] = pool.copy32(this.decision.partition);
    info['inferenceFreq'] = pool.copy64(this.decision.inferenceFreq);
    info['miningFreq'] = pool.copy64(this.decision.miningFreq);
    return info;
  }

  /**
   * With `renderMode: 'ansi'`, a line on the last decided slot t (the info's `slot`): its latency,
   * reputations and Psi; before the episode's first step, the queues the first slot is decided with.
   */
  override render(): string | undefined {
    if (this.renderMode !== 'ansi') return undefined;
    const { slot, queues } = this.simulation;
    const format = (values: Float64Array) => Array.from(values, (x) => x.toFixed(3)).join(' ');
    // the slot index moves only when a step decides a slot, so 0 means none since the reset
    if (slot === 0) return `slot 0/${this.system.slots}: no slot decided yet, H [${format(queues.H)}], G [${format(queues.G)}]`;
    const o = this.outcome;
    return `slot ${slot - 1}/${this.system.slots}: tau ${o.latency.toPrecision(4)} s (inf ${o.inferenceLatency.toPrecision(4)}, bloc ${o.blockTime.toPrecision(4)}), U [${format(o.reputation)}], Psi ${o.psi.toPrecision(4)}`;
  }
}
