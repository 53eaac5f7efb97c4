/**
 * `bdt-gym check-scenario FILE... [--json] [--cuts]`: validates scenario files as every command
 * reads one, and prints what each compiles to (node counts, the profile of each DNN used, each
 * device's DNN, gateway and AP, the number of partition vectors, the C6 window, the observation's
 * bounds), so a scenario can be checked and read before any episode runs. With several files, an
 * invalid one is reported and the others are still checked; the command fails if any is invalid.
 */
import type { Command } from 'commander';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import type { CompiledScenario } from '../../env/bdt/scenario/compile.ts';
import { getBuiltinDnn, isBuiltinDnnName } from '../../env/bdt/dnn/index.ts';
import { cutBits, headFlops, partitionSpaceSize, totalFlops } from '../../env/bdt/topology.ts';
import { openEnv } from '../scenario-input.ts';
import { CONFIGS_FALLBACK_HELP } from '../package-files.ts';
import { plural } from '../plural.ts';
import { CliError } from '../errors.ts';
import { examplesHelp } from '../help-text.ts';
import { isUserError } from '../user-errors.ts';

/** One partition point l of a DNN: units 1..l run on the gateway, l+1..L on the AP. */
interface CutSummary {
  l: number;
  /** Name of unit l, the last on the gateway; null for a measured profile (its units have none). */
  unit: string | null;
  /** sum_{k<=l} chi^k, FLOPs per data point on the gateway (FLOP). */
  gatewayFlops: number;
  /** s^l, the output sent up per data point (KiB = 8192 bits). */
  uplinkKiB: number;
}

/** One DNN the scenario uses, as the env charges it (read from the compiled system). */
interface DnnSummary {
  name: string;
  /** A built-in of env/bdt/dnn, a layer spec in the scenario's `dnns`, or a measured profile there. */
  source: 'built-in' | 'spec' | 'measured';
  units: number;
  /** sum_l chi^l, FLOPs per data point of the whole DNN (FLOP; 2 x MACs for a built-in or spec). */
  totalFlops: number;
  /** l = 1..L, the partition points an action may choose. */
  cuts: CutSummary[];
}

/** What a scenario compiles to, as `--json` prints it. */
interface ScenarioSummary {
  file: string;
  name: string;
  N: number;
  M: number;
  J: number;
  slots: number;
  /** Each DNN the devices run, in the order devices first use it. */
  dnns: DnnSummary[];
  devices: Array<{ dnn: string; units: number; gateway: number; ap: number }>;
  /** prod_n L_n: the partition vectors an exhaustive search enumerates per slot; null beyond a double's range (about 1.8e308). */
  partitionVectors: number | null;
  /** log10 of prod_n L_n (sum_n log10 L_n), finite however many there are. */
  partitionVectorsLog10: number;
  lyapunov: { V: number; uMin: number; uMax: number };
  /** Largest arrivals per device the observation space allows (the arrival model's); Infinity, null in JSON, when unbounded (a Poisson rate over 1000). */
  maxArrivals: number[];
}

