/** `bdt-gym evaluate`: replays train's final evaluation exactly, for CartPole runs and the committed B-DT models; bad input refused naming the option. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewriteCheckpoint, type RawManifest } from '../agents/rewrite-checkpoint.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/bdt-gym.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

describe('bdt-gym evaluate', () => {
  for (const [agent, steps] of [['ppo', '1024'], ['dqn', '600']] as const) {
    it(`reproduces train's evalReturn for a ${agent} CartPole run, episode by episode seeded from the run's seed`, () => {
      const out = join(mkdtempSync(join(tmpdir(), 'bdt-evaluate-')), 'run');
      const trained = cli('train', '--agent', agent, '--env', 'CartPole-v1', '--steps', steps, '--seed', '3', '--eval-episodes', '3', '--out', out, '--json');
      assert.equal(trained.status, 0, trained.stderr);
      const summary = lastJson(trained.stdout);
      // no --episodes: as many as the final evaluation played (3 here), so the default reproduces it
      const result = cli('evaluate', '--checkpoint', out, '--json');
      assert.equal(result.status, 0, result.stderr);
      const evaluation = lastJson(result.stdout);
      assert.equal(evaluation['algo'], agent);
      assert.equal(evaluation['env'], 'CartPole-v1');
      assert.equal(evaluation['seed'], 1_000_003);
      assert.equal(evaluation['trainedSteps'], summary['steps']);
      assert.equal(evaluation['meanReturn'], summary['evalReturn']);
      assert.equal((evaluation['returns'] as number[]).length, 3);
      // the final evaluation's episodes, in the summary and its summary.json, for statistics of one's own
      assert.deepEqual(summary['evalReturns'], evaluation['returns']);
      assert.deepEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).evalReturns, evaluation['returns']);
      // one episode has no standard deviation (it printed ± 0.00)
      const one = lastJson(cli('evaluate', '--checkpoint', out, '--episodes', '1', '--json').stdout);
      assert.equal(one['stdReturn'], null);
      assert.match(cli('evaluate', '--checkpoint', out, '--episodes', '1').stdout, /\n {2}return {4}-?\d+\.\d\d \(std n\/a: one episode; min /);
      assert.equal(typeof evaluation['stdReturn'], 'number');
      // another seed plays other episodes, the same ones each time
      const other = lastJson(cli('evaluate', '--checkpoint', join(out, 'checkpoint'), '--episodes', '3', '--seed', '7', '--json').stdout);
      const again = lastJson(cli('evaluate', '--checkpoint', out, '--episodes', '3', '--seed', '7', '--json').stdout);
      assert.deepEqual(other['returns'], again['returns']);
      assert.equal(other['seed'], 7);
    });
  }

  it("reproduces the committed models' summary evalReturn by default, on the training override their summary.json records", function () {
    this.timeout(180_000); // ten evaluations of 20 episodes, BDT-large-v0's among them: 90-115 s on a loaded machine
    const presetOf: Record<string, string> = { 'ppo-bdt-v0': 'ppo-bdt', 'dqn-bdt-v0': 'dqn-bdt', 'ppo-bdt-small-v0': 'ppo-bdt', 'dqn-bdt-small-v0': 'dqn-bdt', 'ppo-bdt-large-v0': 'ppo-bdt-large', 'dqn-bdt-large-v0': 'dqn-bdt-large', 'ppo-solved-bdt-v0': 'ppo-bdt-solved', 'dqn-solved-bdt-v0': 'dqn-bdt-solved', 'ppo-solved-bdt-large-v0': 'ppo-bdt-large-solved', 'dqn-solved-bdt-large-v0': 'dqn-bdt-large-solved' };
    assert.deepEqual(readdirSync(join(root, 'models')).sort(), Object.keys(presetOf).sort(), 'every committed model is checked');
    for (const [model, presetName] of Object.entries(presetOf)) {
      const summary = JSON.parse(readFileSync(join(root, `models/${model}/summary.json`), 'utf8')) as Record<string, unknown>;
      const preset = JSON.parse(readFileSync(join(root, `configs/agents/${presetName}.json`), 'utf8')) as { envKwargs: unknown };
      assert.deepEqual(summary['envKwargs'], preset.envKwargs, `${model}: summary.json records the preset's envKwargs`);
      const result = cli('evaluate', '--checkpoint', `models/${model}`, '--json'); // dqn-bdt-v0's ran 2 episodes, the others 20
      assert.equal(result.status, 0, result.stderr);
      const evaluation = lastJson(result.stdout);
      assert.equal(evaluation['episodes'], summary['evalEpisodes'], model);
      if (model === 'ppo-solved-bdt-large-v0') {
        // its shares come from DPRA's solver, whose deadline search stopped carrying over from the
        // slot before after it was trained (f63f4c6): its return agrees to the last bits
        const [now, then] = [evaluation['meanReturn'] as number, summary['evalReturn'] as number];
        assert.ok(Math.abs(now - then) <= 1e-12 * Math.abs(then), `${model}: ${now} vs ${then}`);
      } else {
        assert.equal(evaluation['meanReturn'], summary['evalReturn'], model);
      }
      assert.deepEqual(evaluation['envKwargs'], preset.envKwargs);
      assert.equal(evaluation['envKwargsFrom'], `models/${model}/summary.json`);
    }
  });

  it('finds a committed model given as models/<name> from any working directory, as run and compare find theirs (it was read from the cwd only)', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'bdt-evaluate-cwd-'));
    const args = ['evaluate', '--checkpoint', 'models/ppo-bdt-v0', '--episodes', '1', '--json'];
    const outside = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: elsewhere });
    assert.equal(outside.status, 0, outside.stderr);
    const evaluation = lastJson(outside.stdout);
    assert.equal(evaluation['envKwargsFrom'], join(root, 'models/ppo-bdt-v0/summary.json'));
    assert.equal(evaluation['meanReturn'], lastJson(cli(...args).stdout)['meanReturn']);
    const missing = spawnSync(process.execPath, [bin, 'evaluate', '--checkpoint', 'models/nope'], { encoding: 'utf8', cwd: elsewhere });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /models\/nope/);
  });

  it("uses the run's envKwargs for its checkpoint/ too, --env-kwargs in their place, and for a checkpoint without a summary the scenario its manifest records", () => {
    const episodes = ['--episodes', '2', '--json'];
    const fromRun = lastJson(cli('evaluate', '--checkpoint', 'models/ppo-bdt-v0', ...episodes).stdout);
    const fromCheckpoint = lastJson(cli('evaluate', '--checkpoint', 'models/ppo-bdt-v0/checkpoint', ...episodes).stdout);
    assert.equal(fromCheckpoint['meanReturn'], fromRun['meanReturn']);
    assert.equal(fromCheckpoint['envKwargsFrom'], 'models/ppo-bdt-v0/summary.json');
    const plain = lastJson(cli('evaluate', '--checkpoint', 'models/ppo-bdt-v0', ...episodes, '--env-kwargs', '{}').stdout);
    assert.notEqual(plain['meanReturn'], fromRun['meanReturn'], 'V = 10 without the energy penalty is another reward');
    assert.deepEqual([plain['envKwargs'], plain['envKwargsFrom']], [{}, '--env-kwargs']);
    const bare = join(mkdtempSync(join(tmpdir(), 'bdt-evaluate-')), 'bare');
    cpSync(join(root, 'models/ppo-bdt-v0/checkpoint'), bare, { recursive: true });
    const withoutSummary = lastJson(cli('evaluate', '--checkpoint', bare, ...episodes).stdout);
    assert.equal(withoutSummary['meanReturn'], fromRun['meanReturn'], 'the scenario it trained on: V = 1.5 and the energy penalty');
    assert.deepEqual(withoutSummary['envKwargs'], { scenario: JSON.parse(readFileSync(join(bare, 'manifest.json'), 'utf8')).scenario });
    assert.equal(withoutSummary['envKwargsFrom'], join(bare, 'manifest.json'));
    const text = cli('evaluate', '--checkpoint', 'models/ppo-bdt-v0', '--episodes', '1');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /\n {2}env {7}BDT-v0 with envKwargs \{"scenario":\{"lyapunov":\{"V":1\.5\},"reward":\{"energyPenalty":0\.9\}\}\} \(from models\/ppo-bdt-v0\/summary\.json\)\n {2}episodes {2}1, seed \d+ \(/);
    assert.ok(cli('evaluate', '--checkpoint', bare, '--episodes', '1').stdout.includes(`\n  env       BDT-v0 with the scenario it trained on (from ${join(bare, 'manifest.json')})\n  episodes  1, seed `));
    assert.match(cli('evaluate', '--checkpoint', bare, '--episodes', '1', '--env-kwargs', '{}').stdout, /\n {2}env {7}BDT-v0 with no envKwargs \(from --env-kwargs\)\n {2}episodes {2}1, seed \d+ \(/);
  });

  it("notes when the run's summary.json gives another scenario than the one the checkpoint's manifest records (a best/ from before a --resume --preset, a summary not the run's), and evaluates on the summary's", () => {
    const run = join(mkdtempSync(join(tmpdir(), 'bdt-evaluate-')), 'run');
    cpSync(join(root, 'models/ppo-bdt-small-v0'), run, { recursive: true });
    const own = cli('evaluate', '--checkpoint', run, '--episodes', '1', '--json');
    assert.equal(own.status, 0, own.stderr);
    assert.equal(own.stderr, '', 'no note for the run\'s own summary');
    const summaryFile = join(run, 'summary.json');
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    writeFileSync(summaryFile, JSON.stringify({ ...summary, envKwargs: { scenario: { lyapunov: { V: 50 }, reward: { energyPenalty: 0.9 } } } }));
    const other = cli('evaluate', '--checkpoint', run, '--episodes', '1', '--json');
    assert.equal(other.status, 0, other.stderr);
    assert.equal(other.stderr, `bdt-gym evaluate: note: evaluating on the envKwargs of ${summaryFile} (train's final evaluation ran on them), whose scenario is not the one ${join(run, 'checkpoint', 'manifest.json')} records the policy trained on (lyapunov.V: 1.5 -> 50); give --env-kwargs to choose\n`);
    assert.deepEqual(lastJson(other.stdout)['envKwargs'], { scenario: { lyapunov: { V: 50 }, reward: { energyPenalty: 0.9 } } });
  });

  it("notes that a non-B-DT run's envKwargs are unknown without its summary.json (the manifest keeps only a B-DT scenario), and evaluates on the env's defaults", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-evaluate-'));
    const preset = join(dir, 'preset.json');
    writeFileSync(preset, JSON.stringify({ agent: 'ppo', env: 'CartPole-v1', envKwargs: { suttonBartoReward: true }, hyperparameters: { totalTimesteps: 256, numEnvs: 1, numSteps: 256 } }));
    const out = join(dir, 'run');
    const trained = cli('train', '--preset', preset, '--out', out, '--eval-episodes', '0');
    assert.equal(trained.status, 0, trained.stderr);
    const withSummary = cli('evaluate', '--checkpoint', out, '--episodes', '1', '--json');
    assert.deepEqual([lastJson(withSummary.stdout)['envKwargs'], withSummary.stderr], [{ suttonBartoReward: true }, '']);
    rmSync(join(out, 'summary.json'));
    const withoutSummary = cli('evaluate', '--checkpoint', out, '--episodes', '1', '--json');
    assert.equal(withoutSummary.status, 0, withoutSummary.stderr);
    assert.deepEqual(lastJson(withoutSummary.stdout)['envKwargs'], {});
    assert.equal(withoutSummary.stderr, `bdt-gym evaluate: note: the run's envKwargs are unknown (no summary.json beside --checkpoint ${out}, and ${join(out, 'checkpoint', 'manifest.json')} records no envKwargs, only a B-DT env's resolved scenario): evaluating on CartPole-v1's defaults; give --env-kwargs to set others\n`);
    assert.equal(cli('evaluate', '--checkpoint', out, '--episodes', '1', '--env-kwargs', '{"suttonBartoReward":true}').stderr, '', 'no note when --env-kwargs gives them');
  });

  it("--agent plays a checkpoint of an algorithm of one's own as the agent an --import module registered, given the checkpoint as its option checkpoint; without --agent, or with an agent that cannot load it, refused in one line", () => {
    const own = join(mkdtempSync(join(tmpdir(), 'bdt-evaluate-')), 'a2c');
    cpSync(join(root, 'models/ppo-bdt-small-v0/checkpoint'), own, { recursive: true });
    rewriteCheckpoint(own, (m) => Object.assign(m, { algo: 'a2c', hyperparameters: { normObs: true, clipObs: 10, gamma: 0.5 } }));
    const imported = (...args: string[]) => spawnSync(process.execPath, [bin, '--import', './own-algorithm-agent.ts', 'evaluate', ...args], { encoding: 'utf8', cwd: join(root, 'test/cli/fixtures') });
    const episodes = ['--episodes', '2', '--seed', '1', '--env-kwargs', '{}'];
    const played = imported('--checkpoint', own, '--agent', 'own-a2c', ...episodes, '--json');
    assert.equal(played.status, 0, played.stderr);
    const result = lastJson(played.stdout);
    assert.deepEqual([result['algo'], result['agent'], result['checkpoint']], ['a2c', 'own-a2c', own]);
    // the committed PPO's networks under another algorithm: its episodes, by its own agent
    const ppo = lastJson(cli('evaluate', '--checkpoint', 'models/ppo-bdt-small-v0', ...episodes, '--json').stdout);
    assert.equal(ppo['agent'], undefined, 'no --agent, no agent field');
    assert.deepEqual(result['returns'], ppo['returns']);
    assert.match(imported('--checkpoint', own, '--agent', 'own-a2c', ...episodes).stdout, new RegExp(`^a2c from ${own} by agent own-a2c \\(trained on BDT-small-v0, `));
    // a learned agent by name plays the checkpoints it loads as evaluate does without --agent
    const byName = lastJson(cli('evaluate', '--checkpoint', 'models/ppo-bdt-small-v0', '--agent', 'ppo', ...episodes, '--json').stdout);
    assert.deepEqual([byName['agent'], byName['returns']], ['ppo', ppo['returns']]);
    const refusals: [string[], string | RegExp][] = [
      [[], `bdt-gym: --checkpoint ${own}: the checkpoint holds an a2c policy, which no built-in agent loads; give --agent NAME, an agent an --import module registered that loads it from its option checkpoint\n`],
      [['--agent', 'ppo'], `bdt-gym: checkpoint ${own} holds an a2c policy, not a ppo one\n`],
      [['--agent', 'dpra'], 'bdt-gym: --agent: dpra is a scripted agent, which plays no checkpoint; give an agent that loads one (ppo, dqn, ppo-solved, dqn-solved, or an --import module\'s)\n'],
      [['--agent', 'no-options'], `bdt-gym: --agent no-options: evaluate gives it the checkpoint as its option checkpoint, which its options refuse: at (root): Unrecognized key: "checkpoint" (no keys are taken here)\n`],
      [['--agent', 'nosuch'], /^bdt-gym: --agent: unknown agent "nosuch" \(available: .*own-a2c.*\); for an agent of your own, call registerAgent\(name, \{description, create\}\) in a module and load it with bdt-gym --import <module>/],
    ];
    for (const [args, message] of refusals) {
      const refused = imported('--checkpoint', own, ...args, '--episodes', '1');
      assert.equal(refused.status, 1, args.join(' '));
      if (typeof message === 'string') assert.equal(refused.stderr, message);
      else assert.match(refused.stderr, message);
    }
  });

  it('refuses bad input with one line naming the option or the checkpoint, and no stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['--checkpoint', '/no/such/run'], /^bdt-gym: checkpoint \/no\/such\/run does not exist\n$/],
      [['--checkpoint', ''], /^bdt-gym: --checkpoint: expected a directory \(a train run or its checkpoint directory\), got ""\n$/],
      [['--checkpoint', 'models/ppo-bdt-v0', '--episodes', '0'], /--episodes: expected an integer >= 1, got "0"/],
      [['--checkpoint', 'models/ppo-bdt-v0', '--env', 'Nope-v0'], /--env: unknown env "Nope-v0"/],
      // another env id the policy does not fit: the two ids and the fix in one line, not the whole space
      [['--checkpoint', 'models/ppo-bdt-v0', '--env', 'CartPole-v1'], /^bdt-gym: --env CartPole-v1: the checkpoint models\/ppo-bdt-v0\/checkpoint was trained on BDT-v0, and its observation layout is not CartPole-v1's; leave out --env to evaluate it on BDT-v0\n$/],
      [['--checkpoint', 'models/ppo-bdt-v0', '--env', 'BDT-small-v0'], /^bdt-gym: --env BDT-small-v0: the checkpoint .* was trained on BDT-v0, and its observation layout is not BDT-small-v0's; leave out --env/],
      [['--checkpoint', 'models/ppo-bdt-v0', '--env-kwargs', '[1]'], /--env-kwargs: expected a JSON object/],
      [['--checkpoint', 'models/ppo-bdt-v0', '--env-kwargs', '{"foo": 1}'], /^bdt-gym: --env-kwargs: BDT-v0: at \(root\): Unrecognized key: "foo" \(keys: scenario, [^)]*\)\n$/],
      // the scenario's fields by their path in --env-kwargs (they read as top-level kwargs)
      [['--checkpoint', 'models/ppo-bdt-v0', '--env-kwargs', '{"scenario": {"lyapunov": {"V": -1}}}'], /^bdt-gym: --env-kwargs: BDT-v0: at scenario\.lyapunov\.V: .*\(value: -1\)\n$/],
      [['--checkpoint', 'models/ppo-bdt-v0', '--env-kwargs', '{"scenario": 5}'], /^bdt-gym: --env-kwargs: BDT-v0: at scenario: Invalid input: expected object, received number \(value: 5\)\n$/],
    ];
    for (const [args, message] of cases) {
      const result = cli('evaluate', ...args);
      assert.equal(result.status, 1, args.join(' '));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at .*\.ts:\d+/, 'no stack trace');
    }
  });

  it("names a bad field of a run's summary.json envKwargs by its path in the file, as train --resume does (it said at (root))", () => {
    const run = join(mkdtempSync(join(tmpdir(), 'bdt-evaluate-')), 'run');
    cpSync(join(root, 'models/ppo-bdt-v0'), run, { recursive: true });
    const summaryFile = join(run, 'summary.json');
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Record<string, unknown>;
    for (const [envKwargs, message] of [
      [{ bogus: 1 }, `bdt-gym: ${summaryFile}: BDT-v0: at envKwargs: Unrecognized key: "bogus" (keys: scenario, baseScenario, infoLevel, reuseObservation, renderMode)\n`],
      [{ scenario: { slots: -1 } }, `bdt-gym: ${summaryFile}: BDT-v0: at envKwargs.scenario.slots: Too small: expected number to be >0 (value: -1)\n`],
    ] as const) {
      writeFileSync(summaryFile, JSON.stringify({ ...summary, envKwargs }));
      const result = cli('evaluate', '--checkpoint', run, '--episodes', '1');
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stderr, message);
    }
  });

  it("refuses a summary.json evalEpisodes that is no whole number >= 0 when it sets the episodes (it fell back to 20 without a word); 0 (no final evaluation) gives 20", () => {
    const run = join(mkdtempSync(join(tmpdir(), 'bdt-evaluate-')), 'run');
    cpSync(join(root, 'models/ppo-bdt-small-v0'), run, { recursive: true });
    const summaryFile = join(run, 'summary.json');
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Record<string, unknown>;
    for (const [evalEpisodes, shown] of [[-1, '-1'], [2.5, '2.5'], ['3', '"3"']] as const) {
      writeFileSync(summaryFile, JSON.stringify({ ...summary, evalEpisodes }));
      const result = cli('evaluate', '--checkpoint', run);
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stderr, `bdt-gym: --checkpoint ${run}: ${summaryFile}: evalEpisodes is ${shown}, not a whole number >= 0 (the episodes of train's final evaluation, which evaluate plays by default); give --episodes\n`);
      assert.equal(cli('evaluate', '--checkpoint', run, '--episodes', '1').status, 0, '--episodes does without it');
    }
    writeFileSync(summaryFile, JSON.stringify({ ...summary, evalEpisodes: 0 }));
    const result = cli('evaluate', '--checkpoint', run, '--json', '--env-kwargs', '{"scenario":{"slots":2}}');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(lastJson(result.stdout)['episodes'], 20);
  });

  it('refuses a corrupted checkpoint (checksums consistent) naming the manifest and the field, never as an internal error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-evaluate-'));
    const cases: [string, (m: RawManifest) => void, RegExp][] = [
      ['hp', (m) => (m['hyperparameters'] = {}), /^bdt-gym: checkpoint manifest .*hp\/manifest\.json: observationStats is given, but hyperparameters\.normObs is false\n$/],
      ['env', (m) => (m['envId'] = 'Nope-v0'), /^bdt-gym: checkpoint manifest .*env\/manifest\.json: envId: unknown env "Nope-v0" \(registered: /],
    ];
    for (const [name, edit, message] of cases) {
      const copy = join(dir, name);
      cpSync(join(root, 'models/ppo-bdt-v0/checkpoint'), copy, { recursive: true });
      rewriteCheckpoint(copy, edit);
      const result = cli('evaluate', '--checkpoint', copy, '--episodes', '1');
      assert.equal(result.status, 1, `${name}: ${result.stderr}`);
      assert.match(result.stderr, message, name);
    }
  });
});
