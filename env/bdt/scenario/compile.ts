/**
 * Scenario -> compiled system: validated JSON in, flat typed arrays out. Random topologies and
 * distances are drawn here, once, from their own seeded streams.
 */
import { makeRng, subSeed, type Rng } from '../../core/rng.ts';
import type { BdtSystem } from '../system.ts';
import { resolveDnn, type CustomDnn } from './dnn-source.ts';
import { BLOCK_TIME_MODES, CONSENSUS_MECHANISMS, REPUTATION_KINDS, REWARD_MODES, type Scenario } from './schema.ts';
import { topologyCounts } from './check.ts';

/** A per-node quantity sampled per slot: constant, or uniform on [min, max]. */
export type PerNodeProcess = { readonly kind: 'constant'; readonly value: Float64Array } | { readonly kind: 'uniform'; readonly min: Float64Array; readonly max: Float64Array };

/** The exogenous random processes of a compiled scenario. */
export interface ExogenousModel {
  readonly arrivals:
    | { readonly kind: 'poisson'; readonly rate: Float64Array }
    | { readonly kind: 'uniform'; readonly min: Float64Array; readonly max: Float64Array }
    /** `values[t * N + n]`, `rows` slots, replayed cyclically. */
    | { readonly kind: 'trace'; readonly values: Float64Array; readonly rows: number };
  readonly fading: { readonly kind: 'rayleigh' } | { readonly kind: 'gauss-markov'; readonly correlation: number };
  readonly gatewayBudget: PerNodeProcess;
  readonly apBudget: PerNodeProcess;
}

/** Reward settings of the env. */
export interface RewardSettings {
  readonly mode: 'dpp' | 'dpp-exact' | 'latency';
  /** Reward charged per J over budget (1/J). */
  readonly energyPenalty: number;
  /** Largest latency charged in the reward (s). */
  readonly latencyCap: number;
}

/** A compiled scenario: the system every model function takes, plus what the env needs. */
export interface CompiledScenario extends BdtSystem {
  /** The validated scenario this was compiled from. */
  readonly scenario: Scenario;
  /** T, slots per episode. */
  readonly slots: number;
  /** DNN name of each device (length N). */
  readonly dnnNames: readonly string[];
  /** Gateway-to-AP distance d_m (m, length M). */
  readonly distance: Float64Array;
  readonly exogenous: ExogenousModel;
  readonly reward: RewardSettings;
}

/** Boltzmann noise floor in dBm/Hz is -174; this converts dBm/Hz to W/Hz. */
export function dbmToWatts(dbm: number): number {
  return 10 ** (dbm / 10) / 1000;
}

/** Path loss (dB) at `distance` metres [reconstructed]: 128.1 + 37.6 log10(d / 1 km) (3GPP TR 36.814 urban macro). */
export function pathLossDb(distance: number): number {
  return 128.1 + 37.6 * Math.log10(distance / 1000);
}

/** Mean channel power gain gbar (linear) at `distance` metres: 10^(-PL/10). */
export function meanGainAt(distance: number): number {
  return 10 ** (-pathLossDb(distance) / 10);
}

function perNode(value: number | readonly number[], count: number): Float64Array {
  return typeof value === 'number' ? new Float64Array(count).fill(value) : Float64Array.from(value);
}

function shuffled(count: number, rng: Rng): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const k = Math.floor(rng() * (i + 1));
    const tmp = order[i]!;
    order[i] = order[k]!;
    order[k] = tmp;
  }
  return order;
}

/** `items` nodes assigned to `bins` so every bin gets one (a random permutation covers them), the rest uniformly. */
function coverAssign(items: number, bins: number, rng: Rng): Int32Array {
  const order = shuffled(items, rng);
  const out = new Int32Array(items);
  for (let i = 0; i < items; i++) out[order[i]!] = i < bins ? i : Math.floor(rng() * bins);
  return out;
}

function indexOfOne(row: readonly number[]): number {
  return row.indexOf(1);
}

/**
 * `value` as the literal of `options` it equals. A scenario may hold copied strings (the
 * registered ids' scenarios are structuredClone copies, which V8 does not internalise), and V8
 * compares such a string with a literal through a builtin call, character by character, instead
 * of by pointer; the step compares kinds and modes with literals several times a slot (BDT-v0:
 * 3.7% more steps per CPU-second with literals). The fading and budget kinds are literals for
 * the same reason.
 */
function literal<T extends string>(value: T, options: readonly T[]): T {
  for (const option of options) if (option === value) return option;
  return value;
}

function budgetProcess(block: Scenario['gateways']['energyBudget'], count: number): PerNodeProcess {
  return block.kind === 'constant' ? { kind: 'constant', value: perNode(block.joules, count) } : { kind: 'uniform', min: perNode(block.min, count), max: perNode(block.max, count) };
}

