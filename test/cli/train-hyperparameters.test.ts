/**
 * `bdt-gym train --hyperparameters '<json>'`: hyperparameters merged over the preset's (one changed
 * without copying the preset), checked by the agent's schema with them, errors naming the option;
 * the step budget stays --steps'; a --resume takes only the run's own values.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../cli/errors.ts';
import { bdtGym, snapshot, type CliResult } from './in-process-cli.ts';

function assertRefused(result: CliResult, message: RegExp): void {
  assert.ok(result.error instanceof CliError, `expected a CliError, got ${result.error instanceof Error ? result.error.stack : String(result.error)}`);
  assert.match(result.error.message, message);
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('bdt-gym train --hyperparameters', function () {
  this.timeout(120_000);
  let dir: string;
  let preset: string;
  const train = (out: string, ...extra: string[]) => bdtGym('train', '--preset', preset, '--out', join(dir, out), '--eval-episodes', '0', '--backend', 'wasm', ...extra);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-train-hp-'));
    preset = join(dir, 'tiny.json');
    const hyperparameters = { numEnvs: 2, numSteps: 32, numMinibatches: 1, updateEpochs: 1, hidden: [8], learningRate: 0.0003, totalTimesteps: 128 };
    writeFileSync(preset, JSON.stringify({ description: 'tiny PPO', agent: 'ppo', env: 'CartPole-v1', hyperparameters }));
  });

  it('merges them over the preset: the trainer trains with the changed one, the preset gives the rest, the manifest records the merged set', async () => {
    const result = await train('lr', '--hyperparameters', '{"learningRate":0.0123,"annealLr":false}');
    assert.equal(result.error, undefined, String(result.error));
    const recorded = json(join(dir, 'lr', 'checkpoint', 'manifest.json')).hyperparameters;
    assert.deepEqual([recorded.learningRate, recorded.annealLr, recorded.numSteps, recorded.hidden, recorded.totalTimesteps], [0.0123, false, 32, [8], 128]);
    const rates = readFileSync(join(dir, 'lr', 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line)['charts/learning_rate']).filter((rate) => rate !== undefined);
    assert.ok(rates.length > 0 && rates.every((rate) => Math.abs(rate - 0.0123) < 1e-9), `the trainer's learning rate: ${rates.join(', ')}`);
    // --steps still sets the budget, over the preset's totalTimesteps
    const steps = await train('steps', '--hyperparameters', '{"gamma":0.9}', '--steps', '64');
    assert.equal(steps.error, undefined, String(steps.error));
    assert.deepEqual([json(join(dir, 'steps', 'checkpoint', 'manifest.json')).hyperparameters.gamma, json(join(dir, 'steps', 'summary.json')).steps], [0.9, 64]);
  });

  it('refuses a bad key or value naming --hyperparameters and the field, an array or non-JSON, and totalTimesteps (--steps is the budget), before --out is made', async () => {
    // the keys the hint lists are those the option takes: not totalTimesteps, which it refuses
    assertRefused(await train('bad', '--hyperparameters', '{"learningrate":0.001}'), /^--hyperparameters \(over --preset .*tiny\.json's\): at \(root\): Unrecognized key: "learningrate"; did you mean "learningRate"\? \(keys: learningRate, annealLr, [^)]*\)$/);
    for (const [agent, override] of [['ppo', '{"learningrat":0.001}'], ['dqn', '{"learningrate":0.001}']]) {
      const unknownKey = await bdtGym('train', '--agent', agent!, '--env', 'CartPole-v1', '--steps', '64', '--out', join(dir, 'bad'), '--hyperparameters', override!);
      assertRefused(unknownKey, /^--hyperparameters: at \(root\): Unrecognized key: .*\(keys: learningRate, /);
      assert.doesNotMatch((unknownKey.error as Error).message, /totalTimesteps/);
    }
    assertRefused(await train('bad', '--hyperparameters', '{"learningRate":5}'), /^--hyperparameters \(over --preset .*\): at learningRate: Too big: expected number to be <=1 \(value: 5\)$/);
    assertRefused(await bdtGym('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '64', '--out', join(dir, 'bad'), '--hyperparameters', '{"numEnvs":0}'), /^--hyperparameters: at numEnvs: Too small/);
    assertRefused(await train('bad', '--hyperparameters', '[0.001]'), /^--hyperparameters: expected a JSON object, got \[0\.001\]$/);
    assertRefused(await train('bad', '--hyperparameters', '0.001'), /^--hyperparameters: expected a JSON object, got 0\.001$/);
    assertRefused(await train('bad', '--hyperparameters', '{learningRate: 1}'), /^--hyperparameters: not valid JSON: /);
    assertRefused(await train('bad', '--hyperparameters', '{"totalTimesteps":64}'), /^--hyperparameters: totalTimesteps is the step budget, which --steps gives/);
    // a near miss of it is pointed to --steps (the key hint lists only keys the option takes)
    assertRefused(await train('bad', '--hyperparameters', '{"totalTimestep":64}'), /^--hyperparameters: unknown key "totalTimestep"; if it is meant as totalTimesteps, the step budget, give it with --steps/);
    assert.ok(!existsSync(join(dir, 'bad')), 'no run directory is made');
  });

  it('on --resume takes the run\'s own values (as the command an interrupted run prints repeats them) and refuses others, the run left as it was', async () => {
    const given = '{"learningRate":0.0123}';
    assert.equal((await train('resumed', '--hyperparameters', given)).error, undefined);
    const run = join(dir, 'resumed');
    const before = snapshot(run);
    assertRefused(
      await train('resumed', '--hyperparameters', '{"learningRate":0.001}', '--steps', '256', '--resume'),
      /^--hyperparameters: --resume continues the run in .*resumed with the hyperparameters its checkpoint records, which this changes: learningRate 0\.001 \(the run's: 0\.0123\); leave them out, or train a new run/,
    );
    assert.deepEqual(snapshot(run), before, 'nothing changed');
    const again = await train('resumed', '--hyperparameters', given, '--steps', '256', '--resume');
    assert.equal(again.error, undefined, String(again.error));
    assert.equal(json(join(run, 'checkpoint', 'manifest.json')).hyperparameters.learningRate, 0.0123);
    assert.doesNotMatch(again.stderr, /not used/, 'no note that the preset\'s learningRate is not used: --hyperparameters set the one the run has');
  });

  it('on --resume checks a part of the run\'s values with the rest the run has, not the defaults\' (a repeated bufferSize was refused against the default batchSize)', async () => {
    const out = join(dir, 'dqn');
    const dqn = (...extra: string[]) => bdtGym('train', '--agent', 'dqn', '--env', 'CartPole-v1', '--out', out, '--eval-episodes', '0', '--backend', 'wasm', ...extra);
    const trained = await dqn('--hyperparameters', '{"bufferSize":64,"batchSize":32,"learningStarts":64,"hidden":[8]}', '--steps', '256');
    assert.equal(trained.error, undefined, String(trained.error));
    const resumed = await dqn('--hyperparameters', '{"bufferSize":64}', '--steps', '512', '--resume');
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.equal(json(join(out, 'checkpoint', 'manifest.json')).counters.globalStep, 512);
    assertRefused(await dqn('--hyperparameters', '{"bufferSize":16}', '--steps', '768', '--resume'), /^--hyperparameters: at batchSize: rule: batchSize <= bufferSize/);
  });
});
