/**
 * `bdt-gym train` / `evaluate` / `run` on bad input: refused with one line naming the option or the
 * preset field (path, rule, value) before the run directory is created or touched; an existing run
 * is never truncated or overwritten; a diverging run stops with a clear error and leaves --out as it
 * was. Most cases run the commands in-process (fast); a few spawn bin/bdt-gym.js to check the exit
 * code and that no stack trace is printed.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fs, { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../../cli/errors.ts';
import { integerOption } from '../../cli/options.ts';
import { FlatAdam, NonFiniteGradientError } from '../../agents/nn/flat-adam.ts';
import { rewriteCheckpoint } from '../agents/rewrite-checkpoint.ts';
import { RandomAgent } from '../../baselines/reference/random.ts';
import { registerAgent } from '../../baselines/create-agent.ts';
import { bdtGym, snapshot, type CliResult } from './in-process-cli.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const spawnCli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

/** The command was refused with a CliError whose message matches `message`. */
function assertRefused(result: CliResult, message: RegExp): void {
  assert.ok(result.error instanceof CliError, `expected a CliError, got ${result.error instanceof Error ? result.error.stack : String(result.error)}`);
  assert.match(result.error.message, message);
}

const TRAIN = ['train', '--agent', 'ppo', '--env', 'CartPole-v1', '--backend', 'wasm'];
/** A pid above Linux's largest pid_max: no process has it. */
const DEAD_PID = 2 ** 22 + 12345;

