/**
 * Cross-field rules of a scenario that zod's per-field types cannot express: matrix sizes, one
 * gateway per device, a device for every AP, per-node array lengths, min <= max pairs, known
 * DNN names. Each issue names its path, the rule and the offending value.
 */
import type * as z from 'zod';
import { assertNever } from '../../core/errors.ts';
import { builtinDnnNames, isBuiltinDnnName, profileFromSpec, type ScenarioDnnSpecInput } from '../dnn/index.ts';
import { LIMIT } from './limits.ts';

type Ctx = z.RefinementCtx;
type Path = Array<string | number>;

/** One number for every node, or one per node. */
type PerNodeShape = number | number[];
type BudgetShape = { kind: 'constant'; joules: PerNodeShape } | { kind: 'uniform'; min: PerNodeShape; max: PerNodeShape };

/**
 * The shape checkScenario reads (the schema's output type, kept structural to avoid a cycle).
 * The kinds are the schema's unions, so a kind added to the schema does not fit here (a type
 * error at the schema's `superRefine`) until it is added, and then the switches below need its case.
 */
interface ScenarioShape {
  topology: { kind: 'explicit'; a: number[][]; b: number[][] } | { kind: 'assignment'; gatewayOf: number[]; apOf: number[] } | { kind: 'random'; devices: number; gateways: number; aps: number };
  dnns: Record<string, unknown>;
  devices: {
    dnn: string | string[];
    arrivals: { kind: 'poisson'; rate: PerNodeShape } | { kind: 'uniform'; min: PerNodeShape; max: PerNodeShape } | { kind: 'trace'; values: number[][] };
  };
  gateways: { energyBudget: BudgetShape; [key: string]: unknown };
  aps: { energyBudget: BudgetShape; [key: string]: unknown };
  channel: { distance: unknown };
  lyapunov: { uMin: number; uMax: number };
}

function issue(ctx: Ctx, path: Path, message: string, input: unknown): void {
  ctx.addIssue({ code: 'custom', path, message, input });
}

/** N, M and J of a topology. */
interface NodeCounts {
  N: number;
  M: number;
  J: number;
}

/** Node counts of a scenario's topology, or `undefined` when the matrices are malformed (issues added). */
export function topologyCounts(topology: ScenarioShape['topology'], ctx?: Ctx): NodeCounts | undefined {
  switch (topology.kind) {
    case 'random':
      return randomTopologyCounts(topology, ctx);
    case 'explicit':
      return explicitTopologyCounts(topology, ctx);
    case 'assignment':
      return assignmentTopologyCounts(topology, ctx);
    default:
      return assertNever(topology, 'topologyCounts: topology kind');
  }
}

function randomTopologyCounts(topology: Extract<ScenarioShape['topology'], { kind: 'random' }>, ctx: Ctx | undefined): NodeCounts | undefined {
  const { devices: N, gateways: M, aps: J } = topology;
  // a count the schema refused (zod reports it): the per-node checks would loop over it (1e12 hung)
  if (![N, M, J].every((count) => Number.isSafeInteger(count) && count >= 1 && count <= LIMIT.nodes)) return undefined;
  let ok = true;
  if (M > N) (ok = false), ctx && issue(ctx, ['topology', 'gateways'], `rule: gateways <= devices (every gateway needs a device); got ${M} gateways for ${N} devices`, M);
  if (J > M) (ok = false), ctx && issue(ctx, ['topology', 'aps'], `rule: aps <= gateways (every AP needs a gateway); got ${J} APs for ${M} gateways`, J);
  return ok ? { N, M, J } : undefined;
}

