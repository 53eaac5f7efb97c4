/**
 * `bdt-gym check-dpra`: DPRA's per-slot solution against the exhaustive optimum on random slots
 * with random virtual queues (baselines/check/dpra-exactness.ts). Exit 0 when >= 99% of slots are
 * within the tolerance, all within 1%, and DPRA never breaks C2-C5 where the optimum meets them;
 * exit 1 otherwise.
 *
 *   bdt-gym check-dpra --slots 1000 --seed 1 --json
 *   bdt-gym check-dpra --scenario my-small.json --slots 200
 *   bdt-gym check-dpra --effort fast      # the preset BDT-v0 runs, against the optimum
 *   bdt-gym check-dpra --scenario-override '{"lyapunov":{"V":100}}'
 */
import type { Command } from 'commander';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { checkDpraExactness, exactnessPasses } from '../../baselines/check/dpra-exactness.ts';
import { DESCENT_EFFORTS, MAX_EXHAUSTIVE, type DescentEffort } from '../../baselines/dpra/dpra-solver.ts';
import { formatPartitionVectors, partitionVectorCount, type PartitionVectorCount } from './check-scenario.ts';
import { checkEnvOrScenario, openEnv } from '../scenario-input.ts';
import { CliError } from '../errors.ts';
import { examplesHelp, optionWithDefault } from '../help-text.ts';
import { bdtEnvOption, integerOption, jsonObjectOption, numberOption } from '../options.ts';
import { STDIN_HELP } from '../json-files.ts';
import { CONFIGS_FALLBACK_HELP } from '../package-files.ts';

/** The most partition vectors per slot the exhaustive reference enumerates, as the help and errors write it. */
const EXHAUSTIVE_CAP = MAX_EXHAUSTIVE.toLocaleString('en-US');

