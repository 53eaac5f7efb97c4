import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { Box, Discrete, Env, register, unregister, type ResetArgs, type ResetResult, type StepResult } from '../../env/index.ts';
import * as checkEnvCommand from '../../cli/commands/check-env.ts';
import { CliError } from '../../cli/errors.ts';

const BIN = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));

/** Reset observations lie outside the observation space: fails at the first seeded reset. */
class OutOfSpaceEnv extends Env<Float32Array, number> {
  observationSpace = new Box(0, 1, { shape: [1] });
  actionSpace = new Discrete(2);
  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    this.seedStreams(args.seed);
    return [Float32Array.of(3), {}];
  }
  step(): StepResult<Float32Array> {
    return [Float32Array.of(0), 0, true, false, {}];
  }
}

function runCheckEnv(args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  checkEnvCommand.register(program);
  return program.parseAsync(['check-env', ...args], { from: 'user' });
}

describe('bdt-gym check-env', function () {
  this.timeout(30_000);

  it('exits 0 for CartPole-v1 (through the real binary)', () => {
    const out = execFileSync(process.execPath, [BIN, 'check-env', 'CartPole-v1'], { encoding: 'utf8' });
    assert.match(out, /CartPole-v1: passed all checks/);
  });

  it('refuses ids together with --all (the ids were ignored)', async () => {
    await assert.rejects(runCheckEnv(['--all', 'CartPole-v1']), (e: unknown) => e instanceof CliError && /give env ids or --all, not both \(got --all and CartPole-v1\)/.test((e as Error).message));
  });

  it('exits non-zero naming the failing check', async () => {
    register({ id: 'TestOutOfSpace-v0', entryPoint: () => new OutOfSpaceEnv() });
    try {
      await assert.rejects(runCheckEnv(['TestOutOfSpace-v0']), (e: Error) => e instanceof CliError && e.exitCode === 1 && /FAILED check "reset-return".*not within the observation space/.test(e.message));
    } finally {
      unregister('TestOutOfSpace-v0');
    }
  });

  it('exits 1 on an unknown id, named as check-env\'s and listing the registered ones, as --env of train and evaluate, before checking any id (it checked the ids before it, then exited 2)', () => {
    const result = spawnSync(process.execPath, [BIN, 'check-env', 'BDT-small-v0', 'Nope-v0'], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '', 'BDT-small-v0 was not checked');
    assert.match(result.stderr, /^bdt-gym: check-env: unknown env "Nope-v0" \(registered: CartPole-v0, CartPole-v1, [^)]*\); for an env id of your own, .* check-env \.\.\.\n$/);
  });

  it('names --env-kwargs and the id when the env refuses them, each field at its path in one line as train and evaluate, and shows a JSON value that is not an object', async () => {
    await assert.rejects(runCheckEnv(['CartPole-v1', '--env-kwargs', '{"foo":1}']), (e: Error) => e instanceof CliError && e.message === '--env-kwargs: CartPole-v1: at (root): Unrecognized key: "foo" (keys: renderMode, suttonBartoReward)');
    await assert.rejects(runCheckEnv(['BDT-small-v0', '--env-kwargs', '{"scenario":{"slots":-1}}']), (e: Error) => e instanceof CliError && /^--env-kwargs: BDT-small-v0: at scenario\.slots: Too small[^\n]*$/.test(e.message));
    // the scenario's own path in the kwargs, not (root)
    await assert.rejects(runCheckEnv(['BDT-small-v0', '--env-kwargs', '{"scenario":5}']), (e: Error) => e instanceof CliError && e.message === '--env-kwargs: BDT-small-v0: at scenario: Invalid input: expected object, received number (value: 5)');
    await assert.rejects(runCheckEnv(['CartPole-v1', '--env-kwargs', '[1]']), (e: Error) => e instanceof CliError && e.message === '--env-kwargs: expected a JSON object, got [1]');
  });

  it('takes make() kwargs as --env-kwargs, as evaluate does, and still as --kwargs (its former name, not in the help)', async () => {
    const check = (...args: string[]) => spawnSync(process.execPath, [BIN, 'check-env', 'CartPole-v1', ...args], { encoding: 'utf8' });
    assert.equal(check('--env-kwargs', '{"renderMode":"ansi"}').status, 0);
    assert.equal(check('--kwargs', '{"renderMode":"ansi"}').status, 0);
    await assert.rejects(runCheckEnv(['CartPole-v1', '--kwargs', '{"foo":1}']), (e: Error) => e instanceof CliError && e.message.startsWith('--kwargs: CartPole-v1: at (root): Unrecognized key: "foo"'));
    assert.equal(check('--env-kwargs', '{}', '--kwargs', '{}').stderr, 'bdt-gym: --kwargs is the former name of --env-kwargs; give one of them\n');
    const help = check('--help').stdout;
    assert.match(help, /--env-kwargs <json>/);
    assert.doesNotMatch(help, /--kwargs/);
  });
});
