/**
 * The checks of a trainer's constructor options that its hyperparameter schema does not make:
 * the options object itself, its keys, the env source and the seed. PPO and DQN share them, so
 * both refuse in the same words, before any env or network is built (a missing `makeEnv` was
 * "makeEnv is not a function"; a bad seed was blamed on SyncVectorEnv.reset).
 */
import { InvalidArgumentError } from '../env/core/errors.ts';
import { formatValue, unknownKeys } from '../env/core/format.ts';
import { isPlainObject } from '../env/core/plain-object.ts';
import { checkSeed } from '../env/core/rng.ts';

const KEYS = ['makeEnv', 'makeVectorEnv', 'hp', 'seed', 'restore'] as const;

export function checkTrainerOptions(owner: string, options: unknown): void {
  if (!isPlainObject(options)) throw new InvalidArgumentError(`${owner}: options must be an object {makeEnv or makeVectorEnv, hp, seed, restore?}, got ${formatValue(options)}`);
  const unknown = unknownKeys(options, KEYS, 'option');
  if (unknown !== undefined) throw new InvalidArgumentError(`${owner}: unknown ${unknown} (options: ${KEYS.join(', ')})`);
  const { makeEnv, makeVectorEnv } = options;
  if ((makeEnv === undefined) === (makeVectorEnv === undefined)) throw new InvalidArgumentError(`${owner}: give exactly one of makeEnv (one env per index) and makeVectorEnv (a whole vector env), got ${makeEnv === undefined ? 'neither' : 'both'}`);
  const source = makeEnv === undefined ? 'makeVectorEnv' : 'makeEnv';
  if (typeof options[source] !== 'function') throw new InvalidArgumentError(`${owner}: ${source} must be a function, got ${formatValue(options[source])}`);
  checkSeed(options['seed'], `${owner}: options.seed`);
}
