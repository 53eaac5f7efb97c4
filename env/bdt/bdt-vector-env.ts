/**
 * The B-DT environment vectorised natively (Gymnasium's `vector_entry_point`, as its
 * `CartPoleVectorEnv`): `numEnvs` copies of the system stepped in one call on batched typed
 * arrays, with no per-env observation, action or info objects.
 */
import * as z from 'zod';
import { parseKwargs } from '../core/zod-issues.ts';
import { checkResetArgs, type EnvSpec, type Info } from '../core/env.ts';
import { AttributeRefusedError, GymError, InvalidActionError, ResetNeededError, invalidAction } from '../core/errors.ts';
import { makeRng, randomSeed } from '../core/rng.ts';
import type { Dict } from '../spaces/dict.ts';
import type { Space } from '../spaces/space.ts';
import { batchSpace, copyBatch, createBatch, readBatchItem } from '../vector/batch.ts';
import { elementFromJSON } from '../spaces/element-from-json.ts';
import { addInfo } from '../vector/infos.ts';
import { assertNoEndedEnvs, splitResetOptions } from '../vector/reset-mask.ts';
import { AUTORESET_MODES, checkNumEnvs, vectorSeeds, type AutoresetMode, type VectorEnv, type VectorResetArgs, type VectorResetResult, type VectorStepResult } from '../vector/vector-env.ts';
import { actionSpace, decodeAction, encodeDecision, explainActionBatch, isValidAction, isValidActionBatch, type BdtAction, type BdtActionSpaces } from './action.ts';
import { ArrayPool } from './array-pool.ts';
import { ArrivalSampler } from './arrivals.ts';
import { BdtEnvKwargs, bdtResetOptions, kwargsSystem, type BdtResetOptions } from './bdt-env.ts';
import { createDecision } from './decision.ts';
import { observationSpace, observeInto, snrPerGain, type BdtObservation, type BdtObservationSpaces } from './observation.ts';
import type { CompiledScenario } from './scenario/compile.ts';
import type { ScenarioOverride } from './scenario/parse.ts';
import { BdtSimulation } from './simulation.ts';
import { createSlotOutcome, type SlotOutcome } from './slot.ts';
import type { Decision } from './system.ts';
import { clearEnv, createStepArrays, stepInfos, writeInfo, type StepArrays } from './vector-step-arrays.ts';

/** Keyword arguments of {@link BdtVectorEnv} (and of `makeVec('BDT-v0', n, {kwargs})`). */
export const BdtVectorEnvKwargs = BdtEnvKwargs.pick({ scenario: true, baseScenario: true })
  .extend({
    autoresetMode: z.enum(AUTORESET_MODES as [AutoresetMode, ...AutoresetMode[]]).default('next-step').describe('How ended envs are reset (see `AutoresetMode`)'),
    infoLevel: z
      .literal('summary', { error: "the native vector env gives 'summary' infos only; 'full' (per-gateway and per-AP terms) needs an env object per env: makeVec's vectorizationMode 'sync'" })
      .default('summary')
      .describe("'summary' only (BdtEnv's summary keys, batched); per-gateway terms ('full') need makeVec's vectorizationMode 'sync'"),
    copy: z
      .boolean()
      .default(true)
      .describe('Return fresh arrays each call (default); false: the env\'s own observation, reward, flag and info arrays, which the next call overwrites (no allocation)'),
  })
  .strict();
export type BdtVectorEnvKwargs = z.input<typeof BdtVectorEnvKwargs>;
/** `makeVec(id, n, { kwargs })`'s keyword arguments for an id registered by `registerBdtScenario` (its native vector env): `scenario` is a partial override of the registered one. */
export type BdtVectorMakeKwargs = Omit<BdtVectorEnvKwargs, 'scenario' | 'baseScenario'> & { scenario?: ScenarioOverride | undefined };

