import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMetricsFile } from '../../cli/metrics-file.ts';
import { trailingMean } from '../../cli/plot/moving-average.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const models = fileURLToPath(new URL('../../models/', import.meta.url));

/** A run directory holding `lines` as its metrics.jsonl. */
function run(parent: string, name: string, lines: readonly string[]): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'metrics.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

/** `readMetricsFile(file)` and what it wrote to stderr (its warnings). */
function readCapturingStderr(file: string): { metrics: ReturnType<typeof readMetricsFile>; stderr: string } {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    return { metrics: readMetricsFile(file), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe('cli: curves', () => {
  it('trailingMean: the mean of the last `window` finite values, NaN skipped; the first window-1 points kept as means so far (SB3 drops them)', () => {
    assert.deepEqual([...trailingMean(Float64Array.from([1, 2, 3, 4]), 2)], [1, 1.5, 2.5, 3.5]);
    assert.deepEqual([...trailingMean(Float64Array.from([1, NaN, 3, 5]), 2)], [1, 1, 3, 4]);
    assert.deepEqual([...trailingMean(Float64Array.from([NaN, 2]), 1)], [NaN, 2]);
    assert.deepEqual([...trailingMean(Float64Array.from([4, 8]), 10)], [4, 6]);
  });

  it('trailingMean: a window of small values after large ones keeps its digits (window 1 gives the raw values)', () => {
    // a loss that starts near 1e8 and ends near 1e-3: sums over the whole run cancelled the late windows' digits
    const values = Float64Array.from({ length: 1000 }, (_, i) => (i < 500 ? 1e8 + i : 1e-3 * (1 + i / 1000)));
    assert.deepEqual([...trailingMean(values, 1)], [...values]);
    const last = values.subarray(-20);
    const direct = last.reduce((a, b) => a + b, 0) / 20;
    assert.ok(Math.abs(trailingMean(values, 20).at(-1)! - direct) <= 1e-15 * direct, `${trailingMean(values, 20).at(-1)} vs ${direct}`);
    // the same where the large values end inside a block: a window of small values only, whose
    // first block also holds large ones before it (window 20: records 10..29, large 0..9)
    const lateSwitch = Float64Array.from({ length: 60 }, (_, i) => (i < 10 ? 1e8 : 1e-3 * (1 + i / 1000)));
    const smallWindow = lateSwitch.subarray(10, 30).reduce((a, b) => a + b, 0) / 20;
    assert.ok(Math.abs(trailingMean(lateSwitch, 20)[29]! - smallWindow) <= 1e-15 * smallWindow, `${trailingMean(lateSwitch, 20)[29]} vs ${smallWindow}`);
    // a window straddling two blocks of the partial sums, with a NaN in it
    const mixed = Float64Array.from([5, 1e12, 3, NaN, 7, 2, 4]);
    assert.deepEqual([...trailingMean(mixed, 3)], [5, (5 + 1e12) / 2, (5 + 1e12 + 3) / 3, (1e12 + 3) / 2, 5, 4.5, 13 / 3]);
  });

  it('plots each tag of each run and prints where each curve ends (JSON): the moving average at the last record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const a = run(dir, 'ppo-a', [
      '{"step":100,"charts/episodic_return":10,"charts/episodic_length":5}',
      '{"step":200,"losses/value_loss":0.5}',
      '{"step":300,"charts/episodic_return":20}',
      '{"step":400,"charts/episodic_return":null}', // a NaN the trainer logged
      '{"step":500,"charts/episodic_return":60}',
    ]);
    const b = run(dir, 'dqn-b', ['{"step":64,"charts/episodic_return":-4,"losses/td_loss":1}', '{"step":128,"charts/episodic_return":-2}']);
    const out = join(dir, 'curves.svg');
    const result = cli('curves', a, b, '--tag', 'charts/episodic_return,losses/value_loss', '--window', '2', '--out', out, '--json');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [
      { run: 'ppo-a', tag: 'charts/episodic_return', records: 4, lastStep: 500, final: 60 }, // window (null, 60): 60
      { run: 'dqn-b', tag: 'charts/episodic_return', records: 2, lastStep: 128, final: -3 },
      { run: 'ppo-a', tag: 'losses/value_loss', records: 1, lastStep: 200, final: 0.5 },
    ]);
    assert.equal(result.stderr, 'bdt-gym curves: note: dqn-b has no losses/value_loss; drawn for the others\n');
    const svg = readFileSync(out, 'utf8');
    assert.match(svg, /^<svg /);
    for (const text of ['charts/episodic_return (moving average of 2)', 'losses/value_loss (moving average of 2)', 'ppo-a', 'dqn-b']) assert.ok(svg.includes(text), `the figure lacks ${text}`);
    assert.equal((svg.match(/class="mark-line role-mark/g) ?? []).length, 2 * 2 + 2 * 1, 'a raw and a smoothed line per run in each panel (two runs, then one)');
  });

  it('--json without --out prints the curve ends and writes no figure; the table still needs --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const a = run(dir, 'a', ['{"step":100,"charts/episodic_return":10}', '{"step":200,"charts/episodic_return":30}']);
    const result = spawnSync(process.execPath, [bin, 'curves', a, '--window', '2', '--json'], { encoding: 'utf8', cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [{ run: 'a', tag: 'charts/episodic_return', records: 2, lastStep: 200, final: 20 }]);
    assert.deepEqual(readdirSync(dir), ['a'], 'no SVG written');
    const table = cli('curves', a);
    assert.equal(table.status, 1);
    assert.equal(table.stderr, 'bdt-gym: --out: give the SVG file to write (or --json to print where the curves end, without a figure)\n');
  });

  it('names a run given as its metrics.jsonl by its directory, as one given as the directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const a = run(dir, 'ppo-run', ['{"step":1,"charts/episodic_return":1}']);
    const result = cli('curves', join(a, 'metrics.jsonl'), '--out', join(dir, 'c.svg'), '--json');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout)[0].run, 'ppo-run');
    const inside = spawnSync(process.execPath, [bin, 'curves', 'metrics.jsonl', '--out', join(dir, 'd.svg'), '--json'], { cwd: a, encoding: 'utf8' });
    assert.equal(JSON.parse(inside.stdout)[0].run, 'ppo-run', 'from inside the run directory too');
  });

  it('draws a legend of the runs by their labels, its symbols at full strength (not the faint raw line)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const a = run(dir, 'a', ['{"step":1,"x":1}', '{"step":2,"x":2}']);
    const b = run(dir, 'b', ['{"step":1,"x":3}', '{"step":2,"x":1}']);
    const out = join(dir, 'c.svg');
    const result = cli('curves', a, b, '--tag', 'x', '--labels', 'PPO seed 1,DQN', '--out', out);
    assert.equal(result.status, 0, result.stderr);
    const svg = readFileSync(out, 'utf8');
    const labels = [...svg.matchAll(/class="mark-text role-legend-label"[^>]*><text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    assert.deepEqual(labels, ['PPO seed 1', 'DQN'], 'in the order the runs were given, as the table');
    const opacities = [...svg.matchAll(/class="mark-symbol role-legend-symbol"[^>]*><path [^>]*opacity="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(opacities, ['1', '1']);
  });

  it('draws a dot for a point no line reaches (a one-record run, a value between NaNs), and none on a line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    /** The graphics elements of each layer of the panel of `out`: what is drawn, by mark. */
    const drawn = (runs: string[], window: string): { lines: string[]; dots: number } => {
      const out = join(dir, 'c.svg');
      const result = cli('curves', ...runs, '--tag', 'x', '--window', window, '--out', out);
      assert.equal(result.status, 0, result.stderr);
      const svg = readFileSync(out, 'utf8');
      const lines = [...svg.matchAll(/aria-roledescription="line mark" d="([^"]*)"/g)].map((m) => m[1]!);
      return { lines, dots: [...svg.matchAll(/aria-roledescription="point"/g)].length };
    };
    // one record: the line marks are a bare move (M x,y Z), nothing visible; raw and smoothed dots
    const one = drawn([run(dir, 'one', ['{"step":5,"x":3}'])], '20');
    assert.ok(one.lines.every((d) => /^M[\d.]+,[\d.]+Z$/.test(d)), `lines: ${one.lines}`);
    assert.equal(one.dots, 2);
    // the value between NaNs (null) is lone, raw and smoothed (window 1); the two at the end make a line
    assert.equal(drawn([run(dir, 'gaps', ['{"step":1,"x":null}', '{"step":2,"x":4}', '{"step":3,"x":null}', '{"step":4,"x":1}', '{"step":5,"x":2}'])], '1').dots, 2);
    assert.equal(drawn([run(dir, 'two', ['{"step":1,"x":1}', '{"step":2,"x":2}'])], '20').dots, 0, 'a line needs no dots');
  });

  it("reads the committed models' runs: every episodic return of metrics.jsonl is a record", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-curves-')), 'models.svg');
    const result = cli('curves', join(models, 'ppo-bdt-v0'), join(models, 'dqn-bdt-v0', 'metrics.jsonl'), '--labels', 'ppo,dqn', '--out', out, '--json');
    assert.equal(result.status, 0, result.stderr);
    const ends = JSON.parse(result.stdout) as Array<{ run: string; records: number; lastStep: number }>;
    for (const [label, model] of [['ppo', 'ppo-bdt-v0'], ['dqn', 'dqn-bdt-v0']] as const) {
      const lines = readFileSync(join(models, model, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const returns = lines.filter((l) => 'charts/episodic_return' in l);
      const end = ends.find((e) => e.run === label)!;
      assert.equal(end.records, returns.length);
      assert.equal(end.lastStep, returns[returns.length - 1].step);
    }
  });

  it('reads a committed model given as models/<name> from any working directory, as a checkpoint option does (it was read from the cwd only)', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'bdt-curves-cwd-'));
    const args = ['curves', 'models/ppo-bdt-v0', 'models/dqn-bdt-v0/metrics.jsonl', '--json'];
    const outside = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: elsewhere });
    assert.equal(outside.status, 0, outside.stderr);
    assert.deepEqual(JSON.parse(outside.stdout), JSON.parse(cli(...args).stdout));
  });

  it('names the run path when run directories share a name, and refuses bad labels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const one = run(join(dir, 'seed1'), 'run', ['{"step":1,"charts/episodic_return":1}']);
    const two = run(join(dir, 'seed2'), 'run', ['{"step":1,"charts/episodic_return":2}']);
    const named = cli('curves', one, two, '--out', join(dir, 'c.svg'), '--json');
    assert.equal(named.status, 0, named.stderr);
    assert.deepEqual(
      JSON.parse(named.stdout).map((e: { run: string }) => e.run),
      [one, two],
    );
    const wrong = cli('curves', one, two, '--labels', 'a', '--out', join(dir, 'd.svg'));
    assert.equal(wrong.status, 1);
    assert.equal(wrong.stderr, 'bdt-gym: --labels: expected 2 non-empty comma-separated labels (one per run), got "a"\n');
  });

  it('refuses a run given twice, however spelled (run, run/, run/metrics.jsonl), naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const a = run(dir, 'a', ['{"step":1,"charts/episodic_return":1}']);
    const file = realpathSync(join(a, 'metrics.jsonl'));
    for (const again of [a, `${a}/`, join(a, 'metrics.jsonl')]) {
      const result = cli('curves', a, again, '--labels', 'one,two', '--out', join(dir, 'c.svg'));
      assert.equal(result.status, 1);
      assert.equal(result.stderr, `bdt-gym: ${again}: the same run as ${a} (${file}); give each run once\n`);
    }
    assert.ok(!existsSync(join(dir, 'c.svg')), 'nothing written');
  });

  it("refuses, before reading any run, an --out that is a run's metrics file (or a symlink to it), naming both", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const a = run(dir, 'a', ['{"step":1,"charts/episodic_return":1}']);
    const corrupt = run(dir, 'corrupt', ['not json']); // reading it first would report its line instead
    const log = join(a, 'metrics.jsonl');
    const before = readFileSync(log, 'utf8');
    const link = join(dir, 'curves.svg');
    symlinkSync(log, link);
    // the log itself is no .svg name; a .svg link to it is caught by where it leads
    const direct = cli('curves', corrupt, a, '--out', log);
    assert.equal(direct.status, 1);
    assert.equal(direct.stderr, `bdt-gym: --out ${log}: figures are written as SVG; give a file name ending in .svg\n`);
    const linked = cli('curves', corrupt, a, '--out', link);
    assert.equal(linked.status, 1);
    assert.equal(linked.stderr, `bdt-gym: --out ${link}: is the metrics file of run ${a} (${realpathSync(log)}), which this command reads; writing there would overwrite it; give another --out\n`);
    assert.equal(readFileSync(log, 'utf8'), before, 'the training log is untouched');
  });

  it('refuses a metrics.jsonl that is a directory, or that cannot be read, naming it and why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const odd = join(dir, 'odd');
    mkdirSync(join(odd, 'metrics.jsonl'), { recursive: true });
    const result = cli('curves', odd, '--out', join(dir, 'c.svg'));
    assert.equal(result.status, 1);
    assert.equal(result.stderr, `bdt-gym: ${join(odd, 'metrics.jsonl')}: is a directory, not a metrics.jsonl of train\n`);
    // a read failure (EACCES, EIO, ...) past that check: forced here by reading the directory itself
    assert.throws(() => readMetricsFile(join(odd, 'metrics.jsonl')), { name: 'CliError', message: `${join(odd, 'metrics.jsonl')}: cannot read the file (EISDIR: illegal operation on a directory)` });
    if (process.getuid?.() === 0) return; // root reads a file whatever its mode
    const locked = run(dir, 'locked', ['{"step":1,"charts/episodic_return":1}']);
    chmodSync(join(locked, 'metrics.jsonl'), 0o000);
    assert.equal(cli('curves', locked, '--out', join(dir, 'c.svg')).stderr, `bdt-gym: ${join(locked, 'metrics.jsonl')}: cannot read the file (EACCES: permission denied)\n`);
  });

  it('refuses, with the file and line or the tags there are, and writes nothing: a tag no run has, a corrupt line, a missing run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const good = run(dir, 'good', ['{"step":1,"charts/episodic_return":1,"losses/td_loss":2}']);
    const out = join(dir, 'c.svg');
    const typo = cli('curves', good, '--tag', 'charts/episode_return', '--out', out);
    assert.equal(typo.status, 1);
    assert.equal(typo.stderr, 'bdt-gym: --tag: no run has "charts/episode_return" (their tags: charts/episodic_return, losses/td_loss)\n');
    // an empty metrics.jsonl (a run stopped before its first record): its file named, not an empty tag list
    const empty = join(dir, 'no-records');
    mkdirSync(empty);
    writeFileSync(join(empty, 'metrics.jsonl'), '');
    assert.equal(cli('curves', empty, '--out', out).stderr, `bdt-gym: --tag: no run has "charts/episodic_return": ${join(empty, 'metrics.jsonl')} holds no metric records\n`);
    assert.equal(cli('curves', good, empty, '--tag', 'x', '--out', out).stderr, `bdt-gym: --tag: no run has "x" (their tags: charts/episodic_return, losses/td_loss; ${join(empty, 'metrics.jsonl')} holds no metric records)\n`);
    const corrupt = run(dir, 'corrupt', ['{"step":1,"charts/episodic_return":1}', '{"step":2,"charts/episodic_return":"high"}']);
    const bad = cli('curves', good, corrupt, '--out', out);
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr, `bdt-gym: ${join(corrupt, 'metrics.jsonl')}:2: "charts/episodic_return" must be a number (or null for NaN), got "high"\n`);
    const truncated = run(dir, 'truncated', ['{"step":1,"charts/episodic_return":1}', '{"step":2,"charts/epis']);
    assert.match(cli('curves', truncated, '--out', out).stderr, /truncated\/metrics\.jsonl:2: not a JSON line \("\{\\"step\\":2,\\"charts\/epis"\)\n$/);
    assert.equal(cli('curves', join(dir, 'nowhere'), '--out', out).stderr, `bdt-gym: ${join(dir, 'nowhere')}: no such file or directory (give a run directory of train, or its metrics.jsonl)\n`);
    const emptyRun = join(dir, 'empty');
    mkdirSync(emptyRun);
    assert.equal(cli('curves', emptyRun, '--out', out).stderr, `bdt-gym: ${emptyRun}: holds no metrics.jsonl (is it a run directory of train?)\n`);
    symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
    assert.equal(cli('curves', join(dir, 'loop'), '--out', out).stderr, `bdt-gym: ${join(dir, 'loop')}: cannot read it (ELOOP: too many symbolic links encountered)\n`, 'a symlink loop is not reported as a missing file');
    assert.equal(cli('curves', good, '--window', '0', '--out', out).status, 1);
    writeFileSync(join(good, 'summary.json'), '{"steps": 1}\n');
    assert.equal(cli('curves', good, '--out', join(good, 'summary.json')).stderr, `bdt-gym: --out ${join(good, 'summary.json')}: figures are written as SVG; give a file name ending in .svg\n`);
    assert.equal(cli('curves', good, '--out', join(good, 'curves.png')).stderr, `bdt-gym: --out ${join(good, 'curves.png')}: figures are written as SVG; give a file name ending in .svg\n`);
    assert.equal(readFileSync(join(good, 'summary.json'), 'utf8'), '{"steps": 1}\n', 'a run file is not overwritten');
    assert.ok(!existsSync(out), 'nothing written');
  });

  it('warns once where steps go back (records a resume before this version did not cut), and reads every record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const file = join(dir, 'metrics.jsonl');
    writeFileSync(file, ['{"step":1,"a":1}', '{"step":9,"a":2}', '{"step":5,"a":3}', '{"step":3,"a":4}', ''].join('\n'));
    const { metrics, stderr } = readCapturingStderr(file);
    assert.deepEqual(Array.from(metrics.get('a')!.steps), [1, 9, 5, 3]);
    assert.equal(stderr, `bdt-gym: warning: ${file}:3: step 5 follows step 9: a session stopped after its last checkpoint logged the steps its resumed run trained again, so some steps have records of both\n`);
  });

  it('skips, with a warning, a torn last line (a run killed while appending: no newline at its end), and only that', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const file = join(dir, 'metrics.jsonl');
    writeFileSync(file, '{"step":1,"charts/episodic_return":1}\n{"step":2,"charts/episodic_return":3}\n{"step":3,"charts/epis');
    const { metrics, stderr } = readCapturingStderr(file);
    assert.deepEqual(Array.from(metrics.get('charts/episodic_return')!.values), [1, 3]);
    assert.equal(stderr, `bdt-gym: warning: ${file}:3: skipped a torn last line (no newline at its end: the run was stopped while writing it)\n`);
    // a run appended to after the tear: the bad line is not the last, so the file is refused
    writeFileSync(file, '{"step":1,"charts/episodic_return":1}\n{"step":2,"charts/epis{"step":3,"charts/episodic_return":3}\n{"step":4,"charts/episodic_return":4}');
    assert.throws(() => readMetricsFile(file), { name: 'CliError', message: `${file}:2: not a JSON line ("{\\"step\\":2,\\"charts/epis{\\"step\\":3,\\"charts/episodic_return\\":3}")` });
  });

  it('reads a metrics.jsonl saved with a UTF-8 byte order mark (its first line was refused as not JSON)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-curves-'));
    const file = join(dir, 'metrics.jsonl');
    writeFileSync(file, '\uFEFF{"step":1,"a":1}\n{"step":2,"a":2}\n');
    const { metrics, stderr } = readCapturingStderr(file);
    assert.deepEqual(Array.from(metrics.get('a')!.steps), [1, 2]);
    assert.equal(stderr, '');
  });
});
