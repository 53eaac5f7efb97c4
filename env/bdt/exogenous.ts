/**
 * The exogenous state of every slot, drawn from four independent seeded streams
 * (subSeed(seed, 'arrivals' | 'channel' | 'budgets' | 'mining')). Every draw is made every slot
 * whatever the agent does, so one seed gives one trace for all agents (common random numbers).
 * A trace can be recorded and replayed instead.
 */
import { formatValue, unknownKeys } from '../core/format.ts';
import { checkSeed, makeRng, subSeed, type Rng } from '../core/rng.ts';
import { dataEquivalence } from '../core/data-equivalence.ts';
import { InvalidArgumentError } from '../core/errors.ts';
import { ArrivalSampler } from './arrivals.ts';
import { sampleBudgets } from './budgets.ts';
import { ChannelSampler } from './channel.ts';
import type { CompiledScenario } from './scenario/compile.ts';
import { LIMIT } from './scenario/limits.ts';
import { createSlotState, type MutableSlotState } from './slot-state.ts';
import type { SlotState } from './system.ts';

/** A recorded exogenous trace (JSON-serialisable): slot t's arrays at [t * size, (t + 1) * size). */
export interface ExogenousTrace {
  /** Number of devices. */
  readonly N: number;
  /** Number of gateways. */
  readonly M: number;
  /** Number of APs. */
  readonly J: number;
  /** Number of recorded slot states. */
  readonly length: number;
  /** D_n(t), data points per device (N per slot). */
  readonly arrivals: number[];
  /** g_m(t), channel power gain per gateway (linear, M per slot). */
  readonly gain: number[];
  /** E_m^G(t), energy budget per gateway (J, M per slot). */
  readonly gatewayBudget: number[];
  /** E_j^A(t), energy budget per AP (J, J per slot). */
  readonly apBudget: number[];
  /** The uniform of the sampled block race, one per slot. */
  readonly raceDraw: number[];
  /** The uniform picking the race winner, one per slot. */
  readonly winnerDraw: number[];
}

/** Draws slot states from the scenario's random processes. */
export class ExogenousProcess {
  private readonly system: CompiledScenario;
  private readonly arrivals: ArrivalSampler;
  private readonly channel: ChannelSampler;
  private arrivalRng: Rng = makeRng(0);
  private channelRng: Rng = makeRng(0);
  private budgetRng: Rng = makeRng(0);
  private miningRng: Rng = makeRng(0);

  /** @param arrivals the arrival sampler, which holds only tables of `system` and so may be shared by copies of it (per-episode state of the arrivals belongs here, see `ArrivalSampler`) */
  constructor(system: CompiledScenario, arrivals = new ArrivalSampler(system.exogenous.arrivals, system.N)) {
    this.system = system;
    this.arrivals = arrivals;
    this.channel = new ChannelSampler(system.exogenous.fading, system.meanGain);
  }

  /** Re-seed the four streams from `seed` and draw slot 0 into `state`. */
  start(seed: number | string, state: MutableSlotState): void {
    this.arrivalRng = makeRng(subSeed(seed, 'arrivals'));
    this.channelRng = makeRng(subSeed(seed, 'channel'));
    this.budgetRng = makeRng(subSeed(seed, 'budgets'));
    this.miningRng = makeRng(subSeed(seed, 'mining'));
    this.channel.start(this.channelRng, state.gain);
    this.drawRest(state, 0);
  }

  /**
   * Draw the next state of the streams into `state`, as the episode's slot `t` (a trace of
   * arrivals reads its row t: the episode's slot, not a count of draws, which an unseeded reset
   * carries on from the last episode).
   */
  next(state: MutableSlotState, t: number): void {
    this.channel.next(this.channelRng, state.gain);
    this.drawRest(state, t);
  }

  private drawRest(state: MutableSlotState, t: number): void {
    const exo = this.system.exogenous;
    this.arrivals.sample(this.arrivalRng, t, state.arrivals);
    sampleBudgets(exo.gatewayBudget, this.budgetRng, state.gatewayBudget);
    sampleBudgets(exo.apBudget, this.budgetRng, state.apBudget);
    state.raceDraw = this.miningRng();
    state.winnerDraw = this.miningRng();
  }
}