/**
 * ## Description
 * `numEnvs` independent copies of {@link BdtEnv} (same scenario, own exogenous streams and
 * queues), stepped together. Env `i` of `reset({seed})` plays exactly the episode that
 * `BdtEnv.reset({seed: seed + i})` plays, and its observations, rewards, flags and infos are
 * those of a `SyncVectorEnv` of `BdtEnv`s with `infoLevel: 'summary'`, bit for bit (a test
 * checks it for every autoreset mode); only the container types differ where noted below.
 *
 * ## Action Space
 * `batchSpace(BdtEnv action space, numEnvs)`: `{partition: Int32Array(numEnvs * N),
 * inferenceShare: Float64Array(numEnvs * M), miningShare: Float64Array(numEnvs * J)}`, env-major.
 * Every env's action is checked, those ignored by a next-step autoreset included.
 *
 * ## Observation Space
 * `batchSpace(BdtEnv observation space, numEnvs)`: the same Dict keys, each a Float32Array of
 * numEnvs rows.
 *
 * ## Rewards
 * As `BdtEnv`, one per env (`Float64Array`).
 *
 * ## Episode End
 * As `BdtEnv`: truncation after the scenario's T slots; ended envs are reset as
 * `autoresetMode` says.
 *
 * ## Infos
 * `BdtEnv`'s summary keys as Gymnasium's vector infos: per key a `Float64Array` over envs
 * (`latencyCapped` a `Uint8Array`) and a mask `_key`; `reputation` is one `Float64Array` of
 * numEnvs * J rows (env-major, zero where unset) rather than an array of per-env arrays.
 * `same-step` adds `final_obs` and `final_info` for the envs that ended, as `SyncVectorEnv`.
 *
 * ## Arguments
 * `makeVec('BDT-v0', 16, { kwargs: { scenario: { lyapunov: { V: 50 } } } })`; see
 * `BdtVectorEnvKwargs`.
 */
export class BdtVectorEnv implements VectorEnv<BdtObservation, BdtAction> {
  readonly numEnvs: number;
  readonly singleObservationSpace: Dict<BdtObservationSpaces>;
  readonly singleActionSpace: Dict<BdtActionSpaces>;
  readonly observationSpace: Space<BdtObservation>;
  readonly actionSpace: Space<BdtAction>;
  readonly autoresetMode: AutoresetMode;
  /** The compiled system, shared by every env. */
  readonly system: CompiledScenario;
  /** How `makeVec` built it (see `VectorEnv.spec`). */
  spec: EnvSpec | undefined = undefined;

