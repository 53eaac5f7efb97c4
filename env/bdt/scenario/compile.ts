/**
 * Scenario -> compiled system: validated JSON in, flat typed arrays out. Random topologies and
 * distances are drawn here, once, from their own seeded streams.
 */
import { assertNever } from '../../core/errors.ts';
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
    /** `values[t * N + n]`, `rows` slots, replayed cyclically (counts: integers up to 1e6, 4 bytes each). */
    | { readonly kind: 'trace'; readonly values: Uint32Array; readonly rows: number };
  readonly fading: { readonly kind: 'rayleigh' } | { readonly kind: 'gauss-markov'; readonly correlation: number };
  readonly gatewayBudget: PerNodeProcess;
  readonly apBudget: PerNodeProcess;
}

/** What the reward charges (`reward.mode` of the scenario). */
export type RewardMode = (typeof REWARD_MODES)[number];

/** Reward settings of the env. */
export interface RewardSettings {
  readonly mode: RewardMode;
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

/** A node count and what the nodes are, for the length check of per-node arrays. */
interface Nodes {
  readonly count: number;
  readonly noun: 'device' | 'gateway' | 'AP';
}

/** A per-node array at `path` whose length is not the node count. */
function lengthError(path: string, length: number, nodes: Nodes): Error {
  return new Error(`compileScenario: ${path} has ${length} entries; expected ${nodes.count} (one per ${nodes.noun}); validate the scenario with parseScenario first`);
}

/**
 * `value` (one number for all, or one per node) with one entry per node. check.ts refuses a
 * wrong length with the user-facing message; this is the backstop for a scenario that skipped
 * it (not parsed, or a kind whose check is missing), which would read past the array's end.
 */
function perNode(value: number | readonly number[], nodes: Nodes, path: string): Float64Array {
  if (typeof value === 'number') return new Float64Array(nodes.count).fill(value);
  if (value.length !== nodes.count) throw lengthError(path, value.length, nodes);
  return Float64Array.from(value);
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

function budgetProcess(block: Scenario['gateways']['energyBudget'], nodes: Nodes, path: string): PerNodeProcess {
  switch (block.kind) {
    case 'constant':
      return { kind: 'constant', value: perNode(block.joules, nodes, `${path}.joules`) };
    case 'uniform':
      return { kind: 'uniform', min: perNode(block.min, nodes, `${path}.min`), max: perNode(block.max, nodes, `${path}.max`) };
    default:
      return assertNever(block, `compileScenario (${path}): budget kind`);
  }
}

function arrivalsModel(arrivals: Scenario['devices']['arrivals'], devices: Nodes): ExogenousModel['arrivals'] {
  const path = 'devices.arrivals';
  switch (arrivals.kind) {
    case 'poisson':
      return { kind: 'poisson', rate: perNode(arrivals.rate, devices, `${path}.rate`) };
    case 'uniform':
      return { kind: 'uniform', min: perNode(arrivals.min, devices, `${path}.min`), max: perNode(arrivals.max, devices, `${path}.max`) };
    case 'trace': {
      // filled row by row: `values.flat()` held a second array of the whole trace (8 bytes a count)
      const values = new Uint32Array(arrivals.values.length * devices.count);
      arrivals.values.forEach((row, t) => {
        if (row.length !== devices.count) throw lengthError(`${path}.values[${t}]`, row.length, devices);
        values.set(row, t * devices.count);
      });
      return { kind: 'trace', values, rows: arrivals.values.length };
    }
    default:
      return assertNever(arrivals, `compileScenario (${path}): arrivals kind`);
  }
}

/** The fading model, its kind a literal (see `literal`). */
function fadingModel(fading: Scenario['channel']['fading']): ExogenousModel['fading'] {
  switch (fading.kind) {
    case 'rayleigh':
      return { kind: 'rayleigh' };
    case 'gauss-markov':
      return { kind: 'gauss-markov', correlation: fading.correlation };
    default:
      return assertNever(fading, 'compileScenario (channel.fading): fading kind');
  }
}

/** Compile a validated scenario (see `parseScenario`) into flat typed arrays. */
export function compileScenario(scenario: Scenario): CompiledScenario {
  const counts = topologyCounts(scenario.topology);
  if (!counts) throw new Error('compileScenario: invalid topology (validate with parseScenario first)');
  const { N, M, J } = counts;
  const devices: Nodes = { count: N, noun: 'device' };
  const gateways: Nodes = { count: M, noun: 'gateway' };
  const aps: Nodes = { count: J, noun: 'AP' };
  const topology = scenario.topology;
  let topologySeed: number;
  let gatewayOf: Int32Array;
  let apOf: Int32Array;
  switch (topology.kind) {
    case 'random':
      topologySeed = topology.seed;
      gatewayOf = coverAssign(N, M, makeRng(subSeed(topologySeed, 'devices')));
      apOf = coverAssign(M, J, makeRng(subSeed(topologySeed, 'gateways')));
      break;
    case 'explicit':
      topologySeed = 0;
      gatewayOf = Int32Array.from(topology.a, indexOfOne);
      apOf = Int32Array.from(topology.b, indexOfOne);
      break;
    case 'assignment':
      topologySeed = 0;
      gatewayOf = Int32Array.from(topology.gatewayOf);
      apOf = Int32Array.from(topology.apOf);
      break;
    default:
      return assertNever(topology, 'compileScenario: topology kind');
  }

  const dnn = scenario.devices.dnn;
  if (typeof dnn !== 'string' && dnn.length !== N) throw lengthError('devices.dnn', dnn.length, devices);
  const dnnNames = typeof dnn === 'string' ? new Array<string>(N).fill(dnn) : [...dnn];
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
  if (typeof d === 'number' || Array.isArray(d)) distance = perNode(d, gateways, 'channel.distance');
  else {
    const rng = makeRng(subSeed(topologySeed, 'distance'));
    distance = Float64Array.from({ length: M }, () => d.min + (d.max - d.min) * rng());
  }

  const exogenous: ExogenousModel = {
    arrivals: arrivalsModel(scenario.devices.arrivals, devices),
    fading: fadingModel(scenario.channel.fading),
    gatewayBudget: budgetProcess(scenario.gateways.energyBudget, gateways, 'gateways.energyBudget'),
    apBudget: budgetProcess(scenario.aps.energyBudget, aps, 'aps.energyBudget'),
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
    gatewayFreq: perNode(scenario.gateways.freq, gateways, 'gateways.freq'),
    gatewayFlopsPerCycle: perNode(scenario.gateways.flopsPerCycle, gateways, 'gateways.flopsPerCycle'),
    gatewayKappa: perNode(scenario.gateways.kappa, gateways, 'gateways.kappa'),
    txPower: perNode(scenario.gateways.txPower, gateways, 'gateways.txPower'),
    bandwidth: perNode(scenario.gateways.bandwidth, gateways, 'gateways.bandwidth'),
    meanGain: distance.map(meanGainAt),
    noisePsd: dbmToWatts(scenario.channel.noiseDbmPerHz),
    apMaxFreq: perNode(scenario.aps.maxFreq, aps, 'aps.maxFreq'),
    apFlopsPerCycle: perNode(scenario.aps.flopsPerCycle, aps, 'aps.flopsPerCycle'),
    apKappa: perNode(scenario.aps.kappa, aps, 'aps.kappa'),
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