interface CheckDpraOptions {
  env?: string;
  scenario?: string;
  slots: string;
  seed: string;
  queueScale: string;
  tolerance: string;
  effort: string;
  scenarioOverride?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('check-dpra')
    .description("check DPRA's per-slot Psi against exhaustive search on random slots and queues (small scenarios)")
    .option('--env <id>', `registered env id with at most ${EXHAUSTIVE_CAP} partition vectors per slot (prod of L_n; check-scenario prints it for a scenario file, configs/*.json for the built-in ids), which the exhaustive reference enumerates (default: BDT-small-v0)`)
    .option('--scenario <file>', `scenario JSON file (instead of --env), with at most ${EXHAUSTIVE_CAP} partition vectors per slot; ${CONFIGS_FALLBACK_HELP}; ${STDIN_HELP}`)
    .addOption(optionWithDefault('--slots <n>', 'number of random slots', '1000'))
    .addOption(optionWithDefault('--seed <n>', 'seed of the slots and queues (integer)', '0'))
    .addOption(optionWithDefault('--queue-scale <q>', 'each H_j, G_j is 0 w.p. 1/2, else uniform in [0, q]', '50'))
    .addOption(optionWithDefault('--tolerance <r>', 'relative gap counted as exact', '1e-6'))
    .addOption(optionWithDefault('--effort <preset>', `DPRA's partition search preset (${DESCENT_EFFORTS.join(', ')}; 'auto' picks thorough on scenarios this small, and BDT-v0 runs 'fast')`, 'auto'))
    .option('--scenario-override <json>', 'partial scenario as a JSON object, deep-merged into the scenario checked as make(id, {scenario}) merges it (e.g. \'{"lyapunov":{"V":100}}\')')
    .option('--json', 'print the report as one JSON object: env (the id) or scenario (the file), scenarioName, scenarioOverride when given, seed, effort, pass and the report\'s counts')
    .addHelpText(
      'after',
      examplesHelp(
        'bdt-gym check-dpra --slots 1000 --seed 1 --json',
        'bdt-gym check-dpra --scenario configs/small.json --slots 200',
        "bdt-gym check-dpra --effort fast          # BDT-v0's preset, not exact: exit 1",
        `bdt-gym check-dpra --scenario-override '{"lyapunov":{"V":100}}'`,
      ),
    )
    .action((options: CheckDpraOptions) => {
      const slots = integerOption('slots', options.slots, 1);
      const seed = integerOption('seed', options.seed, 0);
      const queueScale = numberOption('queue-scale', options.queueScale, (x) => x >= 0 && Number.isFinite(x), 'a number >= 0');
      const tolerance = numberOption('tolerance', options.tolerance, (x) => x >= 0 && x < 1, 'a number in [0, 1)');
      const effort = effortOption(options.effort);
      checkEnvOrScenario(options);
      // resolved once (`BDT` is BDT-v0, with one warning), as run does
      const envId = options.scenario === undefined ? bdtEnvOption(options.env ?? 'BDT-small-v0') : undefined;
      const scenarioOverride = jsonObjectOption('scenario-override', options.scenarioOverride);
      const env = openEnv({ env: envId, scenario: options.scenario, scenarioOverride });
      const system = (env.unwrapped as BdtEnv).system;
      const overridden = Object.keys(scenarioOverride).length > 0;
      // the exhaustive reference would refuse it telling to run agent dpra instead, which does not fit here
      const partitionVectors = partitionVectorCount(system);
      if (!enumerable(partitionVectors)) {
        env.close();
        const scenario = options.scenario ?? envId!;
        const source = `${options.scenario === undefined ? '--env' : '--scenario'} ${scenario}`;
        // an override that made a small enough scenario too large is what to change
        const plain = overridden ? plainPartitionVectors(envId, options.scenario) : undefined;
        const advice = plain !== undefined && enumerable(plain) ? `give a smaller --scenario-override (${scenario} alone has ${formatPartitionVectors(plain)})` : 'give a smaller --env/--scenario (e.g. BDT-small-v0)';
        throw new CliError(`${source}${overridden ? ' (with --scenario-override)' : ''}: ${formatPartitionVectors(partitionVectors)} partition vectors per slot, more than the ${EXHAUSTIVE_CAP} the exhaustive reference enumerates; ${advice}`);
      }
      const report = checkDpraExactness(system, { slots, seed, queueScale, tolerance, dpra: { partition: 'descent', effort } });
      const pass = exactnessPasses(report);
      if (options.json) process.stdout.write(`${JSON.stringify({ ...(envId === undefined ? { scenario: options.scenario } : { env: envId }), scenarioName: system.scenario.name, ...(overridden ? { scenarioOverride } : {}), seed, effort, pass, ...report })}\n`);
      else {
        process.stdout.write(
          [
            `check-dpra on ${system.scenario.name}${overridden ? ' (overridden)' : ''}: ${report.slots} random slots (seed ${seed}, queues up to ${queueScale}), DPRA effort ${effort}`,
            `  within ${tolerance} of the optimum: ${report.withinTolerance} (${(100 * report.withinToleranceShare).toFixed(2)}%), within 1%: ${report.withinOnePercent}`,
            `  max relative gap ${report.maxRelativeGap.toExponential(3)} (vs |Psi*|: ${report.maxGapVsPsi.toExponential(3)})`,
            `  C2-C5 violations where the optimum is feasible: ${report.constraintViolations}; infeasible slots: ${report.infeasibleSlots}`,
            `  continuous solves per slot: DPRA ${report.meanSolves.dpra.toFixed(0)}, exhaustive ${report.meanSolves.exhaustive.toFixed(0)}`,
            `  ${pass ? 'PASS' : 'FAIL'}`,
            '',
          ].join('\n'),
        );
      }
      env.close();
      if (!pass) process.exitCode = 1;
    });
}

/** Whether the exhaustive reference enumerates partition vectors this many. */
function enumerable({ partitionVectors }: PartitionVectorCount): boolean {
  return partitionVectors !== null && partitionVectors <= MAX_EXHAUSTIVE;
}

/** The partition vectors of the scenario checked, without --scenario-override. */
function plainPartitionVectors(env: string | undefined, scenario: string | undefined): PartitionVectorCount {
  const plain = openEnv({ env, scenario });
  try {
    return partitionVectorCount((plain.unwrapped as BdtEnv).system);
  } finally {
    plain.close();
  }
}

function effortOption(value: string): DescentEffort {
  const effort = DESCENT_EFFORTS.find((e) => e === value);
  if (effort === undefined) throw new CliError(`--effort: expected one of ${DESCENT_EFFORTS.join(', ')}, got ${JSON.stringify(value)}`);
  return effort;
}