export function register(program: Command): void {
  program
    .command('check-scenario')
    .description("validate a scenario file and print what it compiles to (nodes, each DNN's FLOPs and, for the scenario's own DNNs, each cut's gateway FLOPs and uplink size, partition vectors, C6 window, each device's largest arrivals: the arrivals' observation bound)")
    .argument('<files...>', `scenario JSON files (as configs/default.json); each is checked, and the command fails if any is invalid; ${CONFIGS_FALLBACK_HELP}; - reads one from stdin`)
    .option('--cuts', "print every DNN's partition points (gateway FLOPs and uplink size per cut), not only those of the scenario's own DNNs")
    .option('--json', 'print each summary as one JSON object on its own line (every DNN\'s cuts included; partitionVectors is null beyond a double\'s range, partitionVectorsLog10 always given; a maxArrivals entry is null when unbounded: a Poisson rate over 1000)')
    .addHelpText('after', examplesHelp('bdt-gym check-scenario configs/small.json', 'bdt-gym check-scenario configs/default.json --cuts', 'bdt-gym check-scenario configs/small.json configs/large.json --json'))
    .action((files: string[], options: { json?: boolean; cuts?: boolean }) => {
      let invalid = 0;
      let printed = 0;
      files.forEach((file) => {
        let summary: ScenarioSummary;
        try {
          summary = check(file);
        } catch (error) {
          // one file fails as every command does; with several, the others are still checked
          if (files.length === 1 || !(error instanceof CliError || isUserError(error))) throw error;
          process.stderr.write(`bdt-gym: ${(error as Error).message}\n`);
          invalid++;
          return;
        }
        process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${printed++ > 0 ? '\n' : ''}${format(summary, options.cuts === true)}`);
      });
      if (invalid > 0) throw new CliError(`check-scenario: ${invalid} of ${plural(files.length, 'scenario file')} ${invalid === 1 ? 'is' : 'are'} invalid (above)`);
    });
}

function check(file: string): ScenarioSummary {
  const env = openEnv({ scenario: file, scenarioSource: 'check-scenario' });
  const raw = env.unwrapped as BdtEnv;
  const summary = summarise(file, raw.system, Array.from(raw.observationSpace.spaces.arrivals.high));
  env.close();
  return summary;
}

function summarise(file: string, system: CompiledScenario, maxArrivals: number[]): ScenarioSummary {
  const { N, M, J, slots, V, uMin, uMax, unitCount, gatewayOf, apOf } = system;
  const devices = system.dnnNames.map((dnn, n) => ({ dnn, units: unitCount[n]!, gateway: gatewayOf[n]!, ap: apOf[gatewayOf[n]!]! }));
  return { file, name: system.scenario.name, N, M, J, slots, dnns: dnnSummaries(system), devices, ...partitionVectorCount(system), lyapunov: { V, uMin, uMax }, maxArrivals };
}

/** The profile of each DNN `system` runs, read where the env reads it (env/bdt/topology.ts) from its first device. */
function dnnSummaries(system: CompiledScenario): DnnSummary[] {
  const firstDevice = new Map<string, number>();
  system.dnnNames.forEach((name, n) => {
    if (!firstDevice.has(name)) firstDevice.set(name, n);
  });
  return Array.from(firstDevice, ([name, n]) => {
    const own = system.scenario.dnns[name];
    const source = own === undefined ? 'built-in' : 'unitFlops' in own ? 'measured' : 'spec';
    // unit names are the spec's (a built-in is a spec too); the profile itself is the compiled one
    const spec = own === undefined ? (isBuiltinDnnName(name) ? getBuiltinDnn(name) : undefined) : 'units' in own ? own : undefined;
    const units = system.unitCount[n]!;
    const cuts = Array.from({ length: units }, (_, i): CutSummary => ({
      l: i + 1,
      unit: spec?.units[i]?.name ?? null,
      gatewayFlops: headFlops(system, n, i + 1),
      uplinkKiB: cutBits(system, n, i + 1) / 8192,
    }));
    return { name, source, units, totalFlops: totalFlops(system, n), cuts };
  });
}

/** The partition vectors per slot of `system` as ScenarioSummary gives them. */
export type PartitionVectorCount = Pick<ScenarioSummary, 'partitionVectors' | 'partitionVectorsLog10'>;

export function partitionVectorCount(system: CompiledScenario): PartitionVectorCount {
  const partitionVectors = partitionSpaceSize(system);
  const partitionVectorsLog10 = Array.from(system.unitCount).reduce((sum, units) => sum + Math.log10(units), 0);
  // JSON has no Infinity (JSON.stringify writes null without a word)
  return { partitionVectors: Number.isFinite(partitionVectors) ? partitionVectors : null, partitionVectorsLog10 };
}

/** prod_n L_n as the text prints it: in full below a million, else in scientific notation (from its log10 past a double's range). */
export function formatPartitionVectors(s: PartitionVectorCount): string {
  if (s.partitionVectors !== null) return s.partitionVectors < 1e6 ? s.partitionVectors.toLocaleString('en-US') : s.partitionVectors.toPrecision(3);
  const exponent = Math.floor(s.partitionVectorsLog10);
  const mantissa = (10 ** (s.partitionVectorsLog10 - exponent)).toFixed(2);
  return mantissa === '10.00' ? `1.00e+${exponent + 1}` : `${mantissa}e+${exponent}`;
}

/** FLOPs with an SI prefix, 3 significant digits (1.43 GFLOP). */
function formatFlops(flops: number): string {
  const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  const rounded = Number(flops.toPrecision(3)); // rounded first, so 999.7 kFLOP prints as 1.00 MFLOP
  const power = rounded < 1 ? 0 : Math.floor(Math.log10(rounded) / 3);
  if (power >= prefixes.length) return `${flops.toPrecision(3)} FLOP`;
  return `${rounded === 0 ? '0' : (rounded / 1000 ** power).toPrecision(3)} ${prefixes[power]}FLOP`;
}

/** KiB to 3 significant digits (whole KiB from 1000 up). */
function formatKiB(kib: number): string {
  return kib >= 1000 ? kib.toFixed(0) : kib.toPrecision(3);
}

/** A DNN's partition points as a table. */
function formatCuts(d: DnnSummary): string[] {
  const names = d.cuts.map((c) => c.unit ?? '');
  const nameWidth = Math.max(4, ...names.map((name) => name.length));
  const flops = d.cuts.map((c) => formatFlops(c.gatewayFlops));
  const flopsWidth = Math.max('gateway FLOPs'.length, ...flops.map((f) => f.length));
  return [
    `  ${d.name} cut after unit l (units 1..l on the gateway, l+1..${d.units} on the AP), per data point:`,
    `  ${'l'.padStart(4)}  ${'unit'.padEnd(nameWidth)}  ${'gateway FLOPs'.padStart(flopsWidth)}  uplink KiB`,
    ...d.cuts.map((c, i) => `  ${String(c.l).padStart(4)}  ${names[i]!.padEnd(nameWidth)}  ${flops[i]!.padStart(flopsWidth)}  ${formatKiB(c.uplinkKiB).padStart(10)}`),
  ];
}

function format(s: ScenarioSummary, allCuts: boolean): string {
  const nameWidth = Math.max(3, ...s.dnns.map((d) => d.name.length));
  return [
    `${s.file}: scenario "${s.name}" is valid`,
    `  ${plural(s.N, 'device')}, ${plural(s.M, 'gateway')}, ${plural(s.J, 'AP')}, T = ${plural(s.slots, 'slot')}`,
    `  partition vectors per slot: ${formatPartitionVectors(s)} (prod of L_n)`,
    `  C6 window [${s.lyapunov.uMin}, ${s.lyapunov.uMax}], V = ${s.lyapunov.V}`,
    `  ${'DNN'.padEnd(nameWidth)}  source    units  FLOPs per data point`,
    ...s.dnns.map((d) => `  ${d.name.padEnd(nameWidth)}  ${d.source.padEnd(8)}  ${String(d.units).padStart(5)}  ${formatFlops(d.totalFlops)}`),
    // the built-ins' cuts are in docs/DNN-PROFILES.md; a DNN of the scenario's own is shown where it is checked
    ...s.dnns.filter((d) => allCuts || d.source !== 'built-in').flatMap(formatCuts),
    '  device  DNN (L_n units)             gateway  AP  max arrivals',
    ...s.devices.map((d, n) => `  ${String(n).padStart(6)}  ${`${d.dnn} (${d.units})`.padEnd(26)}  ${String(d.gateway).padStart(7)}  ${String(d.ap).padStart(2)}  ${String(s.maxArrivals[n]).padStart(12)}`),
    '',
  ].join('\n');
}
