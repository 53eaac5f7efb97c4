/**
 * `bdt-gym train --scenario FILE`: a B-DT run on a scenario file (checked as run --scenario checks
 * it), the preset's envKwargs.scenario merged over it, then --scenario-override; the run records
 * the resolved scenario, so evaluate, compare --checkpoint and --resume need neither the file nor
 * an --import.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioOf } from '../../agents/checkpoint/trained-scenario.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { make } from '../../env/index.ts';
import { mergeDeep } from '../../env/bdt/scenario/parse.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const small = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const TINY = { numEnvs: 1, numSteps: 32, numMinibatches: 1, updateEpochs: 1, hidden: [8] };

describe('bdt-gym train --scenario', function () {
  this.timeout(300_000);
  let dir: string;
  let preset: string;
  let plant: string;
  /** ppo-bdt's kind of training override, on BDT-large-v0, whose fading (Gauss-Markov) the file's (Rayleigh, by default) must not take. */
  const presetScenario = { lyapunov: { V: 1.5 }, reward: { energyPenalty: 0.9 } };
  const EXACT = { reward: { mode: 'dpp-exact' } };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-train-scenario-'));
    preset = join(dir, 'tiny.json');
    writeFileSync(preset, JSON.stringify({ agent: 'ppo', env: 'BDT-large-v0', hyperparameters: { ...TINY, totalTimesteps: 64 }, envKwargs: { scenario: presetScenario } }));
    // configs/small.json renamed, 8 slots, and no channel.fading (the default, Rayleigh)
    const { fading: _fading, ...channel } = small['channel'] as Record<string, unknown>;
    plant = join(dir, 'plant.json');
    writeFileSync(plant, JSON.stringify({ ...small, name: 'plant', slots: 8, channel }));
  });

  it('trains on the file, the preset\'s envKwargs.scenario and then --scenario-override merged over it, and records the resolved scenario: evaluate, compare and --resume need no --scenario and no --import', () => {
    const run = join(dir, 'run');
    const trained = cli('train', '--preset', preset, '--scenario', plant, '--scenario-override', JSON.stringify(EXACT), '--out', run, '--eval-episodes', '1', '--backend', 'wasm', '--json');
    assert.equal(trained.status, 0, trained.stderr);
    const expected = scenarioOf(new BdtEnv({ scenario: mergeDeep(mergeDeep(json(plant), presetScenario), EXACT) }))!;
    assert.deepEqual([expected['name'], (expected['channel'] as { fading: { kind: string } }).fading.kind, expected['lyapunov'], expected['reward']], ['plant', 'rayleigh', { V: 1.5, uMin: 0.3, uMax: 0.65 }, { mode: 'dpp-exact', energyPenalty: 0.9, latencyCap: 60 }]);
    const manifestFile = join(run, 'checkpoint', 'manifest.json');
    assert.deepEqual(json(manifestFile).scenario, expected, 'the checkpoint records the scenario trained on: the file, not BDT-large-v0');
    assert.equal(json(manifestFile).envId, 'BDT-large-v0');
    const summary = json(join(run, 'summary.json'));
    assert.deepEqual(summary.envKwargs, { scenario: expected });

    const evaluated = cli('evaluate', '--checkpoint', run, '--json');
    assert.equal(evaluated.status, 0, evaluated.stderr);
    assert.equal(JSON.parse(evaluated.stdout).meanReturn, summary.evalReturn, "evaluate replays train's final evaluation, on the file's scenario");
    const text = cli('evaluate', '--checkpoint', run);
    assert.equal(text.status, 0, text.stderr);
    assert.ok(text.stdout.includes(`\n  env       BDT-large-v0 with the whole scenario "plant" (from ${join(run, 'summary.json')})\n  episodes  1, `), text.stdout);

    // compared on the file (the plain scenario, V 10, as compare plays the committed models on plain BDT-v0)
    const out = join(dir, 'compare.json');
    const compared = cli('compare', '--scenario', plant, '--agents', 'dpra', '--checkpoint', `mine=${run}`, '--seeds', '1', '--slots', '2', '--out', out, '--json');
    assert.equal(compared.status, 0, compared.stderr);
    assert.doesNotMatch(compared.stderr, /different system/);
    assert.deepEqual(JSON.parse(compared.stdout).agents.map((row: { agent: string }) => row.agent), ['dpra', 'mine']);
    // compared on BDT-v0 (no --scenario), which it does not fit: said, with what to give
    const onDefault = cli('compare', '--agents', 'dpra', '--checkpoint', `mine=${run}`, '--seeds', '1', '--slots', '2', '--out', out);
    assert.equal(onDefault.status, 1);
    // the first observation key, H (the APs' queues), has as many entries as the scenario has APs
    const hShape = (env: { observationSpace: { toJSON(): unknown } }) => {
      const { keys, spaces } = env.observationSpace.toJSON() as { keys: string[]; spaces: { shape: number[] }[] };
      return JSON.stringify(spaces[keys.indexOf('H')]!.shape);
    };
    const ownScenario = `trained on BDT-large-v0 with a scenario of its own ("plant", which ${manifestFile} records), whose observation layout (H.shape: the checkpoint's ${hShape(new BdtEnv({ scenario: json(plant) }))}, this env's ${hShape(make('BDT-v0'))}) is not that of the env`;
    assert.equal(onDefault.stderr, `bdt-gym: --checkpoint mine=${run}: ${ownScenario} compared here; give --scenario with the file of that scenario\n`);
    const ran = cli('run', '--agent', 'ppo', '--checkpoint', run, '--slots', '2');
    assert.equal(ran.stderr, `bdt-gym: --checkpoint ${run}: ${ownScenario} run here; give --scenario with the file of that scenario\n`);

    // --resume without the file goes on on the scenario the run records, and says so in a line
    const resumed = cli('train', '--out', run, '--steps', '96', '--resume', '--eval-episodes', '0', '--backend', 'wasm');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.ok(resumed.stderr.includes(`bdt-gym train: note: --resume trains on the run's whole scenario "plant" (${join(run, 'summary.json')}); give --preset to set others\n`), resumed.stderr);
    assert.deepEqual(json(manifestFile).scenario, expected);
    assert.deepEqual(json(join(run, 'summary.json')).envKwargs, { scenario: expected });
    // with the options it trained with (the command an interrupted run prints repeats them)
    const repeated = cli('train', '--preset', preset, '--scenario', plant, '--scenario-override', JSON.stringify(EXACT), '--out', run, '--steps', '128', '--resume', '--eval-episodes', '0', '--backend', 'wasm');
    assert.equal(repeated.status, 0, repeated.stderr);
    assert.doesNotMatch(repeated.stderr, /note: --resume trains on/, "the run's own scenario: nothing to note");
    assert.deepEqual(json(manifestFile).scenario, expected);
    // another file is refused, as another --scenario-override
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify(mergeDeep(json(plant), { gateways: { bandwidth: 2e7 } })));
    const summaryBefore = readFileSync(join(run, 'summary.json'), 'utf8');
    const refused = cli('train', '--preset', preset, '--scenario', other, '--scenario-override', JSON.stringify(EXACT), '--out', run, '--steps', '160', '--resume', '--backend', 'wasm');
    assert.equal(refused.status, 1);
    assert.equal(refused.stderr, `bdt-gym: --scenario: --resume continues the run in ${run} on the scenario it trained on, which ${other} (with --preset ${preset}'s envKwargs.scenario and --scenario-override merged over it) changes (gateways.bandwidth: 10000000 -> 20000000; ${join(run, 'summary.json')} records the run's); leave --scenario out, or train a new run (another --out) on it\n`);
    assert.equal(readFileSync(join(run, 'summary.json'), 'utf8'), summaryBefore, 'the run is left as it was');
  });

  it("says a checkpoint trained on an override of its id's own scenario needs that --scenario-override (or a file of the scenario its manifest records), with the first space difference", () => {
    const run = join(dir, 'alexnet');
    const ALEXNET = { devices: { dnn: 'alexnet' } };
    const trained = cli('train', '--agent', 'ppo', '--env', 'BDT-small-v0', '--steps', '16', '--hyperparameters', JSON.stringify({ ...TINY, numSteps: 16 }), '--scenario-override', JSON.stringify(ALEXNET), '--out', run, '--eval-episodes', '0', '--backend', 'wasm');
    assert.equal(trained.status, 0, trained.stderr);
    const manifestFile = join(run, 'checkpoint', 'manifest.json');
    const summaryFile = join(run, 'summary.json');
    // alexnet's cuts against small's own DNN's, on the first device
    const cuts = (env: BdtEnv) => (env.actionSpace.toJSON() as unknown as { spaces: { nvec: number[] }[] }).spaces[0]!.nvec[0];
    const [trainedCuts, ownCuts] = [cuts(new BdtEnv({ scenario: mergeDeep(small, ALEXNET) })), cuts(new BdtEnv({ scenario: small }))];
    assert.notEqual(trainedCuts, ownCuts);
    const fix = `give --scenario-override '${JSON.stringify(ALEXNET)}'`;
    const orFile = `or --scenario with a file of the scenario ${manifestFile} records (as "scenario")`;
    const onOwnId = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--checkpoint', `mine=${run}`, '--seeds', '1', '--slots', '2');
    assert.equal(onOwnId.status, 1);
    assert.equal(onOwnId.stderr, `bdt-gym: --checkpoint mine=${run}: trained on BDT-small-v0 with an override of its scenario "small" (${JSON.stringify(ALEXNET)}, as ${summaryFile} records it), whose action space (partition.nvec[0]: the checkpoint's ${trainedCuts}, this env's ${ownCuts}) is not that of the env compared here; ${fix}, ${orFile}\n`);
    // on another id: with --env of its own
    const onOther = cli('run', '--env', 'BDT-v0', '--agent', 'ppo', '--checkpoint', run, '--slots', '2');
    assert.equal(onOther.status, 1);
    assert.match(onOther.stderr, new RegExp(`^bdt-gym: --checkpoint ${run}: trained on BDT-small-v0 with an override of its scenario "small" \\(.*\\), whose observation layout \\([^)]*: the checkpoint's .*, this env's .*\\) is not that of the env run here; ${fix.replace(/[{}[\]]/g, '\\$&')} with --env BDT-small-v0, or --scenario with a file`));
    // a checkpoint copied out of its run (no summary.json): its manifest's scenario name is the id's own, so an override
    const bare = join(dir, 'alexnet-bare');
    cpSync(join(run, 'checkpoint'), bare, { recursive: true });
    const withoutSummary = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--checkpoint', `mine=${bare}`, '--seeds', '1', '--slots', '2');
    assert.equal(withoutSummary.stderr, `bdt-gym: --checkpoint mine=${bare}: trained on BDT-small-v0 with an override of its scenario "small", whose action space (partition.nvec[0]: the checkpoint's ${trainedCuts}, this env's ${ownCuts}) is not that of the env compared here; give the override it trained with as --scenario-override, or --scenario with a file of the scenario ${join(bare, 'manifest.json')} records (as "scenario")\n`);
  });

  it('without --env or a preset trains on the file as BDT-v0 (the id run and compare default to), and train --help describes the option', () => {
    const run = join(dir, 'no-preset');
    const trained = cli('train', '--agent', 'ppo', '--scenario', plant, '--steps', '32', '--hyperparameters', JSON.stringify(TINY), '--out', run, '--eval-episodes', '0', '--backend', 'wasm');
    assert.equal(trained.status, 0, trained.stderr);
    const manifest = json(join(run, 'checkpoint', 'manifest.json'));
    assert.deepEqual([manifest.envId, manifest.scenario], ['BDT-v0', scenarioOf(new BdtEnv({ scenario: json(plant) }))]);
    const help = cli('train', '--help').stdout.replace(/\s+/g, ' ');
    assert.match(help, /--scenario <file> B-DT scenario JSON file to train on/);
  });

  it('refuses, before creating --out, a file run --scenario refuses (with its message), an env that is not a B-DT env, and a preset override the file does not take', () => {
    const out = join(dir, 'refused');
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ lyapunov: { V: 50 } }));
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ ...small, slots: 0 }));
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"name": ');
    for (const file of [partial, invalid, notJson, join(dir, 'missing.json')]) {
      const ran = cli('run', '--scenario', file, '--slots', '1');
      assert.equal(ran.status, 1, file);
      const trained = cli('train', '--preset', preset, '--scenario', file, '--out', out, '--backend', 'wasm');
      assert.equal(trained.status, 1, file);
      assert.equal(trained.stderr, ran.stderr, `train --scenario ${file} is refused as run --scenario refuses it`);
    }

    const cartPole = cli('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--scenario', plant, '--steps', '64', '--out', out);
    assert.equal(cartPole.stderr, 'bdt-gym: --scenario: CartPole-v1 is not a B-DT env, so it cannot train on a scenario file; give --env with a B-DT id (BDT-small-v0, BDT-v0, BDT-large-v0)\n');
    const cartPolePreset = fileURLToPath(new URL('../../configs/agents/ppo-cartpole.json', import.meta.url));
    const fromPreset = cli('train', '--preset', cartPolePreset, '--scenario', plant, '--out', out);
    assert.equal(fromPreset.stderr, `bdt-gym: --scenario: CartPole-v1 (--preset ${cartPolePreset}: env) is not a B-DT env, so it cannot train on a scenario file; give --env with a B-DT id (BDT-small-v0, BDT-v0, BDT-large-v0)\n`);
    // a resumed run's env is its own: another --env would be refused, so --scenario is what to leave out
    const cartPoleRun = join(dir, 'cartpole');
    assert.equal(cli('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '16', '--hyperparameters', JSON.stringify({ ...TINY, numSteps: 16 }), '--out', cartPoleRun, '--eval-episodes', '0', '--backend', 'wasm').status, 0);
    const summaryBefore = readFileSync(join(cartPoleRun, 'summary.json'), 'utf8');
    const resumed = cli('train', '--out', cartPoleRun, '--resume', '--steps', '32', '--scenario', plant);
    assert.equal(resumed.status, 1);
    assert.equal(resumed.stderr, `bdt-gym: --scenario: --resume continues the run in ${cartPoleRun}, which trained on CartPole-v1, not a B-DT env, so it takes no scenario file; leave --scenario out\n`);
    assert.equal(readFileSync(join(cartPoleRun, 'summary.json'), 'utf8'), summaryBefore);

    // a preset written for BDT-v0's 4 gateways, over the file's 2
    const forBdt = join(dir, 'for-bdt-v0.json');
    writeFileSync(forBdt, JSON.stringify({ agent: 'ppo', env: 'BDT-v0', hyperparameters: { ...TINY, totalTimesteps: 64 }, envKwargs: { scenario: { gateways: { txPower: [0.2, 0.2, 0.2, 0.2] } } } }));
    const misfit = cli('train', '--preset', forBdt, '--scenario', plant, '--out', out);
    assert.equal(misfit.status, 1);
    assert.match(misfit.stderr, new RegExp(`^bdt-gym: --preset ${forBdt}: --scenario ${plant}: at envKwargs\\.scenario\\.gateways\\.txPower: .*\\n$`));
    assert.ok(!existsSync(out));
  });

  it("notes that a whole scenario given as --scenario-override replaces the preset's training settings, and points to --scenario", () => {
    const run = join(dir, 'override-trap');
    const trained = cli('train', '--preset', preset, '--scenario-override', readFileSync(plant, 'utf8'), '--out', run, '--eval-episodes', '0', '--backend', 'wasm');
    assert.equal(trained.status, 0, trained.stderr);
    assert.ok(trained.stderr.includes(`bdt-gym train: note: --scenario-override is a whole scenario, and its values replace those --preset ${preset}'s envKwargs.scenario sets (lyapunov.V: 1.5 -> 10, reward.energyPenalty: 0.9 -> 0); to train on a scenario file under the preset's settings, give it as --scenario FILE\n`), trained.stderr);
  });
});
