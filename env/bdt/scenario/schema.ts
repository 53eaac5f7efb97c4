/**
 * The scenario file: every parameter of a B-DT system and its random processes, validated by
 * zod. Per-node parameters take one number (the same for every node) or an array with one entry
 * per node. Cross-field rules (matrix sizes, one gateway per device, U^min <= U^max, known DNN
 * names) are checked by a refinement with issues at the offending path.
 *
 * Marks: [letter] from the letter's equations, [reconstructed] standard models of the
 * literature chosen to complete it (see docs/MODEL.md).
 */
import * as z from 'zod';
import { scenarioDnnSpecSchema } from '../dnn/index.ts';
import { checkScenario } from './check.ts';
import { LIMIT } from './limits.ts';
import { BLOCK_TIME_MODES, CONSENSUS_MECHANISMS, REPUTATION_KINDS } from '../system.ts';

/** The choices of the scenario's string fields (compile.ts keeps them as these literals); the system's own are listed in system.ts. */
export { REPUTATION_KINDS, CONSENSUS_MECHANISMS, BLOCK_TIME_MODES };
/** The scenario's reward modes (`reward.mode`). */
export const REWARD_MODES = ['dpp', 'dpp-exact', 'latency'] as const;


const positive = (description: string, max: number) => z.number().positive().max(max).describe(description);
const between = (description: string, [min, max]: readonly [number, number]) => z.number().min(min).max(max).describe(description);
const nonNegative = (description: string, max: number) => z.number().nonnegative().max(max).describe(description);

/** One positive number (at most `max`) for every node, or one per node. */
const perNodeNonNegative = (description: string, max: number) =>
  z.union([z.number().nonnegative().max(max), z.array(z.number().nonnegative().max(max)).min(1)]).describe(`${description}; one number for all, or an array with one per node`);
/** `rule`: a rule across fields, which the JSON Schema cannot state, said last in the description. */
const perNodeCount = (description: string, max: number, rule?: string) =>
  z.union([z.number().int().nonnegative().max(max), z.array(z.number().int().nonnegative().max(max)).min(1)]).describe(`${description}; one number for all, or an array with one per node${rule === undefined ? '' : `; ${rule}`}`);
const perNodeBetween = (description: string, [min, max]: readonly [number, number]) =>
  z.union([z.number().min(min).max(max), z.array(z.number().min(min).max(max)).min(1)]).describe(`${description}; one number for all, or an array with one per node`);

/** 0 or a number in [min, max] for every node, or one per node (a budget: none, or one the model's energies do not underflow against). */
const zeroOrBetween = (min: number, max: number) => z.union([z.literal(0), z.number().min(min, `Too small: expected 0 or a number >=${min}`).max(max)]);
const perNodeZeroOrBetween = (description: string, [min, max]: readonly [number, number], rule?: string) =>
  z.union([zeroOrBetween(min, max), z.array(zeroOrBetween(min, max)).min(1)]).describe(`${description}: 0 or in [${min}, ${max}]; one number for all, or an array with one per node${rule === undefined ? '' : `; ${rule}`}`);

const binaryMatrix = (description: string) => z.array(z.array(z.union([z.literal(0), z.literal(1)])).min(1)).min(1).describe(description);

const explicitTopology = z
  .strictObject({
    kind: z.literal('explicit').describe('Topology variant: the a and b matrices are given'),
    a: binaryMatrix('Device-to-gateway matrix a[n][m] in {0,1}, N rows x M columns, exactly one 1 per row [letter]'),
    b: binaryMatrix('Gateway-to-AP matrix b[m][j] in {0,1}, M rows x J columns, exactly one 1 per row; every AP (column) serves at least one device'),
  })
  .describe('Topology given by the a and b matrices');

/** Index lists: what the matrices say in O(N + M) numbers, for systems whose a matrix (N x M) would be megabytes. */
const assignmentTopology = z
  .strictObject({
    kind: z.literal('assignment').describe('Topology variant: the gateway of each device and the AP of each gateway are given as indices'),
    gatewayOf: z.array(z.number().int().nonnegative().max(LIMIT.nodes - 1)).min(1).describe('Gateway index m of each device n (a[n][m] = 1), N entries, each below M (the length of apOf)'),
    apOf: z.array(z.number().int().nonnegative().max(LIMIT.nodes - 1)).min(1).describe('AP index j of each gateway m (b[m][j] = 1), M entries; J is the largest plus 1, and every AP 0..J-1 serves at least one device'),
  })
  .describe('Topology given as index lists, the a and b matrices in O(N + M) numbers');

const randomTopology = z
  .strictObject({
    kind: z.literal('random').describe('Topology variant: drawn from counts and a seed'),
    devices: z.number().int().positive().max(LIMIT.nodes).describe('N, number of IIoT devices (count)'),
    gateways: z.number().int().positive().max(LIMIT.nodes).describe('M, number of gateways (count); every gateway gets at least one device, so M <= N'),
    aps: z.number().int().positive().max(LIMIT.nodes).describe('J, number of APs (count); every AP gets at least one gateway, so J <= M'),
    seed: z.number().int().describe('Seed of the draw (integer); the same seed always gives the same matrices'),
  })
  .describe('Topology drawn from counts and a seed: uniform assignment, every gateway and AP covered');