describe('bdt-gym train: bad input loses nothing', () => {
  let dir: string;
  let run: string;
  let original: Record<string, string>;
  const preset = (name: string, body: object): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(body));
    return file;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-train-bad-'));
    run = join(dir, 'run1');
    const trained = await bdtGym(...TRAIN, '--steps', '512', '--out', run, '--eval-episodes', '1', '--json');
    assert.equal(trained.error, undefined, String(trained.error));
    original = snapshot(run);
    assert.ok(Object.keys(original).includes('/metrics.jsonl') && Object.keys(original).includes('/summary.json'));
  });

  it('refuses a bad preset naming the file, the field, the rule and the value, before touching an existing run or creating a new one', async () => {
    const bad = preset('bad.json', { agent: 'ppo', env: 'CartPole-v1', hyperparameters: { numEnvs: 0 } });
    for (const resume of [[], ['--resume']]) {
      const into = await bdtGym('train', '--preset', bad, '--steps', '64', '--out', run, ...resume);
      assertRefused(into, new RegExp(`^--preset ${bad}: at hyperparameters\\.numEnvs: Too small: expected number to be >0 \\(value: 0\\)$`));
      assert.deepEqual(snapshot(run), original, 'the existing run is unchanged');
    }
    const fresh = await bdtGym('train', '--preset', bad, '--steps', '64', '--out', join(dir, 'new'));
    assertRefused(fresh, /at hyperparameters\.numEnvs/);
    assert.ok(!existsSync(join(dir, 'new')), 'no run directory is created');
    // every bad field at once, each with its path and value
    const many = preset('many.json', { agent: 'ppo', env: 'CartPole-v1', hyperparameters: { learningRate: 1e300, hidden: [0], numEnvs: 1.5, bogus: 1 } });
    assertRefused(
      await bdtGym('train', '--preset', many, '--steps', '64', '--out', join(dir, 'new')),
      /^--preset .*many\.json: at hyperparameters\.learningRate: Too big: expected number to be <=1 \(value: 1e\+300\); at hyperparameters\.numEnvs: .*\(value: 1\.5\); at hyperparameters\.hidden\[0\]: .*\(value: 0\); at hyperparameters: Unrecognized key: "bogus" \(keys: totalTimesteps, learningRate, .*, normReward\)$/,
    );
    assertRefused(await bdtGym('train', '--preset', preset('tt.json', { agent: 'dqn', env: 'CartPole-v1', hyperparameters: { totalTimesteps: 0 } }), '--out', join(dir, 'new')), /at hyperparameters\.totalTimesteps: Too small: .*\(value: 0\)/);
    assert.ok(!existsSync(join(dir, 'new')));
  });

  it("names a failed union's branches and the field in a preset's envKwargs and a --scenario-override, as evaluate does (they said only \"expected string or array\")", async () => {
    const dnn = 'Invalid input: expected a string or an array of strings, received number; field: DNN of each DT: a built-in or custom name for all, or one per device (names) (value: 5)';
    const bad = preset('bad-dnn.json', { agent: 'ppo', env: 'BDT-v0', envKwargs: { scenario: { devices: { dnn: 5 } } } });
    const fromPreset = await bdtGym('train', '--preset', bad, '--steps', '64', '--out', join(dir, 'new'));
    assert.ok(fromPreset.error instanceof CliError && fromPreset.error.message === `--preset ${bad}: BDT-v0: at envKwargs.scenario.devices.dnn: ${dnn}`, String(fromPreset.error));
    const override = await bdtGym('train', '--agent', 'ppo', '--env', 'BDT-v0', '--steps', '64', '--out', join(dir, 'new'), '--scenario-override', '{"devices":{"dnn":5}}');
    assert.ok(override.error instanceof CliError && override.error.message === `--scenario-override: BDT-v0: at devices.dnn: ${dnn}`, String(override.error));
    assert.ok(!existsSync(join(dir, 'new')));
  });

  it("an --agent that train does not train says what it is and what trains it (every one was an \"unknown agent (available: ppo, dqn)\", dpra and ppo-solved too)", async () => {
    registerAgent('test-train-own', { description: 'random (a test fixture)', create: () => new RandomAgent() });
    const train = (agent: string) => bdtGym('train', '--agent', agent, '--env', 'BDT-small-v0', '--out', join(dir, 'new'));
    assertRefused(await train('ppo-solved'), /^--agent: train trains ppo and dqn; agent ppo-solved plays a ppo policy trained with cpuShares 'solved': give --agent ppo and --hyperparameters '\{"cpuShares":"solved"\}', or a preset such as configs\/agents\/ppo-bdt-solved\.json$/);
    assertRefused(await train('dpra'), /^--agent: train trains ppo and dqn; dpra is a scripted agent, with nothing to train$/);
    assertRefused(await train('test-train-own'), /^--agent: train trains ppo and dqn; test-train-own, an agent an --import module registered, trains in code of your own \(docs\/AGENTS\.md, "A learning algorithm of your own"\)$/);
    assertRefused(await train('nosuch'), /^--agent: unknown agent "nosuch" \(available: ppo, dqn\)$/);
    assertRefused(await train('dnq'), /^--agent: unknown agent "dnq"; did you mean "dqn"\? \(available: ppo, dqn\)$/);
    assert.equal(existsSync(join(dir, 'new')), false);
  });

  it('refuses to train a new run into a non-empty --out (naming it, suggesting --resume), a file or a path under a file', async () => {
    const again = await bdtGym(...TRAIN, '--steps', '64', '--out', run);
    assertRefused(again, new RegExp(`^--out ${run} is not empty \\(checkpoint, metrics\\.jsonl, summary\\.json\\): give --resume to continue the run there, or another --out; nothing was changed$`));
    assert.deepEqual(snapshot(run), original);
    const file = join(dir, 'some-existing-file.json');
    writeFileSync(file, '{}');
    assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', file), /^--out .*some-existing-file\.json: exists and is not a directory/);
    assert.equal(readFileSync(file, 'utf8'), '{}');
    const underFile = await bdtGym(...TRAIN, '--steps', '64', '--out', join(file, 'run'));
    assertRefused(underFile, /^--out .*some-existing-file\.json\/run: cannot create the directory \(ENOTDIR: not a directory\)$/);
    assert.equal(underFile.stderr, '', 'refused before the start banner (and the backend)');
    if (process.platform === 'linux') {
      // spawned with a time limit: Node's recursive mkdir looped forever there
      const proc = spawnSync(process.execPath, [bin, ...TRAIN, '--steps', '64', '--out', '/proc/bdt-gym/run'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(proc.status, 1, proc.error?.message);
      assert.equal(proc.stderr, 'bdt-gym: --out /proc/bdt-gym/run: cannot create the directory (ENOENT: no such file or directory)\n', 'refused before the start banner');
    }
    assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', join(dir, 'none'), '--resume'), /^--resume: no checkpoint in .*none\/checkpoint$/);
    // a run of an algorithm of one's own: it said "--agent: unknown agent "a2c"", an option not given
    const own = join(dir, 'a2c');
    cpSync(fileURLToPath(new URL('../../models/ppo-bdt-small-v0', import.meta.url)), own, { recursive: true });
    rewriteCheckpoint(join(own, 'checkpoint'), (m) => Object.assign(m, { algo: 'a2c', hyperparameters: { gamma: 0.5 } }));
    const before = snapshot(own);
    assertRefused(await bdtGym('train', '--out', own, '--resume'), new RegExp(`^--resume: ${own}/checkpoint holds an a2c run; train trains ppo and dqn, so continue it with its own algorithm's code$`));
    assertRefused(await bdtGym('train', '--agent', 'ppo', '--steps', '64', '--out', own, '--resume'), new RegExp(`^--resume: ${own}/checkpoint holds an a2c run, not ppo$`));
    assert.deepEqual(snapshot(own), before, 'the run is left as it was');
    // an empty directory is fine
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const ok = await bdtGym(...TRAIN, '--steps', '64', '--out', empty, '--eval-episodes', '1', '--json');
    assert.equal(ok.error, undefined, String(ok.error));
    assert.ok(existsSync(join(empty, 'summary.json')));
  });

  it('refuses, new or --resume, an --out whose path cannot be looked up (a name past NAME_MAX, a path past PATH_MAX, a loop of symlinks) with one line (it crashed with an internal error and a stack trace, exit 70)', async function () {
    if (process.platform !== 'linux') this.skip(); // NAME_MAX 255, PATH_MAX 4096
    const longName = join(dir, 'a'.repeat(300));
    const longPath = join(dir, ...Array.from({ length: 25 }, () => 'b'.repeat(200)));
    const loop = join(dir, 'loop');
    symlinkSync('loop', loop);
    const created = readdirSync(dir).sort();
    for (const [out, why] of [
      [longName, /^cannot (create the|open the run) directory \(ENAMETOOLONG: name too long/],
      [join(longName, 'run'), /^cannot (create the|open the run) directory \(ENAMETOOLONG: name too long/],
      [longPath, /^cannot (create the|open the run) directory \(ENAMETOOLONG: name too long/],
      [loop, /^cannot (create the|open the run) directory \(ELOOP: too many symbolic links encountered\)$/],
    ] as const) {
      for (const resume of [[], ['--resume']]) {
        const result = await bdtGym(...TRAIN, '--steps', '64', '--out', out, ...resume);
        assert.ok(result.error instanceof CliError, `${out.slice(0, 80)}... ${resume}: ${result.error instanceof Error ? result.error.stack : String(result.error)}`);
        assert.ok(result.error.message.startsWith(`--out ${out}: `), result.error.message.slice(0, 200));
        assert.match(result.error.message.slice(`--out ${out}: `.length), why);
      }
    }
    const proc = spawnCli(...TRAIN, '--steps', '64', '--out', longName, '--resume');
    assert.equal(proc.status, 1, proc.stderr.slice(0, 400));
    assert.equal(proc.stderr.split('\n').length, 2, 'one line');
    assert.deepEqual(readdirSync(dir).sort(), created, 'nothing was created');
  });

  it('a --resume removes what killed saves of checkpoint/ and best/ left beside them (only a later save of the same checkpoint did, and best/ may never be saved again)', async () => {
    const withBest = join(dir, 'save-leftovers');
    cpSync(run, withBest, { recursive: true });
    cpSync(join(withBest, 'checkpoint'), join(withBest, 'best'), { recursive: true });
    const noBest = join(dir, 'first-best-save-killed');
    cpSync(run, noBest, { recursive: true });
    for (const out of [withBest, noBest]) {
      const files = readdirSync(out).sort();
      // a save killed while writing its new directory, one killed before it removed the old one
      for (const left of [`.best.tmp-${DEAD_PID}-1`, `.checkpoint.old-${DEAD_PID}-1`]) {
        mkdirSync(join(out, left));
        writeFileSync(join(out, left, 'state.bin'), 'half');
      }
      const resumed = await bdtGym(...TRAIN, '--steps', '1024', '--out', out, '--resume', '--eval-episodes', '0');
      assert.equal(resumed.error, undefined, String(resumed.error));
      assert.doesNotMatch(resumed.stderr, /holds no record/);
      assert.deepEqual(readdirSync(out).sort(), files, out);
    }
  });

  it('a run killed before it saved a checkpoint (metrics.jsonl only) is not sent to --resume, nor --resume back to a new run', async () => {
    const killed = join(dir, 'killed');
    mkdirSync(killed);
    writeFileSync(join(killed, 'metrics.jsonl'), '{"step":4,"charts/episodic_return":9}\n');
    const before = snapshot(killed);
    assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', killed), new RegExp(`^--out ${killed} holds a run with no checkpoint \\(metrics\\.jsonl\\): it was stopped before it saved one, so --resume cannot continue it; remove ${killed} or give another --out; nothing was changed$`));
    assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', killed, '--resume'), new RegExp(`^--resume: no checkpoint in ${killed}/checkpoint \\(${killed} holds a run with none: it was stopped before it saved one, so --resume cannot continue it; remove ${killed} or give another --out\\)$`));
    assert.deepEqual(snapshot(killed), before);
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', other), new RegExp(`^--out ${other} is not empty \\(notes\\.txt\\) and holds no run: a new run needs a missing or empty directory; give another --out; nothing was changed$`));
  });

  it("the temp file of a killed write (a dead process's) is removed, not listed among the run's files", async () => {
    const killed = join(dir, 'killed-writing');
    mkdirSync(killed);
    writeFileSync(join(killed, 'metrics.jsonl'), '{"step":4,"charts/episodic_return":9}\n');
    const temp = `.bdt-gym-${2 ** 22 + 12345}-0-0123abcd.tmp`; // a pid above Linux's largest pid_max
    writeFileSync(join(killed, temp), '{"agent":');
    assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', killed), new RegExp(`^--out ${killed} holds a run with no checkpoint \\(metrics\\.jsonl\\): `));
    assert.deepEqual(readdirSync(killed), ['metrics.jsonl']);
  });

  it('a run killed after it kept a best checkpoint but before its own: no message sends the user to remove it', async () => {
    const stopped = join(dir, 'stopped-with-best');
    mkdirSync(stopped);
    writeFileSync(join(stopped, 'metrics.jsonl'), '{"step":512,"eval/mean_reward":9}\n');
    cpSync(join(run, 'checkpoint'), join(stopped, 'best'), { recursive: true });
    const before = snapshot(stopped);
    const why = `it was stopped before it saved its checkpoint, but kept its best one in ${stopped}/best \\(evaluate or compare that with --checkpoint\\); --resume cannot continue it: give another --out`;
    assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', stopped), new RegExp(`^--out ${stopped} holds a run with no checkpoint \\(best, metrics\\.jsonl\\): ${why}; nothing was changed$`));
    assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', stopped, '--resume'), new RegExp(`^--resume: no checkpoint in ${stopped}/checkpoint \\(${stopped} holds a run with none: ${why}\\)$`));
    assert.deepEqual(snapshot(stopped), before);
  });

  it('a --resume refused for a corrupted checkpoint puts back every byte of metrics.jsonl, the records past the checkpoint it cut included', async () => {
    const corrupted = join(dir, 'corrupted');
    cpSync(run, corrupted, { recursive: true });
    const saved = JSON.parse(readFileSync(join(corrupted, 'checkpoint', 'manifest.json'), 'utf8')).counters.globalStep as number;
    appendFileSync(join(corrupted, 'metrics.jsonl'), `{"step":${saved + 512},"charts/episodic_return":1}\n{"step":${saved + 1024},"charts/epis`);
    const weights = readdirSync(join(corrupted, 'checkpoint')).find((name) => existsSync(join(corrupted, 'checkpoint', name, 'weights.bin')))!;
    const file = join(corrupted, 'checkpoint', weights, 'weights.bin');
    const bytes = readFileSync(file);
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(file, bytes);
    const before = snapshot(corrupted);
    const resumed = await bdtGym(...TRAIN, '--steps', String(saved + 512), '--out', corrupted, '--resume', '--eval-episodes', '0');
    assert.ok(resumed.error instanceof Error && /is corrupted: SHA-256/.test(resumed.error.message), String(resumed.error));
    assert.deepEqual(snapshot(corrupted), before);
  });

  it('refuses, before training, a --resume into a run directory where no file can be created (it trained, then failed to save with an internal error)', async function () {
    const locked = join(dir, 'locked');
    cpSync(run, locked, { recursive: true });
    const before = snapshot(locked);
    const args = [...TRAIN, '--steps', '1024', '--out', locked, '--resume', '--eval-episodes', '0'];
    const refusal = `--out ${locked}: cannot create files there (EACCES: permission denied)`;
    chmodSync(locked, 0o555);
    try {
      if (process.getuid?.() !== 0) {
        const result = await bdtGym(...args);
        assertRefused(result, new RegExp(`^${refusal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
        assert.equal(result.stderr, '', 'refused before training began');
      } else {
        // root creates files whatever the mode: the refusal is checked as nobody
        if (spawnSync('setpriv', ['--version']).status !== 0) this.skip();
        chmodSync(dir, 0o755);
        const proc = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, ...args], { encoding: 'utf8', timeout: 120_000 });
        assert.equal(proc.stderr, `bdt-gym: ${refusal}\n`);
        assert.equal(proc.status, 1);
      }
    } finally {
      chmodSync(locked, 0o755);
    }
    assert.deepEqual(snapshot(locked), before);
  });

  it("refuses, before training, a --resume whose summary.json cannot be replaced (it trained, saved, then failed and said nothing was changed)", async () => {
    const locked = join(dir, 'locked-summary');
    cpSync(run, locked, { recursive: true });
    chmodSync(join(locked, 'summary.json'), 0o444);
    const before = snapshot(locked);
    const result = await bdtGym(...TRAIN, '--steps', '1024', '--out', locked, '--resume', '--eval-episodes', '0');
    assertRefused(result, new RegExp(`^--out ${locked}: the run's summary\\.json cannot be replaced \\(E(ACCES|PERM): `));
    assert.equal(result.stderr, '', 'refused before training began');
    assert.deepEqual(snapshot(locked), before);
  });

  it('a --resume cuts a torn last line of metrics.jsonl (a kill while appending) so the records it appends stay readable', async () => {
    const torn = join(dir, 'torn');
    cpSync(run, torn, { recursive: true });
    const metrics = join(torn, 'metrics.jsonl');
    const whole = readFileSync(metrics, 'utf8');
    appendFileSync(metrics, '{"step":520,"charts/epis');
    const resumed = await bdtGym(...TRAIN, '--steps', '1024', '--out', torn, '--resume', '--eval-episodes', '0');
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.match(resumed.stderr, new RegExp(`bdt-gym train: note: ${metrics} ended in a torn line \\(the run was stopped while writing it\\); it was cut before resuming\n`));
    const text = readFileSync(metrics, 'utf8');
    assert.ok(text.startsWith(whole) && text.length > whole.length);
    for (const line of text.trim().split('\n')) JSON.parse(line);
  });

  it('a --resume refuses, before training and changing anything, a complete line of metrics.jsonl that curves would refuse (it kept it, and the curves of the run no longer read)', async () => {
    const spoilt = join(dir, 'spoilt');
    cpSync(run, spoilt, { recursive: true });
    const metrics = join(spoilt, 'metrics.jsonl');
    const lines = readFileSync(metrics, 'utf8').split('\n');
    // a stray line in the middle, and a torn last line, which alone would be cut
    writeFileSync(metrics, [lines[0], 'not json', ...lines.slice(1)].join('\n') + '{"step":520,"charts/epis');
    const before = snapshot(spoilt);
    const curves = spawnCli('curves', spoilt, '--out', join(dir, 'spoilt.svg'));
    assert.equal(curves.stderr, `bdt-gym: ${metrics}:2: not a JSON line ("not json")\n`);
    const resumed = await bdtGym(...TRAIN, '--steps', '1024', '--out', spoilt, '--resume', '--eval-episodes', '0');
    assertRefused(resumed, new RegExp(`^--resume: ${metrics}:2: not a JSON line \\("not json"\\); nothing was changed: repair or remove that line \\(bdt-gym curves refuses it too\\), then resume$`));
    assert.doesNotMatch(resumed.stderr, /cut/);
    assert.deepEqual(snapshot(spoilt), before);
    // a record curves refuses all the same
    writeFileSync(metrics, `${lines[0]}\n{"step":1,"charts/episodic_return":"high"}\n`);
    assertRefused(await bdtGym(...TRAIN, '--steps', '1024', '--out', spoilt, '--resume', '--eval-episodes', '0'), new RegExp(`^--resume: ${metrics}:2: "charts/episodic_return" must be a number \\(or null for NaN\\), got "high"; nothing was changed`));
  });

  it("a --resume cuts the records past the checkpoint's step (a session killed after its last checkpoint), so steps never go back", async () => {
    const killed = join(dir, 'killed');
    cpSync(run, killed, { recursive: true });
    const metrics = join(killed, 'metrics.jsonl');
    const whole = readFileSync(metrics, 'utf8');
    const saved = JSON.parse(readFileSync(join(killed, 'checkpoint', 'manifest.json'), 'utf8')).counters.globalStep as number;
    // what a session resumed and killed before saving leaves: records beyond the checkpoint, and a torn one
    appendFileSync(metrics, `{"step":${saved + 512},"charts/episodic_return":1}\n{"step":${saved + 1024},"charts/episodic_return":2}\n{"step":${saved + 1536},"charts/epis`);
    const resumed = await bdtGym(...TRAIN, '--steps', String(saved + 512), '--out', killed, '--resume', '--eval-episodes', '0');
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.match(resumed.stderr, new RegExp(`bdt-gym train: note: ${metrics} held records past the checkpoint's step ${saved} \\(.*\\): the 2 lines from the first of them on were cut before resuming\n`));
    const text = readFileSync(metrics, 'utf8');
    assert.ok(text.startsWith(whole) && text.length > whole.length);
    const steps = text.trim().split('\n').map((line) => JSON.parse(line).step as number);
    steps.forEach((step, i) => assert.ok(i === 0 || step >= steps[i - 1]!, `step ${step} after ${steps[i - 1]} at line ${i + 1}`));
  });

  it("a --resume cuts a line past the checkpoint's step that curves would refuse, first or after a good one (only its step is read), as it cuts the others past it", async () => {
    for (const [name, past] of [
      ['bad-first', (saved: number) => [`{"step":${saved + 8},"charts/episodic_return":"bad"}`]],
      ['bad-second', (saved: number) => [`{"step":${saved + 8},"charts/episodic_return":1}`, `{"step":${saved + 9},"charts/episodic_return":"bad"}`]],
    ] as const) {
      const killed = join(dir, name);
      cpSync(run, killed, { recursive: true });
      const metrics = join(killed, 'metrics.jsonl');
      const whole = readFileSync(metrics, 'utf8');
      const saved = JSON.parse(readFileSync(join(killed, 'checkpoint', 'manifest.json'), 'utf8')).counters.globalStep as number;
      const lines = past(saved);
      appendFileSync(metrics, `${lines.join('\n')}\n`);
      const resumed = await bdtGym(...TRAIN, '--steps', String(saved + 512), '--out', killed, '--resume', '--eval-episodes', '0');
      assert.equal(resumed.error, undefined, `${name}: ${String(resumed.error)}`);
      assert.match(resumed.stderr, new RegExp(`note: ${metrics} held records past the checkpoint's step ${saved} \\(.*\\): the ${lines.length === 1 ? '1 line' : `${lines.length} lines`} from the first of them on ${lines.length === 1 ? 'was' : 'were'} cut before resuming\n`), name);
      const text = readFileSync(metrics, 'utf8');
      assert.ok(text.startsWith(whole) && text.length > whole.length, name);
      assert.doesNotMatch(text, /"bad"/, name);
    }
  });

  it('a --resume takes a metrics.jsonl that begins with a byte-order mark, as curves does', async () => {
    const marked = join(dir, 'bom');
    cpSync(run, marked, { recursive: true });
    const metrics = join(marked, 'metrics.jsonl');
    const whole = readFileSync(metrics, 'utf8');
    writeFileSync(metrics, `\uFEFF${whole}`);
    assert.equal(spawnCli('curves', marked, '--out', join(dir, 'bom.svg')).status, 0, 'curves reads it');
    const resumed = await bdtGym(...TRAIN, '--steps', '1024', '--out', marked, '--resume', '--eval-episodes', '0');
    assert.equal(resumed.error, undefined, String(resumed.error));
    const text = readFileSync(metrics, 'utf8');
    assert.ok(text.startsWith(`\uFEFF${whole}`) && text.length > whole.length + 1, 'kept, and appended to');
    assert.equal(spawnCli('curves', marked, '--out', join(dir, 'bom-resumed.svg')).status, 0, 'curves reads the resumed run');
  });

  it("a --resume takes the algorithm and env of the checkpoint, and without --preset the envKwargs of the run's summary.json", async () => {
    const copy = join(dir, 'defaults');
    cpSync(run, copy, { recursive: true });
    const summaryFile = join(copy, 'summary.json');
    const trained = JSON.parse(readFileSync(summaryFile, 'utf8'));
    writeFileSync(summaryFile, JSON.stringify({ ...trained, envKwargs: { foo: 1 } }));
    const before = snapshot(copy);
    assertRefused(await bdtGym('train', '--resume', '--out', copy, '--steps', '1024'), new RegExp(`^${summaryFile}: CartPole-v1: at envKwargs: Unrecognized key: "foo" \\(keys: renderMode, suttonBartoReward\\)$`));
    assertRefused(await bdtGym('train', '--resume', '--out', copy, '--steps', '1024', '--agent', 'dqn'), /^--resume: .*defaults\/checkpoint holds a ppo run, not dqn$/);
    assert.deepEqual(snapshot(copy), before);
    writeFileSync(summaryFile, JSON.stringify({ ...trained, envKwargs: { suttonBartoReward: true } }));
    const resumed = await bdtGym('train', '--resume', '--out', copy, '--steps', '1024', '--eval-episodes', '0', '--backend', 'wasm', '--json');
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.match(resumed.stderr, new RegExp(`bdt-gym train: note: --resume trains on the run's envKwargs \\{"suttonBartoReward":true\\} \\(${summaryFile}\\); give --preset to set others\n`));
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    assert.deepEqual([summary.agent, summary.env, summary.steps, summary.envKwargs], ['ppo', 'CartPole-v1', 1024, { suttonBartoReward: true }]);
  });

  it("refuses a summary.json it cannot use (not an object, of another env or agent, envKwargs not an object), for --resume and evaluate, naming it and what is wrong: it is not a run with no envKwargs", async () => {
    const copy = join(dir, 'unusable-summary');
    cpSync(run, copy, { recursive: true });
    const summaryFile = join(copy, 'summary.json');
    const trained = JSON.parse(readFileSync(summaryFile, 'utf8'));
    const cases: [string, string][] = [
      ['[]', 'expected a JSON object \\(the run\'s summary\\), got \\[\\]'],
      ['"ok"', 'expected a JSON object \\(the run\'s summary\\), got "ok"'],
      ['{}', 'env: expected "CartPole-v1", the env of the checkpoint beside it, got none'],
      [JSON.stringify({ ...trained, env: 'Acrobot-v1' }), 'env: expected "CartPole-v1", the env of the checkpoint beside it, got "Acrobot-v1"'],
      // a DQN run's summary beside a PPO checkpoint (a CartPole run has no scenario to tell them apart by)
      [JSON.stringify({ ...trained, agent: 'dqn' }), 'agent: expected "ppo", the algorithm of the checkpoint beside it, got "dqn"'],
      [JSON.stringify({ ...trained, envKwargs: [1] }), 'envKwargs: expected a JSON object, got \\[1\\]'],
    ];
    for (const [text, problem] of cases) {
      writeFileSync(summaryFile, text);
      const before = snapshot(copy);
      assertRefused(await bdtGym('train', '--resume', '--out', copy, '--steps', '1024', '--backend', 'wasm'), new RegExp(`^--resume: ${summaryFile}: ${problem}; repair it to record the run's env and envKwargs, as \\{"env":"CartPole-v1","envKwargs":\\{\\.\\.\\.\\}\\} \\(no "envKwargs" if it trained with none\\): ${copy}/checkpoint/manifest\\.json does not record them$`));
      assert.deepEqual(snapshot(copy), before, text);
      assertRefused(await bdtGym('evaluate', '--checkpoint', copy, '--episodes', '1', '--backend', 'wasm'), new RegExp(`^--checkpoint ${copy}: ${summaryFile}: ${problem}; give --env-kwargs to evaluate without it$`));
    }
    writeFileSync(summaryFile, JSON.stringify({ ...trained, envKwargs: { suttonBartoReward: true } }));
    const evaluated = await bdtGym('evaluate', '--checkpoint', copy, '--episodes', '1', '--backend', 'wasm', '--json');
    assert.equal(evaluated.error, undefined, String(evaluated.error));
    assert.deepEqual(JSON.parse(evaluated.stdout).envKwargs, { suttonBartoReward: true });
  });

  it("a B-DT run's unusable summary.json: --resume offers to remove it and go by the scenario its manifest records, which then resumes", async () => {
    const tiny = preset('tiny-bdt-resume.json', { agent: 'ppo', env: 'BDT-small-v0', hyperparameters: { numEnvs: 1, numSteps: 32, numMinibatches: 1, updateEpochs: 1, hidden: [8] } });
    const out = join(dir, 'bdt-unusable-summary');
    const trained = await bdtGym('train', '--preset', tiny, '--steps', '32', '--out', out, '--eval-episodes', '0', '--backend', 'wasm');
    assert.equal(trained.error, undefined, String(trained.error));
    const summaryFile = join(out, 'summary.json');
    writeFileSync(summaryFile, '[]');
    const resume = ['train', '--resume', '--out', out, '--steps', '64', '--eval-episodes', '0', '--backend', 'wasm'];
    assertRefused(await bdtGym(...resume), new RegExp(`^--resume: ${summaryFile}: expected a JSON object \\(the run's summary\\), got \\[\\]; repair it, or remove it to resume on what ${out}/checkpoint/manifest\\.json records$`));
    rmSync(summaryFile);
    const resumed = await bdtGym(...resume);
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.equal(JSON.parse(readFileSync(summaryFile, 'utf8')).steps, 64);
  });

  it('reads a manifest.json and a summary.json saved with a UTF-8 byte order mark (JSON.parse refused it as an invisible token), as --preset files', async () => {
    const copy = join(dir, 'byte-order-mark');
    cpSync(run, copy, { recursive: true });
    const plain = await bdtGym('evaluate', '--checkpoint', copy, '--episodes', '1', '--backend', 'wasm', '--json');
    const summaryFile = join(copy, 'summary.json');
    writeFileSync(summaryFile, `\uFEFF${JSON.stringify({ ...JSON.parse(readFileSync(summaryFile, 'utf8')), envKwargs: { suttonBartoReward: true } })}`);
    const manifestFile = join(copy, 'checkpoint', 'manifest.json');
    writeFileSync(manifestFile, `\uFEFF${readFileSync(manifestFile, 'utf8')}`);
    const evaluated = await bdtGym('evaluate', '--checkpoint', copy, '--episodes', '1', '--backend', 'wasm', '--json');
    assert.equal(evaluated.error, undefined, String(evaluated.error));
    const evaluation = JSON.parse(evaluated.stdout);
    assert.deepEqual([evaluation.trainedSteps, evaluation.seed, evaluation.envKwargs], [JSON.parse(plain.stdout).trainedSteps, JSON.parse(plain.stdout).seed, { suttonBartoReward: true }]);
    const resumed = await bdtGym('train', '--resume', '--out', copy, '--steps', '1024', '--eval-episodes', '0', '--backend', 'wasm', '--json');
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.deepEqual(JSON.parse(readFileSync(summaryFile, 'utf8')).envKwargs, { suttonBartoReward: true });
  });

  it('names where an env id it does not know came from: the preset or the checkpoint, not an --env never given', async () => {
    const nope = preset('nope-env.json', { agent: 'ppo', env: 'Nope', hyperparameters: { totalTimesteps: 64 } });
    assertRefused(await bdtGym('train', '--preset', nope, '--out', join(dir, 'new')), new RegExp(`^--preset ${nope}: env: unknown env "Nope"`));
    const copy = join(dir, 'unknown-env');
    cpSync(run, copy, { recursive: true });
    rewriteCheckpoint(join(copy, 'checkpoint'), (manifest) => (manifest['envId'] = 'Mine-v0'));
    assertRefused(await bdtGym('train', '--resume', '--out', copy, '--steps', '1024'), new RegExp(`^checkpoint manifest ${copy}/checkpoint/manifest\\.json: envId: unknown env "Mine-v0"`));
    assertRefused(await bdtGym('train', '--resume', '--out', copy, '--steps', '1024', '--env', 'Mine-v0'), /^--env: unknown env "Mine-v0"/);
    assert.ok(!existsSync(join(dir, 'new')));
  });

  it('refuses a --resume that would train nothing, leaving the run as it was', async () => {
    for (const steps of ['100', '512', '600']) {
      const result = await bdtGym(...TRAIN, '--steps', steps, '--out', run, '--resume');
      assertRefused(result, new RegExp(`^--resume: ${run} is already trained to 512 env steps, so --steps ${steps} trains nothing \\(it is the total, not an increment\\); give --steps 1024 or more$`));
      assert.doesNotMatch(result.stdout + result.stderr, /NaN/);
    }
    assert.deepEqual(snapshot(run), original);
  });

  it("refuses --out '' before any work (a new run trained into the working directory)", async () => {
    const cwd = process.cwd();
    const empty = mkdtempSync(join(tmpdir(), 'bdt-train-cwd-'));
    process.chdir(empty);
    try {
      for (const resume of [[], ['--resume']]) assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--eval-episodes', '0', '--out', '', ...resume), /^--out: give a directory for the run$/);
    } finally {
      process.chdir(cwd);
    }
    assert.deepEqual(readdirSync(empty), [], 'nothing was written to the working directory');
  });

  it('a --resume says which given hyperparameters and seed it cannot honour (the checkpoint keeps its own)', async () => {
    const copy = join(dir, 'resumed');
    cpSync(run, copy, { recursive: true });
    const other = preset('other-lr.json', { agent: 'ppo', env: 'CartPole-v1', hyperparameters: { learningRate: 0.001, gamma: 0.99 } });
    const result = await bdtGym('train', '--preset', other, '--steps', '1024', '--seed', '9', '--out', copy, '--resume', '--eval-episodes', '0', '--backend', 'wasm', '--json');
    assert.equal(result.error, undefined, String(result.error));
    assert.equal(
      result.stderr,
      `bdt-gym train: note: --resume keeps the checkpoint's hyperparameters; --preset ${other}'s learningRate differs and is not used\n` +
        "bdt-gym train: note: --resume keeps the checkpoint's seed 1; --seed 9 is not used\n",
    );
  });

  it("a --resume whose training seeds (moved 2^32 per resume) would pass Number.MAX_SAFE_INTEGER is refused, the run left as it was", async () => {
    const max = Number.MAX_SAFE_INTEGER;
    const cases: Array<[number, string[], RegExp]> = [
      // a seed a new run accepts (its largest, with 20 evaluation episodes), but not a resume
      [
        max - 1_000_019,
        [],
        new RegExp(`^--resume: the 4 training envs after resume 1 \\(seed \\+ 4294967296 \\+ i\\) and the 20 final evaluation episodes \\(seed \\+ 1000000 \\+ i\\) use seeds up to ${max - 1_000_019} \\+ 4294967299 \\(the checkpoint's seed\\), beyond Number\\.MAX_SAFE_INTEGER \\(${max}\\); this run cannot be resumed; train a new one with a smaller --seed$`),
      ],
      // training seeds that fit, evaluation seeds that do not
      [max - 2 ** 32 - 3, ['--eval-episodes', '5000000000'], /use seeds up to \d+ \+ 5000999999 \(the checkpoint's seed\), beyond Number\.MAX_SAFE_INTEGER \(\d+\); give --eval-episodes <= 4293967300$/],
    ];
    for (const [seed, extra, message] of cases) {
      const copy = join(dir, `large-seed-${seed}`);
      cpSync(run, copy, { recursive: true });
      rewriteCheckpoint(join(copy, 'checkpoint'), (m) => (m['seed'] = seed));
      const before = snapshot(copy);
      assertRefused(await bdtGym(...TRAIN, '--steps', '1024', '--out', copy, '--resume', ...extra), message);
      assert.deepEqual(snapshot(copy), before);
    }
  });

  it('a --resume of a normReward checkpoint saved before reward statistics were kept notes that they restart', async () => {
    const copy = join(dir, 'no-reward-stats');
    cpSync(run, copy, { recursive: true });
    rewriteCheckpoint(join(copy, 'checkpoint'), (m) => {
      m['hyperparameters'].normReward = true;
      delete m['rewardStats'];
    });
    const result = await bdtGym(...TRAIN, '--steps', '1024', '--out', copy, '--resume', '--eval-episodes', '0', '--json');
    assert.equal(result.error, undefined, String(result.error));
    assert.equal(result.stderr, `bdt-gym train: note: ${join(copy, 'checkpoint')} predates saved reward-normalisation statistics: they restart from scratch, so the reward scale jumps for the first updates\n`);
    // the resumed session's 512 steps, less their autoreset steps (no transition)
    const { count } = JSON.parse(readFileSync(join(copy, 'checkpoint', 'manifest.json'), 'utf8')).rewardStats;
    assert.ok(count > 256 && count <= 512 + 1e-4, `the resumed session saves them: count ${count}`);
  });

  it('a resumed run that fails puts back metrics.jsonl and the best evaluation (record and best/) that periodic evaluation replaced, and removes its event file', async () => {
    const out = join(dir, 'best-resume');
    const first = await bdtGym(...TRAIN, '--steps', '512', '--eval-freq', '512', '--eval-episodes', '1', '--out', out, '--json', '--tensorboard');
    assert.equal(first.error, undefined, String(first.error));
    writeFileSync(join(out, 'best-eval.json'), `${JSON.stringify({ meanReturn: -1000, step: 512 })}\n`); // any later evaluation beats it
    const before = snapshot(out);
    let updates = 0;
    const apply = FlatAdam.prototype.applyFlatGradient;
    FlatAdam.prototype.applyFlatGradient = function (this: FlatAdam, gradient: Float32Array) {
      if (++updates > 16) throw new NonFiniteGradientError(NaN, updates); // diverges after a periodic evaluation at 1024
      return apply.call(this, gradient);
    };
    try {
      // its new TensorBoard event file goes too
      const resumed = await bdtGym(...TRAIN, '--steps', '2048', '--eval-freq', '512', '--eval-episodes', '1', '--out', out, '--resume', '--json', '--tensorboard');
      assertRefused(resumed, /^training diverged .*left as it was$/);
    } finally {
      FlatAdam.prototype.applyFlatGradient = apply;
    }
    assert.deepEqual(snapshot(out), before);
  });

  it('a failed resume puts metrics.jsonl back atomically: a kill while it is being written leaves its records (it was rewritten in place, and a kill emptied it)', async () => {
    const out = join(dir, 'restore-killed');
    cpSync(run, out, { recursive: true });
    const metrics = join(out, 'metrics.jsonl');
    const had = readFileSync(metrics, 'utf8');
    const killed = () => Object.assign(new Error('killed'), { code: 'EINTR' });
    // the process dies at the first write of metrics.jsonl's bytes: in place, after the file was truncated and half written; atomically, before the rename
    const { writeFileSync: write, renameSync: rename } = fs;
    fs.writeFileSync = ((file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, options?: fs.WriteFileOptions) => {
      const appends = typeof options === 'object' && options?.flag === 'a'; // appendFileSync's records
      if (file !== metrics || appends) return write(file, data, options);
      const bytes = Buffer.from(data as Uint8Array);
      write(file, bytes.subarray(0, bytes.length >> 1));
      throw killed();
    }) as typeof fs.writeFileSync;
    fs.renameSync = ((from: fs.PathLike, to: fs.PathLike) => {
      if (to === metrics) throw killed();
      return rename(from, to);
    }) as typeof fs.renameSync;
    syncBuiltinESMExports();
    let updates = 0;
    const apply = FlatAdam.prototype.applyFlatGradient;
    FlatAdam.prototype.applyFlatGradient = function (this: FlatAdam, gradient: Float32Array) {
      if (++updates > 20) throw new NonFiniteGradientError(NaN, updates); // diverges in the resumed session's second update
      return apply.call(this, gradient);
    };
    try {
      const resumed = await bdtGym(...TRAIN, '--steps', '2048', '--out', out, '--resume', '--eval-episodes', '0');
      assert.ok(resumed.error instanceof Error, 'the resumed session failed');
    } finally {
      FlatAdam.prototype.applyFlatGradient = apply;
      fs.writeFileSync = write;
      fs.renameSync = rename;
      syncBuiltinESMExports();
    }
    assert.ok(readFileSync(metrics, 'utf8').startsWith(had), 'every record it had is still there');
  });

  it("a --resume notes a metrics.jsonl that holds no record of the steps its checkpoint trained (emptied, removed): the run's curves begin where it resumes", async () => {
    for (const [name, damage] of [['emptied', (file: string) => writeFileSync(file, '')], ['removed', (file: string) => rmSync(file)]] as const) {
      const out = join(dir, `metrics-${name}`);
      cpSync(run, out, { recursive: true });
      const metrics = join(out, 'metrics.jsonl');
      damage(metrics);
      const resumed = await bdtGym(...TRAIN, '--steps', '1024', '--out', out, '--resume', '--eval-episodes', '0');
      assert.equal(resumed.error, undefined, String(resumed.error));
      assert.ok(resumed.stderr.includes(`bdt-gym train: note: ${metrics} holds no record of the 512 steps its checkpoint trained (was it emptied or removed?): the run's curves begin at this session, after step 512\n`), resumed.stderr);
    }
  });

  it('a resumed DQN run whose checkpoint wrote no record yet (no episode finished, under 100 gradient steps) is not said to have lost them; one that must have written some is', async () => {
    const note = (out: string) => `bdt-gym train: note: ${join(out, 'metrics.jsonl')} holds no record of`;
    const dqn = (env: string, steps: string, out: string, ...more: string[]) => bdtGym('train', '--agent', 'dqn', '--env', env, '--steps', steps, '--eval-episodes', '0', '--backend', 'wasm', '--out', out, ...more);
    // BDT-small-v0's episodes are 100 slots; DQN learns from step 10000: 50 steps log nothing
    const quiet = join(dir, 'dqn-quiet');
    assert.equal((await dqn('BDT-small-v0', '50', quiet)).error, undefined);
    assert.equal(readFileSync(join(quiet, 'metrics.jsonl'), 'utf8'), '', 'nothing to log yet');
    const removed = join(dir, 'dqn-quiet-removed');
    cpSync(quiet, removed, { recursive: true });
    const resumed = await dqn('BDT-small-v0', '120', quiet, '--resume');
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.ok(!resumed.stderr.includes(note(quiet)), resumed.stderr);
    // a file that is gone was removed, whatever it held
    rmSync(join(removed, 'metrics.jsonl'));
    assert.ok((await dqn('BDT-small-v0', '120', removed, '--resume')).stderr.includes(`${note(removed)} the 50 steps`));
    // 600 steps of one CartPole env: past its 500-step limit, an episode finished and was logged
    const episodes = join(dir, 'dqn-episodes');
    assert.equal((await dqn('CartPole-v1', '600', episodes)).error, undefined);
    writeFileSync(join(episodes, 'metrics.jsonl'), '');
    assert.ok((await dqn('CartPole-v1', '700', episodes, '--resume')).stderr.includes(`${note(episodes)} the 600 steps`));
    // 100 gradient steps on BDT-small-v0 (learning from step 8): logged, with no episode finished
    const learned = join(dir, 'dqn-learned');
    assert.equal((await dqn('BDT-small-v0', '90', learned, '--hyperparameters', '{"learningStarts": 8, "batchSize": 4, "hidden": [4], "trainFrequency": 1, "gradientSteps": 2}')).error, undefined);
    writeFileSync(join(learned, 'metrics.jsonl'), '');
    assert.ok((await dqn('BDT-small-v0', '95', learned, '--resume')).stderr.includes(`${note(learned)} the 90 steps`));
  });

  it('stops a diverging run with one line (update, losses, learning rate) and leaves --out as it was', async () => {
    const diverging = preset('diverging.json', { agent: 'ppo', env: 'CartPole-v1', hyperparameters: { vfCoef: 1e38 } });
    const out = join(dir, 'diverged');
    const result = await bdtGym('train', '--preset', diverging, '--steps', '1024', '--out', out, '--backend', 'wasm');
    assertRefused(result, /^training diverged at PPO iteration 1 \(env step 512\), epoch 1, minibatch 1, Adam update 1: the gradient norm is (NaN|Infinity) \(.*losses\/value_loss = .*\); try a lower learningRate \(it is 0\.00025\) in --preset .*diverging\.json; the run was discarded and .*diverged left as it was$/);
    assert.ok(!existsSync(out), 'the new run directory is removed');
    const emptyDir = join(dir, 'empty-diverged');
    mkdirSync(emptyDir);
    assertRefused(await bdtGym('train', '--preset', diverging, '--steps', '1024', '--out', emptyDir, '--backend', 'wasm'), /^training diverged/);
    assert.deepEqual(readdirSync(emptyDir), [], 'an empty --out stays empty');
  });

  it('says once on stderr when PPO rounds --steps to whole rollouts (DQN to whole vector steps) and records the steps trained', async () => {
    const out = join(dir, 'rounded');
    const result = await bdtGym(...TRAIN, '--steps', '100', '--out', out, '--eval-episodes', '1', '--json');
    assert.equal(result.error, undefined, String(result.error));
    const note = 'bdt-gym train: PPO trains whole rollouts of numEnvs x numSteps = 4 x 128 = 512 env steps: --steps 100 rounded up to 512\n';
    assert.equal(result.stderr, note);
    assert.equal(JSON.parse(result.stdout.trim().split('\n').pop()!).steps, 512);
    assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).steps, 512);
    const dqn4 = preset('dqn4.json', { agent: 'dqn', env: 'CartPole-v1', hyperparameters: { numEnvs: 4 } });
    assertRefused(await bdtGym('train', '--preset', dqn4, '--steps', '3', '--out', join(dir, 'dqn')), /^--steps 3 is too few: DQN steps its numEnvs = 4 envs together; give --steps 4 or more$/);
    assert.ok(!existsSync(join(dir, 'dqn')));
  });

  it("names the preset's totalTimesteps, not a --steps never given, when it is rounded, too few or trains nothing", async () => {
    const ppo600 = preset('ppo600.json', { agent: 'ppo', env: 'CartPole-v1', hyperparameters: { totalTimesteps: 600 } });
    const result = await bdtGym('train', '--preset', ppo600, '--out', join(dir, 'preset-rounded'), '--eval-episodes', '0', '--backend', 'wasm');
    assert.equal(result.error, undefined, String(result.error));
    assert.match(result.stderr, /^bdt-gym train: PPO trains whole rollouts of numEnvs x numSteps = 4 x 128 = 512 env steps: the preset's totalTimesteps 600 rounded down to 512\n/);
    const dqn3 = preset('dqn4-3.json', { agent: 'dqn', env: 'CartPole-v1', hyperparameters: { numEnvs: 4, totalTimesteps: 3 } });
    assertRefused(await bdtGym('train', '--preset', dqn3, '--out', join(dir, 'x')), /^the preset's totalTimesteps 3 is too few: DQN steps its numEnvs = 4 envs together; give --steps 4 or more$/);
    const ppo512 = preset('ppo512.json', { agent: 'ppo', env: 'CartPole-v1', hyperparameters: { totalTimesteps: 512 } });
    assertRefused(await bdtGym('train', '--preset', ppo512, '--out', run, '--resume'), new RegExp(`^--resume: ${run} is already trained to 512 env steps, so the preset's totalTimesteps 512 trains nothing \\(it is the total, not an increment\\); give --steps 1024 or more$`));
    const rare = preset('rare-eval.json', { agent: 'ppo', env: 'CartPole-v1', hyperparameters: { totalTimesteps: 512 }, periodicEvaluation: { evalFreq: 1000 } });
    assertRefused(await bdtGym('train', '--preset', rare, '--out', join(dir, 'x')), /^the preset's periodicEvaluation\.evalFreq 1000 is more than the preset's totalTimesteps 512: no evaluation would run$/);
    assert.ok(!existsSync(join(dir, 'x')));
    assert.deepEqual(snapshot(run), original);
  });

  it('--eval-episodes 0 skips the final evaluation: no made-up evalReturn, and no NaN when no training episode finished', async () => {
    const tiny = preset('tiny-bdt.json', { agent: 'ppo', env: 'BDT-small-v0', hyperparameters: { numEnvs: 1, numSteps: 32, numMinibatches: 1, updateEpochs: 1, hidden: [8] } });
    const out = join(dir, 'no-eval');
    const result = await bdtGym('train', '--preset', tiny, '--steps', '32', '--out', out, '--eval-episodes', '0', '--backend', 'wasm');
    assert.equal(result.error, undefined, String(result.error));
    assert.doesNotMatch(result.stdout, /deterministic evaluation/);
    assert.doesNotMatch(result.stdout, /NaN/);
    assert.match(result.stdout, /\n {2}mean return, training episodes {2}n\/a \(no training episode finished\)\n/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.evalEpisodes, 0);
    assert.ok(!('evalReturn' in summary), 'no evalReturn without an evaluation');
    assertRefused(await bdtGym(...TRAIN, '--steps', '512', '--eval-episodes', '-1', '--out', join(dir, 'x')), /^--eval-episodes: expected an integer >= 0, got "-1"$/);
  });

  it('refuses seeds whose derived seeds pass Number.MAX_SAFE_INTEGER, and unsafe integers in any integer option', async () => {
    const max = String(Number.MAX_SAFE_INTEGER);
    assertRefused(await bdtGym(...TRAIN, '--steps', '512', '--seed', max, '--out', join(dir, 'x')), new RegExp(`^--seed ${max}: the 4 training envs \\(seed \\+ i\\) and the 20 final evaluation episodes \\(seed \\+ 1000000 \\+ i\\) use seeds up to ${max} \\+ 1000019, beyond Number\\.MAX_SAFE_INTEGER \\(${max}\\); give --seed <= 9007199253740972$`));
    assertRefused(await bdtGym('evaluate', '--checkpoint', run, '--seed', max, '--episodes', '2'), new RegExp(`^--seed ${max}: 2 episodes use seeds up to ${max} \\+ 1, beyond Number\\.MAX_SAFE_INTEGER .*; give --seed <= 9007199254740990$`));
    assertRefused(await bdtGym('run', '--env', 'BDT-small-v0', '--seed', '9007199254740993'), /^--seed: expected an integer <= 9007199254740991 \(Number\.MAX_SAFE_INTEGER; larger ones are not represented exactly\), got "9007199254740993"$/);
    assertRefused(await bdtGym(...TRAIN, '--steps', '1e300', '--out', join(dir, 'x')), /^--steps: expected an integer <= 9007199254740991 .*got "1e300"$/);
    assert.equal(integerOption('seed', max, 0), Number.MAX_SAFE_INTEGER);
    assert.throws(() => integerOption('seed', '9007199254740992', 0), /--seed: expected an integer <= 9007199254740991/);
    assert.ok(!existsSync(join(dir, 'x')));
  });

  it('as a process: one line on stderr, exit code 1, no stack trace (a file as --out, a diverging run)', () => {
    const file = join(dir, 'a-file.json');
    writeFileSync(file, '{}');
    const diverging = preset('diverging2.json', { agent: 'ppo', env: 'CartPole-v1', hyperparameters: { vfCoef: 1e38 } });
    const cases: [string[], RegExp][] = [
      [[...TRAIN, '--steps', '64', '--out', file], /^bdt-gym: --out .*a-file\.json: exists and is not a directory; give a directory for the run\n$/],
      [['train', '--preset', diverging, '--steps', '512', '--out', join(dir, 'd2'), '--backend', 'wasm', '--json'], /^bdt-gym: training diverged at PPO iteration 1 .*left as it was\n$/],
    ];
    for (const [args, message] of cases) {
      const result = spawnCli(...args);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, message);
    }
  });
});