/** Appends slot states to a growing trace. */
export class TraceRecorder {
  private readonly system: { N: number; M: number; J: number };
  private readonly arrivals: number[] = [];
  private readonly gain: number[] = [];
  private readonly gatewayBudget: number[] = [];
  private readonly apBudget: number[] = [];
  private readonly raceDraw: number[] = [];
  private readonly winnerDraw: number[] = [];
  private length = 0;

  constructor(system: { N: number; M: number; J: number }) {
    this.system = system;
  }

  /** Appends one slot state (copied). */
  record(state: SlotState): void {
    for (const x of state.arrivals) this.arrivals.push(x);
    for (const x of state.gain) this.gain.push(x);
    for (const x of state.gatewayBudget) this.gatewayBudget.push(x);
    for (const x of state.apBudget) this.apBudget.push(x);
    this.raceDraw.push(state.raceDraw);
    this.winnerDraw.push(state.winnerDraw);
    this.length++;
  }

  /** A copy of the trace recorded so far. */
  trace(): ExogenousTrace {
    const { N, M, J } = this.system;
    return {
      N,
      M,
      J,
      length: this.length,
      arrivals: [...this.arrivals],
      gain: [...this.gain],
      gatewayBudget: [...this.gatewayBudget],
      apBudget: [...this.apBudget],
      raceDraw: [...this.raceDraw],
      winnerDraw: [...this.winnerDraw],
    };
  }
}

/** Largest linear uplink gain a replayed trace may hold. */
const MAX_TRACE_GAIN = 1e9;
/**
 * Bound (exclusive) on each key of a replayed trace: a thousand times what a scenario can draw
 * (its arrival rates and budgets are capped by LIMIT), so that no float32 observation and no
 * product the model forms overflows (a hand-edited 1e300 arrival observed Infinity).
 */
const TRACE_HIGH = { arrivals: 1e3 * LIMIT.arrivals, gain: MAX_TRACE_GAIN, gatewayBudget: 1e3 * LIMIT.energy, apBudget: 1e3 * LIMIT.energy, raceDraw: 1, winnerDraw: 1 } as const;

/**
 * The least positive budget a replayed trace may hold: the least a scenario draws (a uniform
 * budget's max times Alea's least positive uniform), far above where energies underflow to 0
 * against it (a budget of 1e-300 J made every slot look feasible to the env).
 */
const TRACE_LEAST_BUDGET = LIMIT.minEnergy * 2 ** -32;

const TRACE_KEYS: ReadonlyArray<keyof ExogenousTrace> = ['N', 'M', 'J', 'length', 'arrivals', 'gain', 'gatewayBudget', 'apBudget', 'raceDraw', 'winnerDraw'];

/** Numbers per slot state of each array of a trace of `system`. */
function slotStateSizes(system: { N: number; M: number; J: number }) {
  return { arrivals: system.N, gain: system.M, gatewayBudget: system.M, apBudget: system.J, raceDraw: 1, winnerDraw: 1 } as const;
}

