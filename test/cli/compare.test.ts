import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewriteCheckpoint } from '../agents/rewrite-checkpoint.ts';
import { make, type BdtEnv } from '../../env/index.ts';
import { BACKENDS } from '../../agents/backend-names.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('bdt-gym compare', () => {
  it('prints the per-agent aggregate and writes every episode to --out', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'nested', 'compare.json');
    const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra,random', '--seeds', '1,2', '--slots', '10', '--out', out, '--json');
    assert.equal(result.status, 0, result.stderr);
    const rows = JSON.parse(result.stdout).agents as Array<{ agent: string; episodes: number; meanLatency: { mean: number } }>;
    assert.deepEqual(rows.map((r) => [r.agent, r.episodes]), [['dpra', 2], ['random', 2]]);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(written.episodes.length, 4);
    assert.equal(written.slots, 10);
    assert.deepEqual(written.agents, rows);
    assert.equal(result.stderr, `bdt-gym compare: full result: ${out}\n`, 'stdout is the JSON alone; where the rest went is said on stderr');
  });

  it("draws its progress bar on a terminal without hiding the cursor or turning line wrap off (kill -9 or Ctrl-\\ end it mid-episode, before it could restore them)", function () {
    // `script` (util-linux) gives the command a pseudo-terminal, where the bar is drawn
    const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) this.skip();
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const command = [process.execPath, bin, 'compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1,2', '--slots', '3', '--out', out].map((word) => `'${word}'`).join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout);
    assert.match(result.stdout, /compare \|.*\| 2\/2 episodes/, 'the bar was drawn');
    for (const sequence of ['\x1b[?25l', '\x1b[?7l']) assert.ok(!result.stdout.includes(sequence), JSON.stringify(sequence));
  });

  it("heads the reward column with what the scenario's reward mode charges", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    for (const [reward, header] of [
      [{}, 'reward (-Psi)'],
      [{ mode: 'latency' }, 'reward (-tau)'],
      [{ mode: 'dpp-exact', energyPenalty: 0.5 }, 'reward (-(V tau + dL) - energy penalty)'],
    ] as const) {
      const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '3', '--out', out, '--scenario-override', JSON.stringify({ reward }));
      assert.equal(result.status, 0, result.stderr);
      assert.ok(result.stdout.split('\n').some((line) => line.startsWith('agent ') && line.includes(header)), `${header} in\n${result.stdout}`);
    }
  });

  it('--checkpoint adds trained agents under their labels, or replaces the checkpoint of ppo / dqn', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const args = ['compare', '--agents', 'dpra,ppo,dqn', '--seeds', '1', '--slots', '12', '--out', out, '--json'];
    const result = cli(...args, '--checkpoint', 'ppo2=models/ppo-bdt-v0', '--checkpoint', 'mydqn=models/dqn-bdt-v0/checkpoint');
    assert.equal(result.status, 0, result.stderr);
    type Row = { agent: string; meanReward: { mean: number }; meanLatency: { mean: number } };
    const rows = JSON.parse(result.stdout).agents as Row[];
    assert.deepEqual(rows.map((r) => r.agent), ['dpra', 'ppo', 'dqn', 'ppo2', 'mydqn']);
    const byLabel = new Map(rows.map((r) => [r.agent, r]));
    // the same checkpoint under another label plays the same trace the same way
    assert.equal(byLabel.get('ppo2')!.meanReward.mean, byLabel.get('ppo')!.meanReward.mean);
    assert.equal(byLabel.get('mydqn')!.meanLatency.mean, byLabel.get('dqn')!.meanLatency.mean);
    assert.notEqual(byLabel.get('ppo')!.meanReward.mean, byLabel.get('dqn')!.meanReward.mean);
    // a label among the agents takes the given checkpoint in place of the committed one
    const dir = mkdtempSync(join(tmpdir(), 'bdt-compare-'));
    const preset = join(dir, 'preset.json');
    writeFileSync(preset, JSON.stringify({ agent: 'ppo', env: 'BDT-v0', hyperparameters: { numEnvs: 1, numSteps: 32, numMinibatches: 1, updateEpochs: 1 } }));
    const trained = cli('train', '--preset', preset, '--steps', '32', '--out', join(dir, 'run'), '--eval-episodes', '0');
    assert.equal(trained.status, 0, trained.stderr);
    const replaced = cli('compare', '--agents', 'ppo', '--seeds', '1', '--slots', '12', '--out', out, '--json', '--checkpoint', `ppo=${join(dir, 'run')}`);
    assert.equal(replaced.status, 0, replaced.stderr);
    const [row] = JSON.parse(replaced.stdout).agents as Row[];
    assert.equal(row!.agent, 'ppo');
    assert.notEqual(row!.meanReward.mean, byLabel.get('ppo')!.meanReward.mean, 'an untrained policy does not play like the committed one');
  });

  it('finds committed models given as models/<name> from any working directory, in --checkpoint and --agent-options, for the output checks too (it was read from the cwd only)', () => {
    const models = fileURLToPath(new URL('../../models/', import.meta.url));
    const elsewhere = mkdtempSync(join(tmpdir(), 'bdt-compare-cwd-'));
    const args = ['compare', '--agents', 'ppo', '--agent-options', '{"ppo":{"checkpoint":"models/ppo-bdt-v0"}}', '--checkpoint', 'mine=models/dqn-bdt-v0', '--seeds', '1', '--slots', '3', '--json'];
    const outside = (out: string) => spawnSync(process.execPath, [bin, ...args, '--out', out], { encoding: 'utf8', cwd: elsewhere });
    const result = outside('compare.json');
    assert.equal(result.status, 0, result.stderr);
    const { provenance } = JSON.parse(readFileSync(join(elsewhere, 'compare.json'), 'utf8')) as { provenance: { checkpoints: Record<string, { path: string }> } };
    assert.deepEqual(Object.fromEntries(Object.entries(provenance.checkpoints).map(([label, { path }]) => [label, path])), { ppo: join(models, 'ppo-bdt-v0', 'checkpoint'), mine: join(models, 'dqn-bdt-v0', 'checkpoint') });
    const rows = JSON.parse(result.stdout).agents as Array<{ agent: string; meanReward: { mean: number } }>;
    const committed = JSON.parse(cli('compare', '--agents', 'ppo,dqn', '--seeds', '1', '--slots', '3', '--json', '--out', join(elsewhere, 'committed.json')).stdout).agents as typeof rows;
    assert.deepEqual(rows.map((r) => r.meanReward.mean), committed.map((r) => r.meanReward.mean));
    // the result would be written into a committed run (best-eval.json: a file train writes there)
    for (const model of ['ppo-bdt-v0', 'dqn-bdt-v0']) {
      const into = join(models, model, 'best-eval.json');
      const collision = outside(into);
      assert.equal(collision.status, 1);
      assert.match(collision.stderr, new RegExp(`^bdt-gym: --out .*best-eval\\.json: is (--agent-options ppo checkpoint |--checkpoint mine=)models/${model}'s best-eval\\.json`));
      assert.equal(existsSync(into), false);
    }
  });

  it('--agents may list a --checkpoint label, which places the trained agent there (it was an unknown agent)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const result = cli('compare', '--agents', 'mine,dpra', '--seeds', '1', '--slots', '2', '--out', out, '--json', '--checkpoint', 'mine=models/ppo-bdt-v0');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout).agents as Array<{ agent: string }>).map((r) => r.agent), ['mine', 'dpra']);
    const unlabelled = cli('compare', '--agents', 'dpra,mine', '--seeds', '1', '--slots', '2', '--out', out);
    assert.match(unlabelled.stderr, /^bdt-gym: --agents: unknown agent "mine" \(available: /);
  });

  it("names a checkpoint trained on another env id than the compared one, and the --env to give, in one short line; on its own id, what an override changed in detail", () => {
    const args = ['compare', '--env', 'BDT-small-v0', '--seeds', '1', '--slots', '2'];
    const given = cli(...args, '--agents', 'dpra', '--checkpoint', 'base=models/ppo-bdt-v0');
    assert.equal(given.status, 1);
    assert.equal(given.stderr, 'bdt-gym: --checkpoint base=models/ppo-bdt-v0: trained on BDT-v0, compared on BDT-small-v0, whose observation layout differs (H.shape: the checkpoint\'s [3], this env\'s [2]); give --env BDT-v0, or train a policy on BDT-small-v0 with bdt-gym train\n', 'not the whole observation space');
    const inOptions = cli(...args, '--agents', 'ppo', '--agent-options', '{"ppo":{"checkpoint":"models/ppo-bdt-v0"}}');
    assert.equal(inOptions.stderr, 'bdt-gym: --agent-options ppo checkpoint models/ppo-bdt-v0: trained on BDT-v0, compared on BDT-small-v0, whose observation layout differs (H.shape: the checkpoint\'s [3], this env\'s [2]); give --env BDT-v0, or train a policy on BDT-small-v0 with bdt-gym train\n');
    const overridden = cli('compare', '--agents', 'dpra', '--seeds', '1', '--slots', '2', '--checkpoint', 'base=models/ppo-bdt-v0', '--scenario-override', '{"devices":{"dnn":"alexnet"}}');
    assert.equal(overridden.status, 1);
    assert.match(overridden.stderr, /^bdt-gym: checkpoint .*ppo-bdt-v0\/checkpoint was trained on BDT-v0 with a different action space \(partition.nvec\[1\]: the checkpoint's 10, this env's 8\) than this env's Dict\(partition: MultiDiscrete\(\[8, 8,/);
  });

  it('refuses a malformed or mismatched --checkpoint with one line naming it', () => {
    const cases: [string, RegExp][] = [
      ['models/ppo-bdt-v0', /--checkpoint: expected label=dir \(e\.g\. mine=runs\/ppo-bdt\), got "models\/ppo-bdt-v0"/],
      ['dpra=models/ppo-bdt-v0', /dpra is a scripted agent/],
      ['dqn=models/ppo-bdt-v0', /the checkpoint holds a ppo policy, not dqn/],
      ['mine=/no/such/run', /^bdt-gym: --checkpoint mine=\/no\/such\/run: checkpoint \/no\/such\/run does not exist\n$/],
      ['mine=package.json', /^bdt-gym: --checkpoint mine=package\.json: checkpoint package\.json is not a directory\n$/],
      // a label is a table row and an --agents entry: a comma would split it there
      ['a,b=models/ppo-bdt-v0', /^bdt-gym: --checkpoint a,b=models\/ppo-bdt-v0: label "a,b" is not a simple name; use letters, digits, _, \. and -\n$/],
      ['my run=models/ppo-bdt-v0', /^bdt-gym: --checkpoint my run=models\/ppo-bdt-v0: label "my run" is not a simple name/],
      // training seeds are compared one label each, not as a list under one label
      ['a=models/ppo-bdt-v0,models/dqn-bdt-v0', /^bdt-gym: --checkpoint a=models\/ppo-bdt-v0,models\/dqn-bdt-v0: checkpoint models\/ppo-bdt-v0,models\/dqn-bdt-v0 does not exist; one label takes one checkpoint: to compare training seeds, give one --checkpoint per seed \(--checkpoint s1=runs\/s1 --checkpoint s2=runs\/s2\) and pool their episodes from --out\n$/],
    ];
    for (const [option, message] of cases) {
      const result = cli('compare', '--agents', 'dpra', '--seeds', '1', '--slots', '5', '--checkpoint', option);
      assert.equal(result.status, 1, option);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at .*\.ts:\d+/, 'no stack trace');
    }
    const twice = cli('compare', '--agents', 'dpra', '--checkpoint', 'a=models/ppo-bdt-v0', '--checkpoint', 'a=models/dqn-bdt-v0');
    assert.match(twice.stderr, /--checkpoint: label a is given twice/);
    // an algorithm of one's own: read as the agent named for it, a learned agent "a2c" that does not exist
    const a2c = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), "it's a2c"); // a quote the suggested command must escape
    cpSync(fileURLToPath(new URL('../../models/ppo-bdt-v0/checkpoint', import.meta.url)), a2c, { recursive: true });
    rewriteCheckpoint(a2c, (m) => Object.assign(m, { algo: 'a2c', hyperparameters: { gamma: 0.5 } }));
    for (const label of ['mine', 'ppo']) {
      const own = cli('compare', '--agents', 'dpra', '--seeds', '1', '--slots', '5', '--checkpoint', `${label}=${a2c}`);
      assert.equal(own.status, 1, own.stderr);
      const why = label === 'ppo' ? 'not ppo' : `which no built-in agent loads and no --import module registered an agent named a2c for: give it to the agent of an --import module that loads it, through --agent-options '{"<agent>":{"checkpoint":"${a2c.replaceAll("'", "'\\''")}"}}'`;
      assert.equal(own.stderr, `bdt-gym: --checkpoint ${label}=${a2c}: the checkpoint holds an a2c policy, ${why}\n`);
    }
    const corrupted = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'stats');
    cpSync(fileURLToPath(new URL('../../models/ppo-bdt-v0/checkpoint', import.meta.url)), corrupted, { recursive: true });
    rewriteCheckpoint(corrupted, (m) => (m['observationStats'].mean = [0]));
    const stats = cli('compare', '--agents', 'dpra', '--seeds', '1', '--slots', '5', '--checkpoint', `x=${corrupted}`);
    assert.equal(stats.status, 1, stats.stderr);
    assert.match(stats.stderr, /^bdt-gym: checkpoint manifest .*stats\/manifest\.json: observationStats\.mean and \.var have 1 and 33 values; the observation space flattens to 33\n$/);
  });

  it("--checkpoint of an algorithm of one's own is played by the agent an --import module registered under its id, as evaluate --agent plays it (it was refused)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-compare-'));
    const a2c = join(dir, 'a2c');
    cpSync(fileURLToPath(new URL('../../models/ppo-bdt-small-v0/checkpoint', import.meta.url)), a2c, { recursive: true });
    rewriteCheckpoint(a2c, (m) => Object.assign(m, { algo: 'a2c', hyperparameters: { normObs: true, clipObs: 10, gamma: 0.5 } }));
    const out = join(dir, 'compare.json');
    const args = ['compare', '--env', 'BDT-small-v0', '--agents', 'ppo', '--seeds', '1,2', '--slots', '10', '--no-timing', '--json', '--out', out];
    const imported = (...more: string[]) => spawnSync(process.execPath, [bin, '--import', './own-algorithm-agent.ts', ...args, ...more], { encoding: 'utf8', cwd: fileURLToPath(new URL('fixtures', import.meta.url)) });
    for (const label of ['mine', 'a2c']) {
      const compared = imported('--checkpoint', `${label}=${a2c}`);
      assert.equal(compared.status, 0, compared.stderr);
      const result = JSON.parse(readFileSync(out, 'utf8')) as { episodes: { agent: string; seed: number; summary: unknown }[]; provenance: { checkpoints: Record<string, { path: string }> } };
      // the committed PPO's networks under another algorithm: the committed PPO's episodes
      const episodes = (agent: string) => result.episodes.filter((e) => e.agent === agent).map((e) => [e.seed, e.summary]);
      assert.equal(episodes(label).length, 2);
      assert.deepEqual(episodes(label), episodes('ppo'));
      assert.equal(result.provenance.checkpoints[label]!.path, a2c);
    }
    // a learned agent's label still takes its own algorithm only
    assert.equal(imported('--checkpoint', `ppo=${a2c}`).stderr, `bdt-gym: --checkpoint ppo=${a2c}: the checkpoint holds an a2c policy, not ppo\n`);
  });

  it('--scenario FILE and --agent-options, as run and sweep-v spell them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-compare-'));
    type Row = { agent: string; meanLatency: { mean: number }; meanReward: { mean: number } };
    const common = ['--agents', 'dpra,wdpo,wtcm', '--seeds', '1,2', '--slots', '8', '--json'];
    const fromId = cli('compare', '--env', 'BDT-small-v0', ...common, '--out', join(dir, 'id.json'));
    assert.equal(fromId.status, 0, fromId.stderr);
    const fromFile = cli('compare', '--scenario', 'configs/small.json', ...common, '--out', join(dir, 'file.json'));
    assert.equal(fromFile.status, 0, fromFile.stderr);
    // configs/small.json is BDT-small-v0's scenario: the same episodes (wtcm on its plain-PoW variant of it)
    const episodes = (file: string) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { episodes: { agent: string; summary: unknown }[] }).episodes.map((e) => [e.agent, e.summary]);
    assert.deepEqual(episodes('file.json'), episodes('id.json'));
    assert.equal(JSON.parse(readFileSync(join(dir, 'file.json'), 'utf8')).scenario, 'configs/small.json');

    const options = '{"wdpo":{"partition":[1,2,3,1]}}';
    const withOptions = cli('compare', '--scenario', 'configs/small.json', ...common, '--agent-options', options, '--out', join(dir, 'options.json'));
    assert.equal(withOptions.status, 0, withOptions.stderr);
    const rows = (stdout: string) => new Map((JSON.parse(stdout).agents as Row[]).map((r) => [r.agent, r.meanReward.mean]));
    assert.equal(rows(withOptions.stdout).get('dpra'), rows(fromFile.stdout).get('dpra'));
    assert.notEqual(rows(withOptions.stdout).get('wdpo'), rows(fromFile.stdout).get('wdpo'), 'another partition plays otherwise');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')).agentOptions, JSON.parse(options));

    const refusals: [string[], RegExp][] = [
      [['--env', 'BDT-v0', '--scenario', 'configs/small.json'], /^bdt-gym: give one of --env <id> and --scenario <file>, not both\n$/],
      [['--scenario', join(dir, 'missing.json')], /^bdt-gym: --scenario .*missing\.json: cannot read the file \(ENOENT\)\n$/],
      [['--agents', 'dpra', '--agent-options', '{"wdpo":{}}'], /^bdt-gym: --agent-options: "wdpo" is not among the agents \(dpra\)/],
      [['--agents', 'dpra', '--agent-options', '{"dpra":3}'], /^bdt-gym: --agent-options: the options of dpra must be a JSON object, got 3\n$/],
      [['--agents', 'dpra', '--agent-options', '[1]'], /^bdt-gym: --agent-options: expected a JSON object, got \[1\]\n$/],
      [['--agents', 'wdpo', '--seeds', '1', '--slots', '3', '--agent-options', '{"wdpo":{"foo":1}}'], /^bdt-gym: --agent-options: agent wdpo: invalid options: at \(root\): Unrecognized key: "foo" \(keys: partition, calibrationSeed, calibrationSlots\)\n$/],
      [['--scenario', 'configs/small.json', '--agents', 'dpra,dqn'], /^bdt-gym: --agents dqn: no dqn model is committed for a --scenario file \(there is one for BDT-small-v0, BDT-v0, BDT-large-v0 only, in models\/\); give --checkpoint dqn=DIR \(a train run or its checkpoint directory\)\n$/],
      [['--agents', 'ppo', '--agent-options', '{"ppo":{"checkpoint":"models/ppo-bdt-v0"}}', '--checkpoint', 'ppo=models/ppo-bdt-v0'], /^bdt-gym: --agent-options: ppo's checkpoint is given by --checkpoint ppo=\.\.\.; give it in one place\n$/],
      [['--agents', 'dpra', '--agent-options', '{"mine":{"checkpoint":"x"}}', '--checkpoint', 'mine=models/ppo-bdt-v0'], /^bdt-gym: --agent-options: mine's checkpoint is given by --checkpoint mine=\.\.\.; give it in one place\n$/],
      [['--agents', 'dpra', '--agent-options', '{"mine":{"sample":0.5}}', '--checkpoint', 'mine=models/ppo-bdt-v0', '--seeds', '1', '--slots', '2'], /agent ppo.*at sample: .*expected int/s],
    ];
    for (const [args, message] of refusals) {
      const result = cli('compare', ...args, '--out', join(dir, 'refused.json'));
      assert.equal(result.status, 1, args.join(' '));
      assert.match(result.stderr, message);
    }
  });

  it('an infinite reward on a trace prints as such, its interval unbounded (not as the one-trace form), its paired difference NaN (not blank)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-compare-'));
    for (const seed of [3, 4]) assert.equal(cli('run', '--env', 'BDT-small-v0', '--slots', '8', '--seed', String(seed), '--save-trace', join(dir, `t${seed}.json`), '--json').status, 0);
    // trace 3's first slot without channel (the least gain, 5e-324, whose SNR underflows to 0): the uplink takes forever, its energy is infinite, and so is the charged penalty
    const trace = JSON.parse(readFileSync(join(dir, 't3.json'), 'utf8')) as { M: number; gain: number[] };
    for (let m = 0; m < trace.M; m++) trace.gain[m] = 5e-324;
    writeFileSync(join(dir, 't3.json'), JSON.stringify(trace));
    const args = ['compare', '--env', 'BDT-small-v0', '--agents', 'dpra,latency-greedy', '--trace', `${join(dir, 't3.json')},${join(dir, 't4.json')}`, '--slots', '8', '--scenario-override', '{"reward":{"energyPenalty":1}}', '--no-timing', '--out', join(dir, 'c.json')];
    const result = cli(...args);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split('\n');
    for (const agent of ['dpra', 'latency-greedy']) assert.match(lines.find((line) => line.startsWith(`${agent} `) && line.includes('Infinity'))!, /  -Infinity ± Infinity  /);
    assert.match(lines.findLast((line) => line.startsWith('latency-greedy '))!, / NaN$/, 'both infinite: the difference is NaN');
    const json = JSON.parse(cli(...args, '--json').stdout) as { interval: string; agents: { meanReward: unknown }[] };
    assert.deepEqual(json.agents[0]!.meanReward, { mean: null, halfWidth: null });
    assert.match(json.interval, /any number that is NaN or infinite null too/);
  });

  it('--trace replays trace files for every agent: the episodes of the seeds they were saved from, recorded with their hashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-compare-'));
    for (const seed of [3, 4]) assert.equal(cli('run', '--env', 'BDT-small-v0', '--slots', '8', '--seed', String(seed), '--save-trace', join(dir, `t${seed}.json`), '--json').status, 0);
    const traces = [join(dir, 't3.json'), join(dir, 't4.json')];
    const replayed = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra,latency-greedy', '--trace', traces.join(','), '--slots', '8', '--out', join(dir, 'c.json'));
    assert.equal(replayed.status, 0, replayed.stderr);
    assert.match(replayed.stdout, new RegExp(`2 agents x 2 trace files \\(${traces.join(', ')}; agent seeds 0, 1\\), 8 slots each`));
    assert.match(replayed.stdout, /\nPer agent: mean ± 95% CI over the 2 traces; energy viol. and backlog: means \(CIs in --json\)\n[^]*\nPaired: each agent minus dpra on the same traces, ± 95% CI \(--json pairs every metric\)\n/);
    const drawn = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra,latency-greedy', '--seeds', '3,4', '--slots', '8', '--out', join(dir, 'd.json'));
    assert.equal(drawn.status, 0, drawn.stderr);
    const result = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const [c, d] = [result('c.json'), result('d.json')];
    // the scripted agents are deterministic: the same traces give the same episodes
    assert.deepEqual(c.episodes.map((e: { summary: unknown }) => e.summary), d.episodes.map((e: { summary: unknown }) => e.summary));
    assert.deepEqual(c.traces, traces);
    assert.deepEqual(c.episodes.map((e: { trace: number }) => e.trace), [0, 1, 0, 1]);
    assert.equal(c.provenance.tracesSha256.length, 2);
    assert.notEqual(c.provenance.tracesSha256[0], c.provenance.tracesSha256[1]);
    const bad = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--trace', traces.join(','), '--seeds', '1', '--out', join(dir, 'e.json'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^bdt-gym: --seeds: 1 seed for 2 trace files; with --trace, give one agent seed per trace/);
    // the agents' seeds may repeat on distinct traces: each trace is still one sample
    const sameSeed = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra,latency-greedy', '--trace', traces.join(','), '--seeds', '0,0', '--slots', '8', '--out', join(dir, 's.json'));
    assert.equal(sameSeed.status, 0, sameSeed.stderr);
    assert.deepEqual(result('s.json').episodes.map((e: { seed: number; trace: number }) => [e.seed, e.trace]), [[0, 0], [0, 1], [0, 0], [0, 1]]);
    assert.deepEqual(result('s.json').episodes.map((e: { summary: unknown }) => e.summary), c.episodes.map((e: { summary: unknown }) => e.summary), 'the scripted agents play the traces alike whatever their seeds');
    // the same trace written by another tool: keys in another order, indented
    writeFileSync(join(dir, 'copy.json'), JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(readFileSync(traces[0]!, 'utf8')) as object).reverse()), null, 1));
    const twice = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--trace', `${traces[0]},${join(dir, 'copy.json')}`, '--slots', '8', '--out', join(dir, 'g.json'));
    assert.equal(twice.stderr, `bdt-gym: --trace: ${traces[0]} and ${join(dir, 'copy.json')} hold the same trace; each trace is one sample, give it once\n`);
    // seed 3 saved from a 10-slot episode replays, for 8 slots, the 8-slot episode's slot states: the same sample
    assert.equal(cli('run', '--env', 'BDT-small-v0', '--slots', '10', '--seed', '3', '--save-trace', join(dir, 't3-10.json'), '--json').status, 0);
    const longer = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--trace', `${traces[0]},${join(dir, 't3-10.json')}`, '--slots', '8', '--out', join(dir, 'j.json'));
    assert.equal(longer.stderr, `bdt-gym: --trace: ${traces[0]} and ${join(dir, 't3-10.json')} hold the same trace; each trace is one sample, give it once\n`);
    const long = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--trace', traces[0]!, '--slots', '20', '--out', join(dir, 'f.json'));
    assert.equal(long.status, 1);
    assert.equal(long.stderr, `bdt-gym: --trace ${traces[0]}: cannot be replayed on small for 20 slots: trace.length = 9: an episode needs at least 20 slot states; it holds an episode of 8 slots: give --slots 8\n`);
    // without --slots, as run --trace: traces all saved from 8-slot episodes replay 8 slots
    const inferred = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra,latency-greedy', '--trace', traces.join(','), '--out', join(dir, 'h.json'));
    assert.equal(inferred.status, 0, inferred.stderr);
    const summaries = (file: string) => result(file).episodes.map((e: { summary: unknown }) => e.summary);
    assert.deepEqual(summaries('h.json'), summaries('c.json'));
    assert.equal(result('h.json').slots, 8);
    // a T the override gives is kept, as --slots is (the traces' 8 slots replaced it)
    const overridden = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--trace', traces.join(','), '--scenario-override', '{"slots":20}', '--out', join(dir, 'o.json'));
    assert.equal(overridden.status, 1);
    assert.equal(overridden.stderr, `bdt-gym: --trace ${traces[0]}: cannot be replayed on small for 20 slots: trace.length = 9: an episode needs at least 20 slot states; it holds an episode of 8 slots: give --slots 8\n`);
    assert.equal(existsSync(join(dir, 'o.json')), false);
    // traces of different episode lengths leave T to --slots
    assert.equal(cli('run', '--env', 'BDT-small-v0', '--slots', '6', '--seed', '5', '--save-trace', join(dir, 't5.json'), '--json').status, 0);
    const mixed = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--trace', `${traces[0]},${join(dir, 't5.json')}`, '--out', join(dir, 'i.json'));
    assert.equal(mixed.status, 1);
    assert.match(mixed.stderr, /^bdt-gym: --trace .*t3\.json: cannot be replayed on small for \d+ slots: .* give --slots 8\n$/);
  });

  it('--scenario-override merges a partial scenario for every agent, is recorded, and a bad one is refused before any episode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-compare-'));
    const override = '{"lyapunov":{"uMin":0.35}}';
    const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--seeds', '1', '--slots', '6', '--scenario-override', override, '--out', join(dir, 'c.json'), '--json');
    assert.equal(result.status, 0, result.stderr);
    const written = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    assert.deepEqual(written.scenarioOverride, { lyapunov: { uMin: 0.35 } });
    const plain = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--seeds', '1', '--slots', '6', '--out', join(dir, 'd.json'), '--json');
    assert.notEqual(JSON.parse(readFileSync(join(dir, 'd.json'), 'utf8')).provenance.scenarioSha256, written.provenance.scenarioSha256);
    assert.notDeepEqual(JSON.parse(plain.stdout).agents[0].meanReward, JSON.parse(result.stdout).agents[0].meanReward, 'a tighter U^min changes the drift terms');
    const bad = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--seeds', '1', '--scenario-override', '{"lyapunov":{"uMin":-1}}', '--out', join(dir, 'e.json'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^bdt-gym: invalid scenario:\n  at lyapunov\.uMin: Too small: expected number to be >=0 \(value: -1\)\n\(with --scenario-override merged in\)\n$/);
    // checked as given: --slots merged over its slots hid a bad one (run went on, compare recorded "abc")
    for (const command of [['compare', '--agents', 'random', '--seeds', '1', '--out', join(dir, 'f.json')], ['run']]) {
      const hidden = cli(...command, '--env', 'BDT-small-v0', '--slots', '2', '--scenario-override', '{"slots":"abc"}');
      assert.equal(hidden.status, 1, command[0]);
      assert.equal(hidden.stderr, 'bdt-gym: invalid scenario:\n  at slots: Invalid input: expected number, received string (value: "abc")\n(with --scenario-override merged in)\n', command[0]);
    }
    assert.ok(!existsSync(join(dir, 'f.json')));
  });

  it("says in the table's title that the scenario was overridden (it read as the plain env's)", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const title = (...extra: string[]) => cli('compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '3', '--out', out, ...extra).stdout.split('\n')[0];
    assert.equal(title('--scenario-override', '{"reward":{"mode":"dpp-exact"}}'), 'BDT-small-v0 (overridden): 1 agent x 1 seed (1), 3 slots each, identical traces per seed');
    assert.equal(title(), 'BDT-small-v0: 1 agent x 1 seed (1), 3 slots each, identical traces per seed');
  });

  it('refuses an --out where no file can be created before any episode, and prints the table before writing', function () {
    if (process.platform !== 'linux') this.skip(); // /proc and /dev/full
    const args = ['compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '5'];
    const unwritable = cli(...args, '--out', '/proc/bdt-gym-compare.json');
    assert.equal(unwritable.status, 1);
    assert.equal(unwritable.stderr, 'bdt-gym: --out /proc/bdt-gym-compare.json: cannot create the file (ENOENT: no such file or directory)\n');
    assert.equal(unwritable.stdout, '');
    const notADirectory = cli(...args, '--out', 'package.json/compare.json');
    assert.equal(notADirectory.stderr, 'bdt-gym: --out package.json/compare.json: cannot create the file (ENOTDIR: not a directory)\n');
    // a write that fails all the same (a full disk) keeps the table
    const full = cli(...args, '--out', '/dev/full');
    assert.equal(full.status, 1);
    assert.match(full.stdout, /^random /m);
    assert.match(full.stdout, /^BDT-small-v0: 1 agent x 1 seed \(1\), 5 slots each,/);
    assert.match(full.stderr, /^bdt-gym: cannot write \/dev\/full: ENOSPC/);
    assert.doesNotMatch(full.stdout, /full result:/, 'nothing was written');
    // where the result went, once it is there
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const written = cli(...args, '--out', out);
    assert.equal(written.status, 0, written.stderr);
    assert.ok(written.stdout.endsWith(`\n\nfull result: ${out}\n`), written.stdout);
    assert.ok(existsSync(out));
  });

  it("docs/TUTORIAL.md's plain compare line lists the agents compare runs by default", () => {
    const tutorial = readFileSync(new URL('../../docs/TUTORIAL.md', import.meta.url), 'utf8');
    const listed = /^npx bdt-gym compare --seeds 1,2,3 +# (\S+)$/m.exec(tutorial)?.[1];
    assert.ok(listed !== undefined, 'the line is there');
    const result = cli('compare', '--seeds', '1', '--slots', '1', '--json', '--out', join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout).agents as { agent: string }[]).map((row) => row.agent).join(','), listed);
  });

  it('prints means without intervals for a single seed (not a zero-width interval)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra,random', '--seeds', '1', '--slots', '5', '--out', out);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /2 agents x 1 seed \(1\)/);
    assert.match(result.stdout, /\nPer agent, on one trace \(no confidence intervals\)\n[^]*\nPaired: each agent minus dpra on the same trace \(--json pairs every metric\)\n/);
    assert.doesNotMatch(result.stdout, /±|CI/, 'no interval is printed, nor promised for the vs columns');
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).agents[0].meanLatency.halfWidth, null, 'NaN is written as null');
  });

  it('pairs every metric with the first agent, in --json and --out, by hand from the episodes in --out; says what the intervals are; shows the paired reward in the table', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const args = ['compare', '--env', 'BDT-small-v0', '--agents', 'latency-greedy,random', '--seeds', '4,5,6', '--slots', '8', '--out', out];
    const result = cli(...args, '--json');
    assert.equal(result.status, 0, result.stderr);
    type Interval = { mean: number; halfWidth: number };
    const printed = JSON.parse(result.stdout) as { interval: string; n: number; agents: Array<Record<string, Interval> & { agent: string }> };
    assert.equal(printed.n, 3);
    assert.match(printed.interval, /95% Student-t .* over the traces \(n - 1 degrees of freedom\).*null with one trace/);
    const written = JSON.parse(readFileSync(out, 'utf8')) as typeof printed & { episodes: Array<{ agent: string; seed: number; summary: Record<string, number> }> };
    assert.deepEqual([written.n, written.interval, written.agents], [printed.n, printed.interval, printed.agents]);
    const pairs: Array<[string, string]> = [['latencyVsFirst', 'meanLatency'], ['rewardVsFirst', 'meanReward'], ['c6ViolationVsFirst', 'c6Violation'], ['energyViolationsVsFirst', 'energyViolations'], ['backlogVsFirst', 'meanBacklog']];
    for (const [paired, field] of pairs) {
      const of = (agent: string, seed: number) => written.episodes.find((e) => e.agent === agent && e.seed === seed)!.summary[field]!;
      const diffs = [4, 5, 6].map((seed) => of('random', seed) - of('latency-greedy', seed));
      const mean = diffs.reduce((a, d) => a + d, 0) / 3;
      const halfWidth = (4.302652729749462 * Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / 2)) / Math.sqrt(3);
      const got = printed.agents[1]![paired]!;
      assert.ok(Math.abs(got.mean - mean) < 1e-9 && Math.abs(got.halfWidth - halfWidth) < 1e-9, `${paired}: ${JSON.stringify(got)} vs ${mean} ± ${halfWidth}`);
    }
    const table = cli(...args).stdout.split('\n');
    // the per-agent table, then the paired one
    const [header, pairedHeader] = table.filter((line) => line.startsWith('agent '));
    assert.match(header!, /latency \(s\) +reward \(-Psi\) +C6 violation/);
    assert.match(pairedHeader!, /^agent +latency vs latency-greedy \(s\) +reward vs latency-greedy$/);
    const random = table.filter((line) => line.startsWith('random ')).at(-1)!;
    const reward = printed.agents[1]!['rewardVsFirst']!;
    assert.ok(random.includes(`${reward.mean >= 0 ? '+' : ''}${reward.mean.toFixed(3)} ± ${reward.halfWidth.toFixed(3)}`), random);
    assert.match(cli('compare', '--help').stdout, /per-episode values and provenance are in --out/);
  });

  it("prints an exact zero difference unsigned in the vs columns (0.0000, not +0.0000): one checkpoint under two labels", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const args = ['compare', '--agents', 'a,b', '--checkpoint', 'a=models/ppo-bdt-v0', '--checkpoint', 'b=models/ppo-bdt-v0', '--seeds', '1,2', '--slots', '3', '--out', out, '--no-timing'];
    const json = cli(...args, '--json');
    assert.equal(json.status, 0, json.stderr);
    const b = (JSON.parse(json.stdout) as { agents: Array<Record<string, { mean: number; halfWidth: number }>> }).agents[1]!;
    assert.deepEqual([b['latencyVsFirst'], b['rewardVsFirst']], [{ mean: 0, halfWidth: 0 }, { mean: 0, halfWidth: 0 }], 'the same policy on the same traces: exactly 0');
    const table = cli(...args);
    assert.equal(table.status, 0, table.stderr);
    // the paired table's row: latency vs a, reward vs a
    const row = table.stdout.split('\n').filter((line) => line.startsWith('b ')).at(-1)!;
    assert.match(row, /^b +0\.0000 ± 0\.0000 +0\.000 ± 0\.000$/, row);
    assert.doesNotMatch(row, /\+0\.0/, row);
  });

  it('--no-timing leaves the wall-clock fields out, so the same comparison gives byte-identical JSON and --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-compare-'));
    const args = ['compare', '--env', 'BDT-small-v0', '--agents', 'dpra,random', '--seeds', '1,2', '--slots', '5', '--json', '--no-timing'];
    const [first, second] = ['a.json', 'b.json'].map((file) => cli(...args, '--out', join(dir, file)));
    for (const result of [first!, second!]) assert.equal(result.status, 0, result.stderr);
    assert.equal(first!.stdout, second!.stdout);
    assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), readFileSync(join(dir, 'b.json'), 'utf8'));
    assert.doesNotMatch(first!.stdout + readFileSync(join(dir, 'a.json'), 'utf8'), /msPerSlot|wallMs/);
    const table = cli(...args.filter((arg) => arg !== '--json'), '--out', join(dir, 'c.json')).stdout;
    assert.doesNotMatch(table, /ms\/slot/);
    // by default they are there
    const timed = cli(...args.filter((arg) => arg !== '--no-timing'), '--out', join(dir, 'd.json'));
    assert.equal(typeof JSON.parse(timed.stdout).agents[0].msPerSlot, 'number');
    assert.equal(typeof JSON.parse(readFileSync(join(dir, 'd.json'), 'utf8')).episodes[0].wallMs, 'number');
  });

  it('rejects an unknown agent and a bad seed list with one line', () => {
    const unknown = cli('compare', '--agents', 'dpra,nope');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^bdt-gym: --agents: unknown agent "nope" \(available: .*dpra.*\); for an agent of your own, .* --import <module> compare --agents \.\.\.\n$/);
    assert.match(cli('compare', '--agents', '').stderr, /^bdt-gym: --agents: unknown agent "" \(available: /);
    assert.match(cli('compare', '--agents', 'dpra,wtmc,ranodm').stderr, /^bdt-gym: --agents: unknown agents "wtmc", "ranodm"; did you mean "wtcm" for "wtmc", "random" for "ranodm"\? \(available: /);
    assert.match(cli('compare', '--agents', 'mien', '--checkpoint', 'mine=models/ppo-bdt-v0').stderr, /^bdt-gym: --agents: unknown agent "mien"; did you mean "mine"\? /, 'a --checkpoint label is a name too');
    const twice = cli('compare', '--agents', 'dpra,random,dpra');
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, /^bdt-gym: --agents: dpra is listed twice/);
    const seeds = cli('compare', '--seeds', '1,,2');
    assert.equal(seeds.status, 1);
    assert.match(seeds.stderr, /--seeds: expected a comma-separated list of integers/);
    // an empty trace file name, as an empty seed (it was read as the file "")
    for (const traces of ['tr.json,,tr2.json', 'tr.json,']) {
      const emptyTrace = cli('compare', '--trace', traces);
      assert.equal(emptyTrace.status, 1);
      assert.equal(emptyTrace.stderr, `bdt-gym: --trace: expected a comma-separated list of files, got ${JSON.stringify(traces)}\n`);
    }
    const repeatedSeed = cli('compare', '--seeds', '1,2,1');
    assert.equal(repeatedSeed.status, 1);
    assert.equal(repeatedSeed.stderr, 'bdt-gym: --seeds: 1 appears twice; give each value once\n', 'one trace counted twice would narrow the intervals falsely');
  });
});

