/**
 * `bdt-gym check-env <id...>` / `bdt-gym check-env --all`: runs `checkEnv` (Gymnasium's env
 * checker list) on `make(id).unwrapped`. Exit 0 when every env passes; otherwise exit 1 with the
 * failing check named. Warnings (smells) are printed but do not fail, unless `--strict`.
 */
import { Option, type Command } from 'commander';
import { EnvCheckError, KwargsError, UnregisteredEnvError, captureWarnings, checkEnv, make, registry, spec, type Env } from '../../env/index.ts';
import { ScenarioError } from '../../env/bdt/scenario/parse.ts';
import { CliError, issuePathsUnder } from '../errors.ts';
import { importHint } from '../user-modules.ts';
import { jsonObjectOption } from '../options.ts';

interface CheckEnvCliOptions {
  all?: boolean;
  envKwargs?: string;
  kwargs?: string;
  strict?: boolean;
}

export function register(program: Command): void {
  program
    .command('check-env')
    .description("check registered envs against Gymnasium's env checker (spaces, reset/step contract, seeding determinism, render, close)")
    .argument('[ids...]', 'registered env ids, e.g. CartPole-v1')
    .option('--all', 'check every registered id')
    .option('--env-kwargs <json>', 'keyword arguments for make() as a JSON object, as evaluate takes them, e.g. \'{"renderMode":"ansi"}\'')
    // the option's former name, still taken
    .addOption(new Option('--kwargs <json>').hideHelp())
    .option('--strict', 'fail on warnings too')
    .action((ids: string[], options: CheckEnvCliOptions) => {
      if (options.all && ids.length > 0) throw new CliError(`check-env: give env ids or --all, not both (got --all and ${ids.join(', ')})`);
      const targets = options.all ? [...registry.keys()] : ids;
      if (targets.length === 0) throw new CliError('check-env: give at least one env id or --all');
      if (options.envKwargs !== undefined && options.kwargs !== undefined) throw new CliError('--kwargs is the former name of --env-kwargs; give one of them');
      // errors name the option as it was given
      const option = options.kwargs === undefined ? 'env-kwargs' : 'kwargs';
      const kwargs = jsonObjectOption(option, options.envKwargs ?? options.kwargs);
      const registered = targets.map(registeredId); // every id before any runs
      for (const id of registered) checkOne(id, option, kwargs, options.strict ?? false);
    });
}

/** The registered id `id` names (an unversioned id is its latest version), or a CliError saying how to register one. */
function registeredId(id: string): string {
  try {
    return spec(id).id;
  } catch (error) {
    if (error instanceof UnregisteredEnvError) throw new CliError(`${error.message}${importHint('env id', 'check-env ...')}`);
    throw error;
  }
}

/** `make(id, kwargs)`, with kwargs the env refuses reported as a CliError naming `--<option>`. */
function makeWithKwargs(id: string, option: string, kwargs: Record<string, unknown>): Env {
  try {
    return make(id, kwargs, { disableEnvChecker: true });
  } catch (error) {
    // the scenario's fields are named by their path in the kwargs (`at scenario.slots`), as evaluate names them
    if (error instanceof KwargsError) throw new CliError(`--${option}: ${id}: ${error.message}`);
    if (error instanceof ScenarioError) throw new CliError(`--${option}: ${id}: ${issuePathsUnder(error.message, ['scenario'])}`);
    throw error;
  }
}

function checkOne(id: string, option: string, kwargs: Record<string, unknown>, strict: boolean): void {
  let warnings: string[];
  try {
    ({ warnings } = captureWarnings(() => {
      const env = makeWithKwargs(id, option, kwargs);
      try {
        checkEnv(env.unwrapped);
      } finally {
        env.close();
      }
    }));
  } catch (error) {
    if (error instanceof EnvCheckError) throw new CliError(`${id}: FAILED check "${error.check}": ${error.message}`);
    throw error;
  }
  for (const w of warnings) process.stderr.write(`${id}: warning: ${w}\n`);
  if (strict && warnings.length > 0) throw new CliError(`${id}: ${warnings.length} warning(s) under --strict`);
  process.stdout.write(`${id}: passed all checks${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''})` : ''}\n`);
}
