/**
 * `bdt-gym check-env <id...>` / `bdt-gym check-env --all`: runs `checkEnv` (Gymnasium's env
 * checker list) on `make(id).unwrapped`. Exit 0 when every env passes; otherwise exit 1 with the
 * failing check named. Warnings (smells) are printed but do not fail, unless `--strict`.
 */
import type { Command } from 'commander';
import { EnvCheckError, UnregisteredEnvError, captureWarnings, checkEnv, make, registry } from '../../env/index.ts';
import { CliError } from '../errors.ts';
import { importHint } from '../user-modules.ts';

interface CheckEnvCliOptions {
  all?: boolean;
  kwargs?: string;
  strict?: boolean;
}

export function register(program: Command): void {
  program
    .command('check-env')
    .description("check registered envs against Gymnasium's env checker (spaces, reset/step contract, seeding determinism, render, close)")
    .argument('[ids...]', 'registered env ids, e.g. CartPole-v1')
    .option('--all', 'check every registered id')
    .option('--kwargs <json>', 'env keyword arguments as JSON, e.g. \'{"renderMode":"ansi"}\'')
    .option('--strict', 'fail on warnings too')
    .action((ids: string[], options: CheckEnvCliOptions) => {
      if (options.all && ids.length > 0) throw new CliError(`check-env: give env ids or --all, not both (got --all and ${ids.join(', ')})`);
      const targets = options.all ? [...registry.keys()] : ids;
      if (targets.length === 0) throw new CliError('check-env: give at least one env id or --all');
      const kwargs = parseKwargs(options.kwargs);
      for (const id of targets) checkOne(id, kwargs, options.strict ?? false);
    });
}

function parseKwargs(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--kwargs: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('--kwargs: expected a JSON object');
  return value as Record<string, unknown>;
}

function checkOne(id: string, kwargs: Record<string, unknown>, strict: boolean): void {
  let warnings: string[];
  try {
    ({ warnings } = captureWarnings(() => {
      const env = make(id, kwargs, { disableEnvChecker: true });
      try {
        checkEnv(env.unwrapped);
      } finally {
        env.close();
      }
    }));
  } catch (error) {
    if (error instanceof EnvCheckError) throw new CliError(`${id}: FAILED check "${error.check}": ${error.message}`);
    if (error instanceof UnregisteredEnvError) throw new CliError(`${error.message}${importHint('env id', 'check-env ...')}`, 2);
    throw error;
  }
  for (const w of warnings) process.stderr.write(`${id}: warning: ${w}\n`);
  if (strict && warnings.length > 0) throw new CliError(`${id}: ${warnings.length} warning(s) under --strict`);
  process.stdout.write(`${id}: passed all checks${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''})` : ''}\n`);
}