  private readonly copy: boolean;
  private readonly simulations: BdtSimulation[];
  /** The observation batch, and one view of its rows per env (what `observeInto` writes). */
  private readonly observations: BdtObservation;
  private readonly rows: BdtObservation[];
  /** Which envs ended on their last step and were not reset since. */
  private readonly ended: Uint8Array;
  /** Each env's terms of its last evaluated slot. */
  private readonly outcomes: SlotOutcome[];
  /** Scratch of one env's decoding: the envs are decoded one after another. */
  private readonly decision: Decision;
  /** Per step: 1 for the envs evaluated this call (not being autoreset). */
  private readonly evaluated: Uint8Array;
  /** Per step: same-step mode's final infos of the envs whose episode ends now. */
  private readonly finalInfos: Array<Info | undefined>;
  private readonly shareScratch: Float64Array;
  private readonly snrPerGain: Float64Array;
  private readonly pool = new ArrayPool();
  /** With `copy: false`, the step arrays every call returns (overwritten); else fresh ones per call. */
  private readonly ownArrays: StepArrays | undefined;
  /** Seeds the streams of an env's first reset without a seed. */
  private readonly unseeded = makeRng();
  private closed = false;
  /**
   * The BdtEnv attributes `getAttr` gives without per-env env objects: those the shared system
   * or env i's simulation holds, read live as BdtEnv's getters read them.
   */
  private readonly envAttributes: Readonly<Record<string, (i: number) => unknown>> = {
    observationSpace: () => this.singleObservationSpace,
    actionSpace: () => this.singleActionSpace,
    system: () => this.system,
    slot: (i) => this.simulations[i]!.slot,
    queues: (i) => this.simulations[i]!.queues,
    slotState: (i) => this.simulations[i]!.state,
    outcome: (i) => this.outcomes[i]!,
  };
  /**
   * The BdtEnv methods `call` offers: they read the shared system only, so they need no env
   * object. A client in another language (`serve`) sends decodeAction plain arrays, which are read
   * into the action space's typed arrays, and no Decision: `out` is optional (a fresh Decision per
   * env without it).
   */
  private readonly envMethods: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
    decodeAction: (given, out) => {
      const where = 'BdtVectorEnv.call("decodeAction")';
      // typed arrays as they are (refused below when invalid); plain arrays read into typed ones
      const typed = typeof given === 'object' && given !== null && ArrayBuffer.isView((given as { partition?: unknown }).partition);
      const action = typed ? given : elementFromJSON(this.singleActionSpace, given, `${where}: action`);
      if (!isValidAction(this.system, action)) throw new InvalidActionError(`${where}: ${this.singleActionSpace.explain(action) ?? 'not an action'}`);
      return decodeAction(this.system, action, (out as Decision | undefined) ?? createDecision(this.system), this.shareScratch);
    },
    encodeDecision: (decision) => encodeDecision(this.system, decision as Decision),
  };

  constructor(numEnvs: number, kwargs: BdtVectorEnvKwargs) {
    checkNumEnvs(numEnvs, 'BdtVectorEnv');
    const args = parseKwargs(BdtVectorEnvKwargs, kwargs, 'BdtVectorEnv');
    const system = kwargsSystem(args);
    this.system = system;
    this.numEnvs = numEnvs;
    this.autoresetMode = args.autoresetMode;
    this.copy = args.copy;
    this.singleObservationSpace = observationSpace(system);
    this.singleActionSpace = actionSpace(system);
    this.observationSpace = batchSpace(this.singleObservationSpace, numEnvs) as Space<BdtObservation>;
    this.actionSpace = batchSpace(this.singleActionSpace, numEnvs) as Space<BdtAction>;
    // one sampler's Poisson tables for all: per-env copies would crowd the cache as numEnvs grows.
    // So the sampler holds no per-episode state (see ArrivalSampler): each simulation keeps its own.
    const arrivals = new ArrivalSampler(system.exogenous.arrivals, system.N);
    this.simulations = Array.from({ length: numEnvs }, () => new BdtSimulation(system, arrivals));
    this.observations = createBatch(this.singleObservationSpace, numEnvs) as BdtObservation;
    // views of each env's rows, which observeInto writes in place
    this.rows = Array.from({ length: numEnvs }, (_, i) => readBatchItem(this.singleObservationSpace, this.observations, i) as BdtObservation);
    this.ended = new Uint8Array(numEnvs);
    this.outcomes = Array.from({ length: numEnvs }, () => createSlotOutcome(system));
    this.decision = createDecision(system);
    this.evaluated = new Uint8Array(numEnvs);
    this.finalInfos = new Array<Info | undefined>(numEnvs).fill(undefined);
    this.shareScratch = new Float64Array(system.J);
    this.snrPerGain = snrPerGain(system);
    this.ownArrays = this.copy ? undefined : createStepArrays(numEnvs, system.J, new ArrayPool());
  }

  /** Resets every env, or those marked by `options.reset_mask`; `options.trace` is replayed in each. */
  reset(args: VectorResetArgs = {}): VectorResetResult<BdtObservation> {
    this.assertOpen('reset');
    checkResetArgs(args, 'BdtVectorEnv.reset');
    const seeds = vectorSeeds(args.seed, this.numEnvs, 'BdtVectorEnv');
    const { mask, envOptions } = splitResetOptions(args.options, this.numEnvs, 'BdtVectorEnv');
    const { trace } = bdtResetOptions(envOptions, 'BdtVectorEnv.reset', 'trace, reset_mask');
    const slot = this.pool.float64(this.numEnvs);
    const slotMask = this.pool.uint8(this.numEnvs);
    for (let i = 0; i < this.numEnvs; i++) {
      if (mask !== undefined && mask[i] === 0) continue;
      this.resetEnv(i, seeds[i], trace);
      slotMask[i] = 1;
    }
    return [this.observationBatch(), { slot, _slot: slotMask }];
  }

  /** One action per env (a batch, see the Action Space section); ended envs are reset as `autoresetMode` says. */
  step(actions: BdtAction): VectorStepResult<BdtObservation> {
    this.assertOpen('step');
    const n = this.numEnvs;
    const system = this.system;
    for (let i = 0; i < n; i++) if (!this.simulations[i]!.isStarted) throw new ResetNeededError(`BdtVectorEnv.step: env ${i} was never reset; call reset before step`);
    if (!isValidActionBatch(system, actions, n)) throw invalidAction('BdtVectorEnv', this.actionSpace, actions, explainActionBatch(system, this.singleActionSpace, this.actionSpace, actions, n));
    // before any env steps, so a refused call leaves every env as it was
    if (this.autoresetMode === 'disabled') assertNoEndedEnvs(this.ended, 'BdtVectorEnv');
    const pool = this.pool;
    const a = this.ownArrays ?? createStepArrays(n, system.J, pool);
    const { simulations, outcomes, evaluated, finalInfos } = this;
    const sameStep = this.autoresetMode === 'same-step';
    // In stages, each a loop over the envs: every stage's code stays hot in the caches across
    // the envs, which measured 10-20% faster than running each env's whole step in turn.
    // 1. decode, evaluate the slot, charge the reward, update the queues; the infos
    let anyStepped = false;
    for (let i = 0; i < n; i++) {
      a.slotMask[i] = 1;
      a.stepped[i] = 0;
      const autoreset = this.autoresetMode === 'next-step' && this.ended[i] === 1;
      evaluated[i] = autoreset ? 0 : 1;
      if (autoreset) continue; // its action is ignored; it is reset below
      const simulation = simulations[i]!;
      const out = outcomes[i]!;
      decodeAction(system, actions, this.decision, this.shareScratch, i);
      a.rewards[i] = simulation.step(this.decision, out);
      if (sameStep && simulation.slot + 1 >= system.slots) {
        // as SyncVectorEnv: the episode's last info goes to final_info, and the env reports its reset
        finalInfos[i] = simulation.summaryInfo(out, pool);
        continue;
      }
      anyStepped = true;
      a.stepped[i] = 1;
      writeInfo(a, i, simulation, out);
    }
    // 2. draw each evaluated env's next slot
    for (let i = 0; i < n; i++) {
      if (evaluated[i] === 0) continue;
      const ended = simulations[i]!.nextSlot(outcomes[i]!);
      a.truncated[i] = ended ? 1 : 0;
      this.ended[i] = ended ? 1 : 0;
    }
    // 3. observe, resetting the envs whose time it is
    let finals: Info | undefined;
    for (let i = 0; i < n; i++) {
      if (evaluated[i] === 0) {
        this.resetEnv(i, undefined, undefined);
        clearEnv(a, i, system.J, false);
        continue;
      }
      this.observeRow(i);
      const finalInfo = finalInfos[i];
      if (finalInfo !== undefined) {
        finals = addInfo(finals ?? {}, { final_obs: copyBatch(this.rows[i]!), final_info: finalInfo }, i, n);
        finalInfos[i] = undefined;
        this.resetEnv(i, undefined, undefined);
        clearEnv(a, i, system.J, true);
      }
    }
    if (anyStepped) for (const mask of a.masks) mask.set(a.stepped);
    const infos = stepInfos(a, anyStepped);
    if (finals !== undefined) Object.assign(infos, finals);
    return [this.observationBatch(), a.rewards, a.terminated, a.truncated, infos];
  }

  /**
   * The attribute `name` of each env, as a `BdtEnv` would give it (Gymnasium's `get_attr`), for
   * what this env holds without env objects: `observationSpace`, `actionSpace` (one env's) and
   * `system`, shared by every env; `slot`, `queues`, `slotState` and `outcome`, each env's own,
   * live (the next step or reset changes them). Other names are refused with a `GymError`.
   */
  getAttr(name: string): unknown[] {
    const read = Object.hasOwn(this.envAttributes, name) ? this.envAttributes[name]! : undefined;
    if (read === undefined) throw this.noEnvObjects('getAttr', name, 'it gives observationSpace, actionSpace and system (shared by every env), slot, queues, slotState and outcome (per env)');
    return Array.from({ length: this.numEnvs }, (_, i) => read(i));
  }

  /** Refused: there is no per-env env object to set an attribute on (see `getAttr`). */
  setAttr(name: string, _values: unknown): void {
    throw this.noEnvObjects('setAttr', name, 'it sets no attribute: its envs are simulations stepped on shared batched arrays, and the system they share is read-only');
  }

  /**
   * Gymnasium's `call` for what this env can answer without env objects: the `getAttr` names
   * (returned as is, as `call` returns any non-function attribute) and BdtEnv's `decodeAction`
   * and `encodeDecision`, which read the shared system only. Other names are refused.
   */
  call(name: string, ...args: unknown[]): unknown[] {
    if (Object.hasOwn(this.envAttributes, name)) return this.getAttr(name);
    const method = Object.hasOwn(this.envMethods, name) ? this.envMethods[name]! : undefined;
    if (method === undefined) throw this.noEnvObjects('call', name, 'it calls decodeAction and encodeDecision, and returns the getAttr names as is (observationSpace, actionSpace, system, slot, queues, slotState, outcome)');
    return Array.from({ length: this.numEnvs }, () => method(...args));
  }

  /** This vector env itself (Gymnasium's `VectorEnv.unwrapped`). */
  get unwrapped(): this {
    return this;
  }

  /** Closes the env; safe twice. */
  close(): void {
    this.closed = true;
  }

  toString(): string {
    return `BdtVectorEnv(N=${this.system.N}, M=${this.system.M}, J=${this.system.J}, numEnvs=${this.numEnvs})`;
  }

  private resetEnv(i: number, seed: number | undefined, trace: BdtResetOptions['trace']): void {
    this.simulations[i]!.reset(seed, trace, () => randomSeed(this.unseeded), `BdtVectorEnv.reset (env ${i})`);
    this.ended[i] = 0;
    this.observeRow(i);
  }

  private observeRow(i: number): void {
    const simulation = this.simulations[i]!;
    observeInto(this.system, this.snrPerGain, simulation.state, simulation.queues, simulation.lastReputation, Math.min(simulation.slot, this.system.slots), this.rows[i]!);
  }

  private observationBatch(): BdtObservation {
    if (!this.copy) return this.observations;
    const o = this.observations;
    const copy = (a: Float32Array) => {
      const out = this.pool.float32(a.length);
      out.set(a); // one memcpy: these arrays hold numEnvs rows
      return out;
    };
    return {
      H: copy(o.H),
      G: copy(o.G),
      gain: copy(o.gain),
      arrivals: copy(o.arrivals),
      gatewayBudget: copy(o.gatewayBudget),
      apBudget: copy(o.apBudget),
      reputation: copy(o.reputation),
      progress: copy(o.progress),
    };
  }

  /** The refusal of a name that needs per-env env objects: `detail` says what `method` offers instead. */
  private noEnvObjects(method: string, name: string, detail: string): AttributeRefusedError {
    return new AttributeRefusedError(
      `BdtVectorEnv.${method}("${name}"): the native vector env has no per-env BdtEnv objects; ${detail}. For per-env BdtEnv objects use makeVec(id, n, { vectorizationMode: 'sync' })`,
    );
  }

  private assertOpen(method: string): void {
    if (this.closed) throw new GymError(`BdtVectorEnv.${method}: the env is closed`);
  }
}