const rawProfile = z
  .strictObject({
    unitFlops: z.array(z.number().nonnegative().max(LIMIT.flops)).min(1).describe('chi^l, FLOPs per data point of each partition unit l = 1..L (FLOP)'),
    outputBits: z
      .array(z.number().nonnegative().max(LIMIT.bits))
      .min(2)
      .describe('s^l, bits per data point of the input (l = 0) and of each unit output l = 1..L (bits); length L + 1'),
  })
  .describe('A measured DNN profile given directly');

const arrivals = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('poisson').describe('Arrival variant: Poisson(lambda_n) per slot'), rate: perNodeNonNegative('lambda_n, mean data points per slot per device (points/slot)', LIMIT.arrivals) }),
    z.strictObject({
      kind: z.literal('uniform').describe('Variant: uniform per slot on [min, max]'),
      min: perNodeCount('Smallest arrival count per slot (points/slot, integer)', LIMIT.arrivals, 'at most max'),
      max: perNodeCount('Largest arrival count per slot (points/slot, integer)', LIMIT.arrivals),
    }),
    z.strictObject({
      kind: z.literal('trace').describe('Arrival variant: replay of recorded counts'),
      values: z
        .array(z.array(z.number().int().nonnegative().max(LIMIT.arrivals)).min(1))
        .min(1)
        .describe('D_n(t) per slot: rows are slots, each with N entries (points/slot); replayed cyclically when shorter than the episode'),
    }),
  ])
  .describe('Arrival process D_n(t): Poisson (default), uniform integers, or a trace');

const budget = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('constant').describe('Budget variant: the same budget every slot'), joules: perNodeBetween('Energy budget per slot (J)', [LIMIT.minEnergy, LIMIT.energy]) }),
    z.strictObject({
      kind: z.literal('uniform').describe('Variant: uniform per slot on [min, max]'),
      min: perNodeZeroOrBetween('Smallest budget per slot (J)', [LIMIT.minEnergy, LIMIT.energy], 'at most max'),
      max: perNodeBetween('Largest budget per slot (J)', [LIMIT.minEnergy, LIMIT.energy]),
    }),
  ])
  .describe('Energy budget per slot: constant, or uniform per slot (energy harvesting)');

const fading = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('rayleigh').describe('Fading variant: i.i.d. Rayleigh') }).describe('i.i.d. block Rayleigh fading: h ~ Exp(1) each slot'),
    z
      .strictObject({
        kind: z.literal('gauss-markov').describe('Fading variant: first-order Gauss-Markov (correlated) Rayleigh'),
        correlation: z.number().min(0).max(1).describe('rho, correlation of the complex amplitude between consecutive slots (dimensionless); 0 = i.i.d.'),
      })
      .describe('Correlated Rayleigh fading: amplitude x(t) = rho x(t-1) + sqrt(1 - rho^2) w(t), h = |x|^2 ~ Exp(1)'),
  ])
  .describe('Small-scale fading h_m(t) [reconstructed]');

const distance = z
  .union([
    perNodeBetween('Gateway-to-AP distance (m)', LIMIT.distance),
    z.strictObject({ min: z.number().min(LIMIT.distance[0]).max(LIMIT.distance[1]).describe('Smallest distance (m); at most max'), max: z.number().min(LIMIT.distance[0]).max(LIMIT.distance[1]).describe('Largest distance (m)') }).describe('Distances drawn uniformly (m), once, with the seed of a random topology (seed 0 for an explicit one)'),
  ])
  .describe('Gateway-to-AP distance d_m (m), from which the mean gain gbar_m = 10^(-PL/10), PL = 128.1 + 37.6 log10(d/km) dB [reconstructed]');

/**
 * The zod schema of a whole B-DT scenario (what `parseScenario` checks a scenario file against):
 * topology, DNNs, random processes and every model parameter, with units in each field's
 * description; its refinement checks the rules across fields (uMin <= uMax, per-node array sizes).
 */