describe('bdt-gym compare --out: provenance', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
  type Provenance = { bdtGym: { version: string; commit?: string; dirty?: boolean }; runtime: { node: string; platform: string; arch: string; tensorflowBackend?: string }; scenarioSha256: string; checkpoints: Record<string, { path: string; manifestSha256: string }> };
  /** compare.json of `compare ...args --json` (asserting it succeeded), and its provenance. */
  const compareJson = (args: string[], env?: NodeJS.ProcessEnv): { written: Record<string, unknown>; provenance: Provenance } => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const result = spawnSync(process.execPath, [bin, 'compare', ...args, '--json', '--out', out], { encoding: 'utf8', ...(env === undefined ? {} : { env }) });
    assert.equal(result.status, 0, result.stderr);
    const written = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    return { written, provenance: written['provenance'] as Provenance };
  };
  /** Keys sorted at every level: the canonical form the hash is documented on, written independently of the CLI's. */
  const sorted = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(sorted) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])])) : value;

  it("records bdt-gym's version and commit, and the resolved scenario's hash, next to the fields it had", () => {
    const { written, provenance } = compareJson(['--env', 'BDT-small-v0', '--agents', 'dpra,random', '--seeds', '1', '--slots', '5']);
    assert.deepEqual(Object.keys(written), ['env', 'seeds', 'slots', 'agentOptions', 'n', 'interval', 'agents', 'episodes', 'provenance']);
    assert.equal(provenance.bdtGym.version, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    assert.deepEqual(provenance.runtime, { node: process.version, platform: process.platform, arch: process.arch }, 'no TensorFlow.js backend without a learned agent');
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
    if (existsSync(join(root, '.git'))) {
      assert.equal(provenance.bdtGym.commit, git('rev-parse', 'HEAD'));
      assert.equal(provenance.bdtGym.dirty, git('status', '--porcelain', '--untracked-files=no') !== '');
    } else {
      assert.equal(provenance.bdtGym.commit, undefined, 'an exported tree (no .git) records no commit');
    }
    const env = make('BDT-small-v0', { scenario: { slots: 5 } });
    assert.equal(provenance.scenarioSha256, sha256(JSON.stringify(sorted((env.unwrapped as BdtEnv).system.scenario))));
    env.close();
    assert.deepEqual(provenance.checkpoints, {}, 'no learned agent');
  });

  it('the scenario hash follows the content: the same for an id and its file or a reordered copy, another for other slots', () => {
    const common = ['--agents', 'random', '--seeds', '1'];
    const hash = (...args: string[]) => compareJson([...common, ...args]).provenance.scenarioSha256;
    const reordered = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'small.json');
    const small = JSON.parse(readFileSync(join(root, 'configs/small.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(reordered, JSON.stringify(Object.fromEntries(Object.entries(small).reverse())));
    const ofId = hash('--env', 'BDT-small-v0', '--slots', '4');
    assert.equal(hash('--scenario', 'configs/small.json', '--slots', '4'), ofId);
    assert.equal(hash('--scenario', reordered, '--slots', '4'), ofId);
    assert.notEqual(hash('--env', 'BDT-small-v0', '--slots', '3'), ofId);
  });

  it('records the checkpoint directory and manifest hash of each learned agent, committed or given', () => {
    const { provenance } = compareJson(['--agents', 'dpra,ppo', '--seeds', '1', '--slots', '2', '--checkpoint', 'mine=models/dqn-bdt-v0']);
    const manifestSha256 = (dir: string) => sha256(readFileSync(join(dir, 'manifest.json')));
    const committedPpo = join(root, 'models/ppo-bdt-v0/checkpoint');
    const givenDqn = resolve('models/dqn-bdt-v0/checkpoint');
    assert.deepEqual(provenance.checkpoints, {
      ppo: { path: committedPpo, manifestSha256: manifestSha256(committedPpo) },
      mine: { path: givenDqn, manifestSha256: manifestSha256(givenDqn) },
    });
    assert.notEqual(provenance.checkpoints['ppo']!.manifestSha256, provenance.checkpoints['mine']!.manifestSha256);
    assert.ok((BACKENDS as readonly string[]).includes(provenance.runtime.tensorflowBackend!), `the learned agents' backend: ${provenance.runtime.tensorflowBackend}`);
  });

  it('leaves the commit out, and still writes the result, where git cannot tell it', () => {
    // an empty PATH: no git to ask (node is started by its absolute path)
    const { provenance } = compareJson(['--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '2'], { ...process.env, PATH: mkdtempSync(join(tmpdir(), 'bdt-no-git-')) });
    assert.deepEqual(Object.keys(provenance.bdtGym), ['version']);
  });
});
