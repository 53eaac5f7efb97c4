/** What `bdt-gym train` says while it trains: the bar on a terminal, plain lines elsewhere, the summary's episode count. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { barReturn, trainBarOptions } from '../../cli/commands/train.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
// spawned with pipes: stderr is no terminal, as in CI or `nohup bdt-gym train ... > log 2>&1`
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

/** The returns of the training episodes metrics.jsonl records from after step `after` to step `upTo`. */
function episodeReturns(out: string, after: number, upTo: number): number[] {
  const records = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
  return records.filter((r) => 'charts/episodic_return' in r && r['step']! > after && r['step']! <= upTo).map((r) => r['charts/episodic_return']!);
}

/** The mean of the last (up to) 20 of `returns`, as train prints it, and how many it averages. */
function last20(returns: readonly number[]): { mean: string; count: number } {
  const tail = returns.slice(-20);
  return { mean: (tail.reduce((a, b) => a + b, 0) / tail.length).toFixed(2), count: tail.length };
}

/** The first of the reports (one after each `every` steps from `start`) at or past each tenth of `steps` past `start`. */
function expectedReportSteps(start: number, steps: number, every: number): number[] {
  const tenths = Array.from({ length: 10 }, (_, k) => Math.ceil(((k + 1) * steps) / 10)).filter((t) => t > start);
  return [...new Set(tenths.map((t) => start + Math.ceil((t - start) / every) * every))];
}