function explicitTopologyCounts(topology: Extract<ScenarioShape['topology'], { kind: 'explicit' }>, ctx: Ctx | undefined): NodeCounts | undefined {
  const { a, b } = topology;
  // an empty matrix the schema refused (zod reports it, and runs this refinement all the same)
  if (a.length === 0 || b.length === 0) return undefined;
  const N = a.length;
  const M = a[0]!.length;
  const J = b[0]!.length;
  let ok = true;
  const rule = (path: Path, message: string, value: unknown) => {
    ok = false;
    if (ctx) issue(ctx, path, message, value);
  };
  a.forEach((row, n) => {
    if (row.length !== M) rule(['topology', 'a', n], `rule: every row of a has M = ${M} columns (from row 0); row ${n} has ${row.length}`, row);
    const ones = row.reduce<number>((s, x) => s + x, 0);
    if (ones !== 1) rule(['topology', 'a', n], `rule: device ${n} is served by exactly one gateway (one 1 per row of a); found ${ones}${ones === 0 ? ' (device with no gateway)' : ''}`, row);
  });
  if (b.length !== M) rule(['topology', 'b'], `rule: b has one row per gateway, M = ${M} (columns of a); got ${b.length} rows`, b.length);
  b.forEach((row, m) => {
    if (row.length !== J) rule(['topology', 'b', m], `rule: every row of b has J = ${J} columns (from row 0); row ${m} has ${row.length}`, row);
    const ones = row.reduce<number>((s, x) => s + x, 0);
    if (ones !== 1) rule(['topology', 'b', m], `rule: gateway ${m} is attached to exactly one AP (one 1 per row of b); found ${ones}`, row);
  });
  if (ok) {
    const idle = firstIdleAp(J, a.map((row) => b[row.indexOf(1)]!.indexOf(1)));
    if (idle >= 0) rule(['topology', 'b'], `rule: every AP serves at least one device (through a gateway of its column in b); AP ${idle} serves none, so it would get no work and its reputation would stay 0`, b.map((row) => row[idle]));
  }
  return ok ? { N, M, J } : undefined;
}

function assignmentTopologyCounts(topology: Extract<ScenarioShape['topology'], { kind: 'assignment' }>, ctx: Ctx | undefined): NodeCounts | undefined {
  const { gatewayOf, apOf } = topology;
  // an empty list or an index the schema refused (zod reports it, and runs this refinement all the same)
  const isIndex = (x: number) => Number.isSafeInteger(x) && x >= 0 && x < LIMIT.nodes;
  if (gatewayOf.length === 0 || apOf.length === 0 || !gatewayOf.every(isIndex) || !apOf.every(isIndex)) return undefined;
  const N = gatewayOf.length;
  const M = apOf.length;
  let J = 0;
  for (const j of apOf) J = Math.max(J, j + 1);
  let ok = true;
  gatewayOf.forEach((m, n) => {
    if (m >= M) {
      ok = false;
      if (ctx) issue(ctx, ['topology', 'gatewayOf', n], `rule: a gateway index below M = ${M} (the length of apOf); device ${n} names gateway ${m}`, m);
    }
  });
  if (ok) {
    const idle = firstIdleAp(J, gatewayOf.map((m) => apOf[m]!));
    if (idle >= 0) {
      ok = false;
      if (ctx) issue(ctx, ['topology', 'apOf'], `rule: every AP 0..${J - 1} (J = the largest index plus 1) serves at least one device (through a gateway of it); AP ${idle} serves none, so it would get no work and its reputation would stay 0`, idle);
    }
  }
  return ok ? { N, M, J } : undefined;
}

/**
 * The first of the `J` APs that no device reaches, given each device's AP, or -1. Such an AP gets
 * no work: its reputation stays 0 whatever the agent does.
 */
function firstIdleAp(J: number, apOfDevice: readonly number[]): number {
  const served = new Uint8Array(J);
  for (const j of apOfDevice) served[j] = 1;
  return served.indexOf(0);
}

