/**
 * `bdt-gym check-scenario FILE... [--json]`: validates scenario files as every command reads one,
 * and prints what each compiles to (node counts, each device's DNN, gateway and AP, the number of
 * partition vectors, the C6 window, the observation's bounds), so a scenario can be checked and
 * read before any episode runs. With several files, an invalid one is reported and the others are
 * still checked; the command fails if any is invalid.
 */
import type { Command } from 'commander';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import type { CompiledScenario } from '../../env/bdt/scenario/compile.ts';
import { partitionSpaceSize } from '../../env/bdt/topology.ts';
import { openEnv } from './run.ts';
import { plural } from '../plural.ts';
import { CliError } from '../errors.ts';
import { isUserError } from '../user-errors.ts';

/** What a scenario compiles to, as `--json` prints it. */
interface ScenarioSummary {
  file: string;
  name: string;
  N: number;
  M: number;
  J: number;
  slots: number;
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
    .description('validate a scenario file and print what it compiles to (nodes, DNNs, partition vectors, C6 window, observation bounds)')
    .argument('<files...>', 'scenario JSON files (as configs/default.json); each is checked, and the command fails if any is invalid')
    .option('--json', 'print each summary as one JSON object on its own line (partitionVectors is null beyond a double\'s range, partitionVectorsLog10 always given; a maxArrivals entry is null when unbounded: a Poisson rate over 1000)')
    .action((files: string[], options: { json?: boolean }) => {
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
        process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${printed++ > 0 ? '\n' : ''}${format(summary)}`);
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
  return { file, name: system.scenario.name, N, M, J, slots, devices, ...partitionVectorCount(system), lyapunov: { V, uMin, uMax }, maxArrivals };
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

function format(s: ScenarioSummary): string {
  return [
    `${s.file}: scenario "${s.name}" is valid`,
    `  ${plural(s.N, 'device')}, ${plural(s.M, 'gateway')}, ${plural(s.J, 'AP')}, T = ${plural(s.slots, 'slot')}`,
    `  partition vectors per slot: ${formatPartitionVectors(s)} (prod of L_n)`,
    `  C6 window [${s.lyapunov.uMin}, ${s.lyapunov.uMax}], V = ${s.lyapunov.V}`,
    '  device  DNN (L_n units)             gateway  AP  max arrivals',
    ...s.devices.map((d, n) => `  ${String(n).padStart(6)}  ${`${d.dnn} (${d.units})`.padEnd(26)}  ${String(d.gateway).padStart(7)}  ${String(d.ap).padStart(2)}  ${String(s.maxArrivals[n]).padStart(12)}`),
    '',
  ].join('\n');
}