/** Why `trace` cannot be replayed on `system` for `slots` slots (`undefined` if it can). */
export function explainTrace(trace: ExogenousTrace, system: { N: number; M: number; J: number }, slots: number): string | undefined {
  if (typeof trace !== 'object' || trace === null || Array.isArray(trace)) return `a trace is an object (from drawTrace or bdt-gym run --save-trace), got ${Array.isArray(trace) ? 'an array' : String(trace)}`;
  const unknown = unknownKeys(trace, TRACE_KEYS);
  if (unknown !== undefined) return `unknown ${unknown} (a trace has ${TRACE_KEYS.join(', ')})`;
  for (const key of ['N', 'M', 'J'] as const) if (trace[key] !== system[key]) return `trace.${key} = ${trace[key]}, the system has ${system[key]}`;
  if (!(trace.length >= slots)) return `trace.length = ${trace.length}: an episode needs at least ${slots} slot states`;
  const sizes = slotStateSizes(system);
  for (const [key, size] of Object.entries(sizes) as Array<[keyof typeof sizes, number]>) {
    const values = trace[key];
    if (!Array.isArray(values) || values.length !== trace.length * size) return `trace.${key}: expected ${trace.length * size} numbers, got ${Array.isArray(values) ? values.length : typeof values}`;
    // the mining draws are uniforms on [0, 1): a 1 would make the block time infinite;
    // a gain of 0 would be an infinite fade (-Infinity dB observed, NaN energies), and one past
    // MAX_TRACE_GAIN (the sampler's largest is about 2e7, at the 1 cm the schema allows) could
    // overflow the SNR to Infinity
    const high = TRACE_HIGH[key];
    const positive = key === 'gain';
    const integer = key === 'arrivals';
    const budget = key === 'gatewayBudget' || key === 'apBudget';
    const bad = values.findIndex((x) => typeof x !== 'number' || !((positive ? x > 0 : x >= 0) && x < high) || (integer && !Number.isInteger(x)) || (budget && x > 0 && x < TRACE_LEAST_BUDGET));
    if (bad >= 0) return `trace.${key}[${bad}] = ${typeof values[bad] === 'number' ? values[bad] : JSON.stringify(values[bad])}: must be ${integer ? 'an integer' : 'a number'} ${positive ? '> 0' : '>= 0'} and < ${high}${budget ? `, and 0 or at least ${TRACE_LEAST_BUDGET.toPrecision(3)} J (the least positive budget a scenario draws)` : ''}`;
  }
  return undefined;
}

/**
 * Whether traces `a` and `b` (ones explainTrace takes for `slots` slots) replay the same episode
 * of `slots` slots: equal N, M, J and first `slots` slot states (dataEquivalence, element by
 * element, in place). The states past them, the final observation's among them, are left out: no
 * decision or metric depends on them, so traces of one seed drawn to different lengths are the
 * same. Unlike comparing their JSON, it holds no string of a long trace (a 450k-slot
 * BDT-large-v0 trace passes V8's string limit), nor any copy.
 */
export function sameTrace(a: ExogenousTrace, b: ExogenousTrace, slots: number): boolean {
  if (a === b) return true;
  if (a.N !== b.N || a.M !== b.M || a.J !== b.J) return false;
  for (const [key, size] of Object.entries(slotStateSizes(a)) as Array<[keyof ReturnType<typeof slotStateSizes>, number]>) {
    const x = a[key];
    const y = b[key];
    for (let i = 0; i < slots * size; i++) if (!dataEquivalence(x[i], y[i])) return false;
  }
  return true;
}

/** Slot state `t` of `trace` into `state` (slots past the end repeat the last one). */
export function readTrace(trace: ExogenousTrace, t: number, state: MutableSlotState): void {
  const i = Math.min(t, trace.length - 1);
  const { N, M, J } = trace;
  for (let n = 0; n < N; n++) state.arrivals[n] = trace.arrivals[i * N + n]!;
  for (let m = 0; m < M; m++) {
    state.gain[m] = trace.gain[i * M + m]!;
    state.gatewayBudget[m] = trace.gatewayBudget[i * M + m]!;
  }
  for (let j = 0; j < J; j++) state.apBudget[j] = trace.apBudget[i * J + j]!;
  state.raceDraw = trace.raceDraw[i]!;
  state.winnerDraw = trace.winnerDraw[i]!;
}

/**
 * The exogenous trace of `seed`: the `length` slot states an episode started with
 * `reset({seed})` sees (slot 0 first). An episode of T slots uses T + 1 states (the last is the
 * final observation's). A seed `reset` refuses, or a `length` that is no integer >= 1, throws an
 * InvalidArgumentError (a string seed, a sub-stream's, passes).
 */
export function drawTrace(system: CompiledScenario, seed: number | string, length = system.slots + 1): ExogenousTrace {
  checkSeed(seed, 'drawTrace', { strings: true });
  if (!(Number.isSafeInteger(length) && length >= 1)) throw new InvalidArgumentError(`drawTrace: length = ${formatValue(length)} must be an integer >= 1 (the number of slot states; an episode of T slots uses T + 1)`);
  const process = new ExogenousProcess(system);
  const state = createSlotState(system);
  const recorder = new TraceRecorder(system);
  process.start(seed, state);
  recorder.record(state);
  for (let t = 1; t < length; t++) {
    process.next(state, t);
    recorder.record(state);
  }
  return recorder.trace();
}