/** Where each node count of `topology` comes from, for messages about per-node arrays. */
function countSources(topology: ScenarioShape['topology']): Record<NodeKind, string> {
  switch (topology.kind) {
    case 'random':
      return { device: 'topology.devices', gateway: 'topology.gateways', AP: 'topology.aps' };
    case 'explicit':
      return { device: 'the rows of topology.a', gateway: 'the columns of topology.a', AP: 'the columns of topology.b' };
    case 'assignment':
      return { device: 'the length of topology.gatewayOf', gateway: 'the length of topology.apOf', AP: 'the largest index in topology.apOf plus 1' };
    default:
      return assertNever(topology, 'countSources: topology kind');
  }
}

type NodeKind = 'device' | 'gateway' | 'AP';

/** A node count and where it comes from (`7, the rows of topology.a`). */
interface NodeCount {
  readonly count: number;
  readonly source: string;
}

function checkLength(ctx: Ctx, path: Path, value: unknown, { count, source }: NodeCount, what: NodeKind): void {
  if (Array.isArray(value) && value.length !== count) issue(ctx, path, `rule: one entry per ${what} (${count}, ${source}); got ${value.length}`, value);
}

/** `value` (number or per-node array) at node `i`. */
function at(value: unknown, i: number): number {
  return Array.isArray(value) ? (value[i] as number) : (value as number);
}

function checkMinMax(ctx: Ctx, path: Path, block: { min: PerNodeShape; max: PerNodeShape }, nodes: NodeCount, what: NodeKind): void {
  checkLength(ctx, [...path, 'min'], block.min, nodes, what);
  checkLength(ctx, [...path, 'max'], block.max, nodes, what);
  for (let i = 0; i < nodes.count; i++) {
    const lo = at(block.min, i);
    const hi = at(block.max, i);
    if (lo > hi) {
      issue(ctx, [...path, 'min'], `rule: min <= max; ${what} ${i} has min ${lo} > max ${hi}`, lo);
      return;
    }
  }
}

/**
 * A layer spec's profile within the limits a measured profile has (FLOPs and bits per data point):
 * a valid spec can still compute to sizes whose products overflow (bitsPerElement 1e308).
 */
function checkSpecWithinLimits(spec: ScenarioDnnSpecInput, name: string, path: Path, ctx: Ctx): void {
  let profile;
  try {
    profile = profileFromSpec({ ...spec, name }); // as dnn-source.ts compiles it: the key names it
  } catch {
    return; // the spec's own fields are reported by its schema
  }
  if (!(profile.inputBits <= LIMIT.bits)) issue(ctx, [...path, 'inputShape'], `rule: an input of at most ${LIMIT.bits} bits per data point; this one has ${profile.inputBits}`, spec.inputShape);
  profile.units.forEach((unit, l) => {
    if (!(unit.flops <= LIMIT.flops)) issue(ctx, [...path, 'units', l], `rule: at most ${LIMIT.flops} FLOPs per data point; unit ${JSON.stringify(unit.name)} needs ${unit.flops}`, unit.name);
    if (!(unit.outputBits <= LIMIT.bits)) issue(ctx, [...path, 'units', l], `rule: an output of at most ${LIMIT.bits} bits per data point; unit ${JSON.stringify(unit.name)} outputs ${unit.outputBits}`, unit.name);
  });
}

