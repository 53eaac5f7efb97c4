/**
 * `bdt-gym check-env <id...>` / `bdt-gym check-env --all`: runs `checkEnv` (Gymnasium's env
 * checker list) on `make(id).unwrapped`. Exit 0 when every env passes; otherwise exit 1 with the
 * failing check named. Warnings (smells) are printed but do not fail, unless `--strict`.
 */
import { Option, type Command } from 'commander';
import { EnvCheckError, captureWarnings, checkEnv, registry } from '../../env/index.ts';
import { CliError } from '../errors.ts';
import { examplesHelp } from '../help-text.ts';
import { jsonObjectOption, makeOrCliError, registeredEnvOption } from '../options.ts';

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
    .addHelpText('after', examplesHelp('bdt-gym check-env --all', 'bdt-gym check-env CartPole-v1 BDT-small-v0 --strict', `bdt-gym check-env BDT-v0 --env-kwargs '{"renderMode":"ansi"}'`))
    .action((ids: string[], options: CheckEnvCliOptions) => {
      if (options.all && ids.length > 0) throw new CliError(`check-env: give env ids or --all, not both (got --all and ${ids.join(', ')})`);
      const targets = options.all ? [...registry.keys()] : ids;
      if (targets.length === 0) throw new CliError('check-env: give at least one env id or --all');
      if (options.envKwargs !== undefined && options.kwargs !== undefined) throw new CliError('--kwargs is the former name of --env-kwargs; give one of them');
      // errors name the option as it was given
      const option = options.kwargs === undefined ? 'env-kwargs' : 'kwargs';
      const kwargs = jsonObjectOption(option, options.envKwargs ?? options.kwargs);
      // every id before any runs; an unversioned id is its latest version
      const registered = targets.map((id) => registeredEnvOption(id, 'check-env', 'check-env ...'));
      for (const id of registered) checkOne(id, option, kwargs, options.strict ?? false);
    });
}

function checkOne(id: string, option: string, kwargs: Record<string, unknown>, strict: boolean): void {
  let warnings: string[];
  try {
    ({ warnings } = captureWarnings(() => {
      const env = makeOrCliError(id, kwargs, { source: `--${option}` }, { disableEnvChecker: true });
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