describe('bdt-gym train: progress', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-train-progress-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('where stderr is no terminal, prints a line at the first report past each tenth of the steps, the same in every run: step, mean return of the last 20 episodes, steps/s', () => {
    const out = join(dir, 'ppo');
    // PPO reports after each update: the default 4 envs x 128 steps = 512, a tenth of 5120
    const first = cli('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '5120', '--seed', '2', '--out', out, '--eval-episodes', '0', '--backend', 'wasm', '--no-timing');
    assert.equal(first.status, 0, first.stderr);
    const [start, ...lines] = first.stderr.trimEnd().split('\n');
    assert.equal(start, "bdt-gym train: ppo on CartPole-v1, 5120 steps, seed 2, TensorFlow.js backend 'wasm'");
    const steps = expectedReportSteps(0, 5120, 512);
    assert.deepEqual(steps, [512, 1024, 1536, 2048, 2560, 3072, 3584, 4096, 4608, 5120]);
    assert.deepEqual(
      lines,
      steps.map((step) => {
        const { mean, count } = last20(episodeReturns(out, 0, step));
        return `bdt-gym train: step ${step} of 5120 (${(100 * step) / 5120}%): mean return ${mean} (last ${count} episodes)`;
      }),
      'at each tenth, without steps/s (--no-timing)',
    );
    const { mean } = last20(episodeReturns(out, 0, 5120));
    assert.ok(first.stdout.includes(`\n  mean return, last 20 training episodes  ${mean}\n`), first.stdout);

    // a resumed session: the tenths of the run's steps past its start, the mean over its own episodes
    const resumed = cli('train', '--steps', '7680', '--out', out, '--eval-episodes', '0', '--backend', 'wasm', '--resume');
    assert.equal(resumed.status, 0, resumed.stderr);
    const resumedLines = resumed.stderr.trimEnd().split('\n').slice(1);
    const resumedSteps = expectedReportSteps(5120, 7680, 512);
    assert.deepEqual(resumedSteps, [5632, 6144, 7168, 7680]);
    assert.equal(resumedLines.length, resumedSteps.length, resumed.stderr);
    resumedSteps.forEach((step, i) => {
      const { mean, count } = last20(episodeReturns(out, 5120, step));
      const line = `bdt-gym train: step ${step} of 7680 (${Math.floor((100 * step) / 7680)}%): mean return ${mean} (last ${count} episodes), `;
      assert.ok(resumedLines[i]!.startsWith(line) && /, \d+ steps\/s$/.test(resumedLines[i]!), `${resumedLines[i]} is not ${line}<n> steps/s`);
    });
  });

  it('with fewer than 20 training episodes, the summary and the progress lines say how many the mean return is over (the summary said 20)', () => {
    const out = join(dir, 'dqn');
    // DQN reports every 256 env steps: one report, at the end
    const result = cli('train', '--agent', 'dqn', '--env', 'CartPole-v1', '--steps', '256', '--out', out, '--eval-episodes', '0', '--backend', 'wasm');
    assert.equal(result.status, 0, result.stderr);
    const returns = episodeReturns(out, 0, 256);
    assert.ok(returns.length > 1 && returns.length < 20, `${returns.length} episodes`);
    const { mean, count } = last20(returns);
    assert.ok(result.stdout.includes(`\n  mean return, last ${count} training episodes  ${mean}\n`), result.stdout);
    assert.match(result.stderr, new RegExp(`\\nbdt-gym train: step 256 of 256 \\(100%\\): mean return ${mean.replace('.', '\\.')} \\(last ${count} episodes\\), \\d+ steps/s\\n$`));
    // with --json stderr stays quiet: the start line and progress are for people
    const json = cli('train', '--agent', 'dqn', '--env', 'CartPole-v1', '--steps', '256', '--out', join(dir, 'dqn-json'), '--eval-episodes', '0', '--backend', 'wasm', '--json');
    assert.equal(json.status, 0, json.stderr);
    assert.equal(json.stderr, '');
  });

  it("the bar's line fits an 80-column terminal at 4,000,000 steps (its end, the time left, was cut off), and a wider one gets a wider bar", () => {
    /** The longest line the bar draws on a terminal `columns` wide, its escape sequences taken out. */
    const drawn = (columns: number): string => {
      let written = '';
      const terminal = { isTTY: true, columns, write: (text: string) => ((written += text), true) };
      const bar = new cliProgress.SingleBar({ ...trainBarOptions(4_000_000, columns), stream: terminal as unknown as NodeJS.WriteStream }, cliProgress.Presets.shades_classic);
      bar.start(4_000_000, 0, { ret: 'n/a' });
      bar.update(1_234_567, { ret: barReturn(-12345.6, 20) });
      bar.stop();
      // eslint-disable-next-line no-control-regex
      const lines = written.replace(/\x1B(\[[0-9;?]*[A-Za-z]|[78])/g, '\n').split(/[\r\n]/);
      return lines.reduce((a, b) => (b.length > a.length ? b : a), '');
    };
    const narrow = drawn(80);
    assert.match(narrow, /^train \[.{10,}\] 30% \| 1234567\/4000000 \| return -12345\.6 \(last 20\) \| \S+ left$/);
    assert.ok(narrow.length < 80, `${narrow.length} characters: ${narrow}`);
    assert.equal(/^train \[(.*)\] /.exec(drawn(200))![1]!.length, 40, 'the bar at its widest');
  });

  it("the bar's return says how many episodes its mean is over (fewer than 20 early in a run), n/a before the first", () => {
    assert.equal(barReturn(-7878.014, 20), '-7878.0 (last 20)');
    assert.equal(barReturn(-13355.63, 8), '-13355.6 (last 8)');
    assert.equal(barReturn(Number.NaN, 0), 'n/a');
  });

  it('--backend cpu prints no TF.js banner advising the node backend (the user chose cpu): train and evaluate --json leave stderr empty', () => {
    const out = join(dir, 'cpu');
    const trained = cli('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '512', '--out', out, '--eval-episodes', '1', '--backend', 'cpu', '--json');
    assert.equal(trained.status, 0, trained.stderr);
    assert.equal(trained.stderr, '');
    const evaluated = cli('evaluate', '--checkpoint', out, '--episodes', '1', '--backend', 'cpu', '--json');
    assert.equal(evaluated.status, 0, evaluated.stderr);
    assert.equal(evaluated.stderr, '');
  });
});