/** Compile a validated scenario (see `parseScenario`) into flat typed arrays. */
export function compileScenario(scenario: Scenario): CompiledScenario {
  const counts = topologyCounts(scenario.topology);
  if (!counts) throw new Error('compileScenario: invalid topology (validate with parseScenario first)');
  const { N, M, J } = counts;
  const topology = scenario.topology;
  const topologySeed = topology.kind === 'random' ? topology.seed : 0;
  const gatewayOf = topology.kind === 'random' ? coverAssign(N, M, makeRng(subSeed(topologySeed, 'devices'))) : Int32Array.from(topology.a, indexOfOne);
  const apOf = topology.kind === 'random' ? coverAssign(M, J, makeRng(subSeed(topologySeed, 'gateways'))) : Int32Array.from(topology.b, indexOfOne);

  const dnnNames = typeof scenario.devices.dnn === 'string' ? new Array<string>(N).fill(scenario.devices.dnn) : [...scenario.devices.dnn];
  const custom = scenario.dnns as Record<string, CustomDnn>;
  const profiles = new Map(dnnNames.map((name) => [name, resolveDnn(name, custom)]));
  const unitCount = new Int32Array(N);
  const unitOffset = new Int32Array(N + 1);
  for (let n = 0; n < N; n++) {
    unitCount[n] = profiles.get(dnnNames[n]!)!.unitFlops.length;
    unitOffset[n + 1] = unitOffset[n]! + unitCount[n]! + 1;
  }
  const cumFlops = new Float64Array(unitOffset[N]!);
  const outputBits = new Float64Array(unitOffset[N]!);
  for (let n = 0; n < N; n++) {
    const profile = profiles.get(dnnNames[n]!)!;
    const base = unitOffset[n]!;
    outputBits[base] = profile.outputBits[0]!;
    for (let l = 1; l <= unitCount[n]!; l++) {
      cumFlops[base + l] = cumFlops[base + l - 1]! + profile.unitFlops[l - 1]!;
      outputBits[base + l] = profile.outputBits[l]!;
    }
  }

  const d = scenario.channel.distance;
  let distance: Float64Array;
  if (typeof d === 'number' || Array.isArray(d)) distance = perNode(d, M);
  else {
    const rng = makeRng(subSeed(topologySeed, 'distance'));
    distance = Float64Array.from({ length: M }, () => d.min + (d.max - d.min) * rng());
  }

  const arrivals = scenario.devices.arrivals;
  const fading = scenario.channel.fading;
  const exogenous: ExogenousModel = {
    arrivals:
      arrivals.kind === 'poisson'
        ? { kind: 'poisson', rate: perNode(arrivals.rate, N) }
        : arrivals.kind === 'uniform'
          ? { kind: 'uniform', min: perNode(arrivals.min, N), max: perNode(arrivals.max, N) }
          : { kind: 'trace', values: Float64Array.from(arrivals.values.flat()), rows: arrivals.values.length },
    fading: fading.kind === 'rayleigh' ? { kind: 'rayleigh' } : { kind: 'gauss-markov', correlation: fading.correlation }, // literal kinds (see `literal`)
    gatewayBudget: budgetProcess(scenario.gateways.energyBudget, M),
    apBudget: budgetProcess(scenario.aps.energyBudget, J),
  };

  return {
    N,
    M,
    J,
    gatewayOf,
    apOf,
    unitCount,
    unitOffset,
    cumFlops,
    outputBits,
    gatewayFreq: perNode(scenario.gateways.freq, M),
    gatewayFlopsPerCycle: perNode(scenario.gateways.flopsPerCycle, M),
    gatewayKappa: perNode(scenario.gateways.kappa, M),
    txPower: perNode(scenario.gateways.txPower, M),
    bandwidth: perNode(scenario.gateways.bandwidth, M),
    meanGain: distance.map(meanGainAt),
    noisePsd: dbmToWatts(scenario.channel.noiseDbmPerHz),
    apMaxFreq: perNode(scenario.aps.maxFreq, J),
    apFlopsPerCycle: perNode(scenario.aps.flopsPerCycle, J),
    apKappa: perNode(scenario.aps.kappa, J),
    reputation: { kind: literal(scenario.reputation.kind, REPUTATION_KINDS), scale: scenario.reputation.scale },
    alpha: scenario.consensus.alpha,
    beta: scenario.consensus.beta,
    puzzleCycles: scenario.consensus.puzzleCycles,
    mechanism: literal(scenario.consensus.mechanism, CONSENSUS_MECHANISMS),
    blockTime: literal(scenario.consensus.blockTime, BLOCK_TIME_MODES),
    V: scenario.lyapunov.V,
    uMin: scenario.lyapunov.uMin,
    uMax: scenario.lyapunov.uMax,
    scenario,
    slots: scenario.slots,
    dnnNames,
    distance,
    exogenous,
    reward: { ...scenario.reward, mode: literal(scenario.reward.mode, REWARD_MODES) },
  };
}