export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of the JSON Schema, for editors (ignored)'),
    name: z.string().min(1).describe('Scenario name'),
    description: z.string().optional().describe('Free text: what this scenario is for'),
    slots: z.number().int().positive().max(LIMIT.slots).describe('T, number of slots of an episode (count); the episode is truncated after T steps'),
    topology: z.discriminatedUnion('kind', [explicitTopology, assignmentTopology, randomTopology]).describe('Devices, gateways, APs and the a, b matrices'),
    dnns: z
      .record(z.string().min(1), z.union([rawProfile, scenarioDnnSpecSchema]))
      .default({})
      .describe('Custom DNNs by name: a layer spec (profiled by shape arithmetic; its key here is its name: `name` may be left out, and a differing one is ignored, with a warning) or a measured profile; no name may be a built-in one (alexnet, vgg16, ...)'),
    devices: z
      .strictObject({
        dnn: z
          .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
          .describe('DNN of each DT: a built-in or custom name for all, or one per device (names)'),
        arrivals,
      })
      .describe('IIoT devices and their DTs'),
    gateways: z
      .strictObject({
        freq: perNodeBetween('f_m^G, gateway CPU clock (cycles/s)', LIMIT.freq),
        flopsPerCycle: perNodeBetween('phi_m^G, FLOPs per cycle of the gateway (FLOP/cycle)', LIMIT.flopsPerCycle),
        kappa: perNodeBetween('kappa_G, effective switched capacitance (J s^2/cycle^3)', LIMIT.kappa),
        txPower: perNodeBetween('p_m, uplink transmit power (W)', LIMIT.txPower),
        bandwidth: perNodeBetween('B_m, uplink bandwidth (Hz)', LIMIT.bandwidth),
        energyBudget: budget,
      })
      .describe('Gateways hosting the DTs (bottom layers)'),
    aps: z
      .strictObject({
        maxFreq: perNodeBetween('f_j^max, AP CPU clock limit (cycles/s)', LIMIT.freq),
        flopsPerCycle: perNodeBetween('phi_j^A, FLOPs per cycle of the AP (FLOP/cycle)', LIMIT.flopsPerCycle),
        kappa: perNodeBetween('kappa_A, effective switched capacitance (J s^2/cycle^3)', LIMIT.kappa),
        energyBudget: budget,
      })
      .describe('Access points (top layers and mining)'),
    channel: z
      .strictObject({
        noiseDbmPerHz: z.number().min(LIMIT.noiseDbmPerHz[0]).max(LIMIT.noiseDbmPerHz[1]).default(-174).describe('N0, noise power spectral density (dBm/Hz)'),
        distance,
        fading: fading.default({ kind: 'rayleigh' }),
      })
      .describe('Gateway-to-AP uplinks [reconstructed]'),
    reputation: z
      .strictObject({
        kind: z.enum(REPUTATION_KINDS).default('exponential').describe('g of equation (1) [reconstructed]: 1 - exp(-x), min(1, x), ln(1+x)/(1+ln(1+x)) with x = O/O_ref'),
        scale: between('O_ref, the offloaded work per slot at which g reaches its reference value (FLOP)', LIMIT.referenceWork),
      })
      .describe('Off-chain reputation U_j = g(O_j) [letter eq. (1)-(2)]'),
    consensus: z
      .strictObject({
        mechanism: z.enum(CONSENSUS_MECHANISMS).default('reputation').describe("'reputation': gamma = exp(-alpha U - beta) [letter eq. (3)]; 'pow': gamma = exp(-beta), no reputation stake (WTCM)"),
        alpha: nonNegative('alpha, weight of the reputation in the difficulty (dimensionless)', LIMIT.difficulty),
        beta: z.number().min(-LIMIT.difficulty).max(LIMIT.difficulty).describe('beta, offset of the difficulty (dimensionless)'),
        puzzleCycles: between('W_0, expected cycles to solve a puzzle of difficulty 1 (cycles) [reconstructed]', LIMIT.puzzleCycles),
        blockTime: z.enum(BLOCK_TIME_MODES).default('expected').describe("tau^bloc: 'expected' = 1/sum lambda, 'sampled' = Exp(sum lambda) race"),
      })
      .describe('Reputation-based PoW consensus'),
    lyapunov: z
      .strictObject({
        V: nonNegative('V, weight of latency against the queue drift in Psi (1/s)', LIMIT.V),
        uMin: z.number().min(0).max(1).describe('U^min, lower bound of the time-average reputation in C6 (dimensionless); at most uMax'),
        uMax: z.number().min(0).max(1).describe('U^max, upper bound of the time-average reputation in C6 (dimensionless); at least uMin'),
      })
      .describe('Long-term constraint C6 and the drift-plus-penalty weight'),
    reward: z
      .strictObject({
        mode: z.enum(REWARD_MODES).default('dpp').describe("'dpp': -Psi(t); 'dpp-exact': -(V tau + L(t+1) - L(t)); 'latency': -tau"),
        energyPenalty: nonNegative('Reward charged per J of energy over budget, summed over gateways and APs (1/J, in reward units)', LIMIT.energyPenalty).default(0),
        latencyCap: positive('Largest latency charged in the reward (s); an unfinished slot (tau = infinity, e.g. no AP cycles for offloaded work) counts as this', LIMIT.latencyCap).default(60),
      })
      .prefault({})
      .describe('Reward of the env'),
  })
  .superRefine(checkScenario)
  .describe('A B-DT scenario: topology, DNNs, random processes and every model parameter. Rules across fields, which this JSON Schema cannot state, are in the fields\' descriptions (sizes of per-node arrays, min <= max, uMin <= uMax, every AP serving a device, DNN names); `bdt-gym check-scenario FILE` checks them all');

/** A validated scenario, defaults filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written in JSON (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
