/**
 * `bdt-gym train --scenario-override`: a partial scenario merged into the training env's, as run
 * and compare merge it, recorded in the run's envKwargs so evaluate and --resume see it.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('bdt-gym train --scenario-override', function () {
  this.timeout(120_000);
  let dir: string;
  let preset: string;
  const EXACT = '{"reward":{"mode":"dpp-exact"}}';
  const train = (out: string, ...extra: string[]) => cli('train', '--preset', preset, '--out', join(dir, out), '--eval-episodes', '1', '--backend', 'wasm', ...extra);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-train-override-'));
    preset = join(dir, 'tiny.json');
    const hyperparameters = { numEnvs: 1, numSteps: 32, numMinibatches: 1, updateEpochs: 1, hidden: [8], totalTimesteps: 64 };
    writeFileSync(preset, JSON.stringify({ agent: 'ppo', env: 'BDT-small-v0', hyperparameters, envKwargs: { scenario: { reward: { energyPenalty: 0.5 } } } }));
  });

  it("deep-merges the override into the preset's envKwargs.scenario, and the summary, the checkpoint and evaluate see it", () => {
    const result = train('run', '--scenario-override', EXACT, '--json');
    assert.equal(result.status, 0, result.stderr);
    const merged = { scenario: { reward: { energyPenalty: 0.5, mode: 'dpp-exact' } } };
    assert.deepEqual(JSON.parse(result.stdout.trim().split('\n').pop()!).envKwargs, merged);
    assert.deepEqual(json(join(dir, 'run', 'summary.json')).envKwargs, merged);
    const trainedOn = json(join(dir, 'run', 'checkpoint', 'manifest.json')).scenario.reward;
    assert.deepEqual([trainedOn.mode, trainedOn.energyPenalty], ['dpp-exact', 0.5], 'the checkpoint records the scenario trained on');
    const evaluated = cli('evaluate', '--checkpoint', join(dir, 'run'), '--episodes', '1', '--json');
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const evaluation = JSON.parse(evaluated.stdout);
    assert.deepEqual(evaluation.envKwargs, merged);
    assert.equal(evaluation.meanReturn, json(join(dir, 'run', 'summary.json')).evalReturn, "evaluate replays the final evaluation, on the override's reward");
    const plain = train('plain', '--json');
    assert.equal(plain.status, 0, plain.stderr);
    assert.notEqual(json(join(dir, 'plain', 'summary.json')).evalReturn, json(join(dir, 'run', 'summary.json')).evalReturn, 'dpp-exact is another reward than dpp');
  });

  it('on --resume takes the override the run trained with (as the command an interrupted run prints to continue it does) and refuses another', () => {
    const out = join(dir, 'resumed');
    assert.equal(train('resumed', '--scenario-override', EXACT).status, 0);
    const again = train('resumed', '--scenario-override', EXACT, '--steps', '96', '--resume');
    assert.equal(again.status, 0, again.stderr);
    assert.equal(json(join(out, 'summary.json')).steps, 96);
    const withoutPreset = cli('train', '--out', out, '--steps', '128', '--eval-episodes', '0', '--backend', 'wasm', '--resume', '--scenario-override', EXACT);
    assert.equal(withoutPreset.status, 0, withoutPreset.stderr);
    assert.deepEqual(json(join(out, 'summary.json')).envKwargs, { scenario: { reward: { energyPenalty: 0.5, mode: 'dpp-exact' } } });

    const summary = readFileSync(join(out, 'summary.json'), 'utf8');
    const other = train('resumed', '--scenario-override', '{"reward":{"mode":"latency"}}', '--steps', '160', '--resume');
    assert.equal(other.status, 1);
    assert.equal(
      other.stderr,
      `bdt-gym: --scenario-override: --resume continues the run in ${out} on the scenario it trained on, which this override changes (${join(out, 'summary.json')} records its envKwargs.scenario {"reward":{"energyPenalty":0.5,"mode":"dpp-exact"}}); leave it out, or train a new run (another --out) on the other scenario\n`,
    );
    assert.equal(readFileSync(join(out, 'summary.json'), 'utf8'), summary, 'the run is left as it was');

    // a --preset sets the resumed run's envKwargs (as before), and says so when they differ from the run's
    const dropped = train('resumed', '--steps', '160', '--resume', '--eval-episodes', '0');
    assert.equal(dropped.status, 0, dropped.stderr);
    assert.match(dropped.stderr, new RegExp(`bdt-gym train: note: --resume trains on envKwargs \\{"scenario":\\{"reward":\\{"energyPenalty":0\\.5\\}\\}\\} \\(--preset ${preset}\\), not on the run's \\{"scenario":\\{"reward":\\{"energyPenalty":0\\.5,"mode":"dpp-exact"\\}\\}\\} \\(${out}/summary\\.json\\)\n`));
  });

  it('resumes a run without summary.json (a checkpoint only) on the scenario its checkpoint records', () => {
    const out = join(dir, 'killed');
    const manifestFile = join(out, 'checkpoint', 'manifest.json');
    // what an earlier version's run killed in its final evaluation left: the checkpoint was saved before it, summary.json after
    const killed = () => rmSync(join(out, 'summary.json'));
    assert.equal(train('killed', '--scenario-override', EXACT).status, 0);
    const trainedOn = json(manifestFile).scenario;
    killed();
    const again = train('killed', '--scenario-override', EXACT, '--steps', '96', '--resume');
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /note: --resume trains on/, 'the run\'s own scenario: nothing to note');

    killed();
    const withoutPreset = cli('train', '--out', out, '--steps', '128', '--eval-episodes', '0', '--backend', 'wasm', '--resume', '--json');
    assert.equal(withoutPreset.status, 0, withoutPreset.stderr);
    assert.ok(withoutPreset.stderr.includes(`bdt-gym train: note: --resume trains on the scenario the run trained on, which ${manifestFile} records (the run has no summary.json); give --preset to set others\n`), withoutPreset.stderr);
    assert.deepEqual(json(manifestFile).scenario, trainedOn, 'it went on on the overridden scenario, not on plain BDT-small-v0');
    assert.deepEqual(json(join(out, 'summary.json')).envKwargs, { scenario: trainedOn });

    killed();
    const other = train('killed', '--scenario-override', '{"reward":{"mode":"latency"}}', '--steps', '160', '--resume');
    assert.equal(other.status, 1);
    assert.equal(other.stderr, `bdt-gym: --scenario-override: --resume continues the run in ${out} on the scenario it trained on, which this override changes (${manifestFile} records the resolved scenario it trained on; the run wrote no summary.json); leave it out, or train a new run (another --out) on the other scenario\n`);
    const dropped = train('killed', '--steps', '160', '--resume', '--eval-episodes', '0');
    assert.equal(dropped.status, 0, dropped.stderr);
    assert.ok(dropped.stderr.includes(`bdt-gym train: note: --resume trains on envKwargs {"scenario":{"reward":{"energyPenalty":0.5}}} (--preset ${preset}), whose scenario is not the one the run trained on, which ${manifestFile} records (the run wrote no summary.json)\n`), dropped.stderr);
  });


  it("refuses to resume without --preset on a summary.json whose envKwargs give another scenario than the checkpoint's manifest records (another run's summary, an edited one)", () => {
    const out = join(dir, 'swapped');
    const summaryFile = join(out, 'summary.json');
    const manifestFile = join(out, 'checkpoint', 'manifest.json');
    assert.equal(train('swapped').status, 0);
    const trained = json(summaryFile);
    writeFileSync(summaryFile, JSON.stringify({ ...trained, envKwargs: { scenario: { reward: { energyPenalty: 0.9 } } } }));
    const [summary, manifest] = [readFileSync(summaryFile, 'utf8'), readFileSync(manifestFile, 'utf8')];
    const resumed = cli('train', '--out', out, '--steps', '96', '--eval-episodes', '0', '--backend', 'wasm', '--resume');
    assert.equal(resumed.status, 1, resumed.stderr);
    assert.equal(
      resumed.stderr,
      `bdt-gym: --resume: ${summaryFile}: its envKwargs give another scenario than the one the run trained on, which ${manifestFile} records (reward.energyPenalty: 0.5 -> 0.9): it is not this checkpoint's summary (another run's, an edited one, or an earlier session's that a kill kept from being rewritten); repair it, remove it to resume on what ${manifestFile} records, or give the --preset to train on\n`,
    );
    assert.deepEqual([readFileSync(summaryFile, 'utf8'), readFileSync(manifestFile, 'utf8')], [summary, manifest], 'the run is left as it was');
  });
  it('evaluates a run without summary.json on the scenario its checkpoint records; compare and run, on their own env, warn of a transfer from it', () => {
    const out = join(dir, 'unsummarised');
    const manifestFile = join(out, 'checkpoint', 'manifest.json');
    // another reward (evaluate's returns tell it) and another system (the transfer warning names it)
    assert.equal(train('unsummarised', '--scenario-override', '{"gateways":{"bandwidth":20000000},"reward":{"mode":"dpp-exact"}}').status, 0);
    const { evalReturn } = json(join(out, 'summary.json'));
    rmSync(join(out, 'summary.json')); // what an earlier version's run killed in its final evaluation left
    const evaluated = cli('evaluate', '--checkpoint', out, '--episodes', '1', '--json');
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const evaluation = JSON.parse(evaluated.stdout);
    assert.equal(evaluation.meanReturn, evalReturn, 'the final evaluation replayed, on the overridden scenario');
    assert.deepEqual([evaluation.envKwargs, evaluation.envKwargsFrom], [{ scenario: json(manifestFile).scenario }, manifestFile]);
    assert.doesNotMatch(evaluated.stderr, /different system/);
    const text = cli('evaluate', '--checkpoint', out, '--episodes', '1');
    assert.ok(text.stdout.includes(`\n  env       BDT-small-v0 with the scenario it trained on (from ${manifestFile})\n  episodes  1, seed 1000001 (`), text.stdout);
    const plain = JSON.parse(cli('evaluate', '--checkpoint', out, '--episodes', '1', '--json', '--env-kwargs', '{}').stdout);
    assert.notEqual(plain.meanReturn, evalReturn, 'the plain env is another reward');

    const transfer = `bdt-gym WARN: the policy in ${join(out, 'checkpoint')} was trained on a different system than this env's (gateways.bandwidth: 20000000 -> 10000000); it acts here as a transfer, not on the system it learned\n`;
    const compared = cli('compare', '--env', 'BDT-small-v0', '--agents', 'mine', '--seeds', '1', '--slots', '2', '--checkpoint', `mine=${out}`, '--out', join(dir, 'compare.json'));
    assert.equal(compared.status, 0, compared.stderr);
    assert.ok(compared.stderr.includes(transfer), compared.stderr);
    const ran = cli('run', '--env', 'BDT-small-v0', '--agent', 'ppo', '--checkpoint', out, '--slots', '2');
    assert.equal(ran.status, 0, ran.stderr);
    assert.ok(ran.stderr.includes(transfer), ran.stderr);
  });

  it('refuses, before creating --out, an override of an env with no scenario and a bad value, naming the option', () => {
    const cartPole = cli('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '64', '--out', join(dir, 'x'), '--scenario-override', '{"slots":3}');
    assert.equal(cartPole.stderr, 'bdt-gym: --scenario-override: CartPole-v1 is not a B-DT env, so it has no scenario to override\n');
    const bad = train('x', '--scenario-override', '{"reward":{"mode":"exact"}}');
    assert.equal(bad.stderr, `bdt-gym: --scenario-override (merged into --preset ${preset}'s envKwargs.scenario): BDT-small-v0: at reward.mode: Invalid option: expected one of "dpp"|"dpp-exact"|"latency" (value: "exact")\n`);
    const notAnObject = train('x', '--scenario-override', '[1]');
    assert.equal(notAnObject.stderr, 'bdt-gym: --scenario-override: expected a JSON object, got [1]\n');
    assert.ok(!existsSync(join(dir, 'x')));
  });

  it("refuses an override of an env id that cannot be made without kwargs in one line naming it and why (it was an internal error), pointing to the preset's envKwargs", () => {
    const fixture = fileURLToPath(new URL('./fixtures/constructed-envs.ts', import.meta.url));
    const needs = cli('--import', fixture, 'train', '--agent', 'ppo', '--env', 'Needs-v0', '--steps', '64', '--out', join(dir, 'needs'), '--scenario-override', '{"slots":3}');
    assert.equal(needs.status, 1);
    assert.equal(needs.stderr, "bdt-gym: --scenario-override: Needs-v0 cannot be made without keyword arguments (Needs-v0 needs kwargs.plant, the plant to model), so train cannot tell whether it has a scenario to override; give the change in a --preset's envKwargs.scenario, beside the kwargs it needs\n");
    assert.ok(!existsSync(join(dir, 'needs')));
  });
});