/** The zod refinement of `scenarioSchema`. */
export function checkScenario(s: ScenarioShape, ctx: Ctx): void {
  if (s.lyapunov.uMin > s.lyapunov.uMax) issue(ctx, ['lyapunov', 'uMin'], `rule: uMin <= uMax; got uMin ${s.lyapunov.uMin} > uMax ${s.lyapunov.uMax}`, s.lyapunov.uMin);

  for (const [name, profile] of Object.entries(s.dnns)) {
    // a custom DNN under a built-in's name would silently replace it for every device naming it
    if (isBuiltinDnnName(name)) issue(ctx, ['dnns', name], `rule: a custom DNN's name is no built-in's; ${JSON.stringify(name)} is built in (name yours otherwise, e.g. ${JSON.stringify(`${name}-custom`)}, and use that name in devices.dnn)`, name);
    const p = profile as { unitFlops?: number[]; outputBits?: number[] };
    if (p.unitFlops && p.outputBits && p.outputBits.length !== p.unitFlops.length + 1)
      issue(ctx, ['dnns', name, 'outputBits'], `rule: outputBits has L + 1 = ${p.unitFlops.length + 1} entries (input, then each unit); got ${p.outputBits.length}`, p.outputBits);
    // the key names the DNN; a layer spec's differing name is not refused (saved runs carry such
    // scenarios) but warned about where it is compiled (dnn-source.ts)
    if (!p.unitFlops) checkSpecWithinLimits(profile as ScenarioDnnSpecInput, name, ['dnns', name], ctx);
  }
  const known = new Set([...builtinDnnNames, ...Object.keys(s.dnns)]);
  const checkDnn = (name: string, path: Path) => {
    if (!known.has(name)) issue(ctx, path, `rule: a built-in or custom DNN name; unknown DNN ${JSON.stringify(name)} (known: ${[...known].join(', ')})`, name);
  };
  if (typeof s.devices.dnn === 'string') checkDnn(s.devices.dnn, ['devices', 'dnn']);
  else s.devices.dnn.forEach((name, n) => checkDnn(name, ['devices', 'dnn', n]));

  const counts = topologyCounts(s.topology, ctx);
  if (!counts) return;
  const sources = countSources(s.topology);
  const N = { count: counts.N, source: sources.device };
  const M = { count: counts.M, source: sources.gateway };
  const J = { count: counts.J, source: sources.AP };

  checkLength(ctx, ['devices', 'dnn'], s.devices.dnn, N, 'device');
  const arrivals = s.devices.arrivals;
  switch (arrivals.kind) {
    case 'poisson':
      checkLength(ctx, ['devices', 'arrivals', 'rate'], arrivals.rate, N, 'device');
      break;
    case 'uniform':
      checkMinMax(ctx, ['devices', 'arrivals'], arrivals, N, 'device');
      break;
    case 'trace':
      arrivals.values.forEach((row, t) => {
        if (row.length !== N.count) issue(ctx, ['devices', 'arrivals', 'values', t], `rule: one entry per device (${N.count}, ${N.source}); slot ${t} has ${row.length}`, row);
      });
      break;
    default:
      assertNever(arrivals, 'checkScenario: arrivals kind');
  }

  for (const key of ['freq', 'flopsPerCycle', 'kappa', 'txPower', 'bandwidth']) checkLength(ctx, ['gateways', key], s.gateways[key], M, 'gateway');
  for (const key of ['maxFreq', 'flopsPerCycle', 'kappa']) checkLength(ctx, ['aps', key], s.aps[key], J, 'AP');
  const budgets: Array<[Path, BudgetShape, NodeCount, NodeKind]> = [
    [['gateways', 'energyBudget'], s.gateways.energyBudget, M, 'gateway'],
    [['aps', 'energyBudget'], s.aps.energyBudget, J, 'AP'],
  ];
  for (const [path, block, nodes, what] of budgets) {
    switch (block.kind) {
      case 'constant':
        checkLength(ctx, [...path, 'joules'], block.joules, nodes, what);
        break;
      case 'uniform':
        checkMinMax(ctx, path, block, nodes, what);
        break;
      default:
        assertNever(block, 'checkScenario: budget kind');
    }
  }
  const distance = s.channel.distance;
  if (typeof distance === 'object' && !Array.isArray(distance)) {
    const d = distance as { min: number; max: number };
    if (d.min > d.max) issue(ctx, ['channel', 'distance', 'min'], `rule: min <= max; got min ${d.min} > max ${d.max}`, d.min);
  } else checkLength(ctx, ['channel', 'distance'], distance, M, 'gateway');
}
