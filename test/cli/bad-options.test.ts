import assert from 'node:assert/strict';
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import fs, { existsSync, mkdtempSync, readdirSync, renameSync, symlinkSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as benchCommand from '../../cli/commands/bench.ts';
import * as checkDpraCommand from '../../cli/commands/check-dpra.ts';
import * as compareCommand from '../../cli/commands/compare.ts';
import * as runCommand from '../../cli/commands/run.ts';
import * as sweepVCommand from '../../cli/commands/sweep-v.ts';
import * as scenarioSchemaCommand from '../../cli/commands/scenario-schema.ts';
import * as presetSchemaCommand from '../../cli/commands/preset-schema.ts';
import { CliError } from '../../cli/errors.ts';
import { checkCanCreateFilesIn, checkOutputPath, integerList, integerOption, integerRanges, numberOption, registeredEnvOption } from '../../cli/options.ts';
import { captureWarnings } from '../../env/index.ts';
import { plural } from '../../cli/plural.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
/** A pid above Linux's largest pid_max: no process has it. */
const DEAD_PID = 2 ** 22 + 12345;
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

function run(module: { register(program: Command): void }, args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  module.register(program);
  return program.parseAsync(args, { from: 'user' });
}

describe('bdt-gym bench, scenario-schema and preset-schema: bad input', () => {
  it('bench --filter matching no case is refused, listing the cases (an empty table read as a result)', async () => {
    await assert.rejects(run(benchCommand, ['bench', '--filter', 'no-such-case']), (e: unknown) => e instanceof CliError && /--filter "no-such-case" matches no case \(cases: cartpole\/raw, /.test((e as Error).message));
  });

  it('bench --filter "" is refused (it matched every case and ran them all)', async () => {
    await assert.rejects(run(benchCommand, ['bench', '--filter', '']), (e: unknown) => e instanceof CliError && (e as Error).message === '--filter "": give text that the names of the cases to run contain (without --filter every case runs)');
  });

  it('scenario-schema --out with an empty file name is refused (it printed to stdout)', async () => {
    await assert.rejects(run(scenarioSchemaCommand, ['scenario-schema', '--out', '']), (e: unknown) => e instanceof CliError && /--out: give a file name/.test((e as Error).message));
  });

  it('preset-schema --out with an empty file name is refused', async () => {
    await assert.rejects(run(presetSchemaCommand, ['preset-schema', '--out', '']), (e: unknown) => e instanceof CliError && /--out: give a file name/.test((e as Error).message));
  });
});

describe('bdt-gym: output paths and option pairs are checked before any work', () => {
  it('an empty or directory output path is refused up front (results were computed, then lost at the write)', () => {
    assert.throws(() => checkOutputPath('out', ''), (e: unknown) => e instanceof CliError && /^--out: give a file name$/.test((e as Error).message));
    assert.throws(() => checkOutputPath('plot', tmpdir()), (e: unknown) => e instanceof CliError && new RegExp(`^--plot ${tmpdir()}: is a directory; give a file name$`).test((e as Error).message));
    checkOutputPath('out', join(tmpdir(), 'no-such-dir', 'result.json'));
    checkOutputPath('out', undefined);
  });

  it('a path naming a directory (a trailing separator, a last . or ..) is refused: the write would fail after the work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-out-'));
    for (const path of [`${dir}/newdir/`, `${dir}/v.svg/`, `${dir}/newdir/.`, `${dir}/a/..`]) {
      assert.throws(() => checkOutputPath('out', path), (e: unknown) => e instanceof CliError && (e as Error).message === `--out ${path}: names a directory; give a file name`, path);
    }
    assert.deepEqual(readdirSync(dir), [], 'nothing was created');
  });

  it('a file that cannot be created is refused before any work: a name past NAME_MAX, a symlink to a directory that cannot be made; the probe leaves nothing behind', function () {
    if (process.platform !== 'linux') this.skip(); // /proc, NAME_MAX 255
    const dir = mkdtempSync(join(tmpdir(), 'bdt-out-'));
    const long = join(dir, 'new', 'deeper', `${'x'.repeat(300)}.json`);
    const tooLong = '(ENAMETOOLONG: name too long: a name on the path has 305 bytes, more than the 255 a file name takes)';
    assert.throws(() => checkOutputPath('out', long), (e: unknown) => e instanceof CliError && (e as Error).message === `--out ${long}: cannot create the file ${tooLong}`);
    const longHere = join(dir, `${'x'.repeat(300)}.json`);
    assert.throws(() => checkOutputPath('out', longHere), (e: unknown) => e instanceof CliError && (e as Error).message === `--out ${longHere}: cannot create the file ${tooLong}`);
    // a multi-byte name is measured in bytes, as the file system counts it
    const wide = join(dir, `${'é'.repeat(128)}.json`);
    assert.throws(() => checkOutputPath('out', wide), (e: unknown) => e instanceof CliError && (e as Error).message.endsWith('(ENAMETOOLONG: name too long: a name on the path has 261 bytes, more than the 255 a file name takes)'));
    assert.deepEqual(readdirSync(dir), [], 'nothing is left behind');
    const link = join(dir, 'link.json');
    symlinkSync('/proc/bdt-gym-no-such-dir/x.json', link);
    assert.throws(() => checkOutputPath('out', link), (e: unknown) => e instanceof CliError && (e as Error).message === `--out ${link}: cannot create /proc/bdt-gym-no-such-dir/x.json, where the symlink points (ENOENT: no such file or directory)`);
    // compare refuses them before any episode: it lost them all at the write
    for (const out of [long, link, `${dir}/newdir/`]) {
      const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '3', '--out', out);
      assert.equal(result.status, 1, out);
      assert.equal(result.stdout, '', `no episode ran for ${out}`);
      assert.match(result.stderr, /^bdt-gym: --out .*: (cannot create|names a directory)/);
    }
    // a new file in new directories passes, and leaves neither behind; one through a dangling symlink too
    const fresh = join(dir, 'p', 'q', 'r.json');
    checkOutputPath('out', fresh);
    assert.ok(!existsSync(join(dir, 'p')));
    const dangling = join(dir, 'dangling.json');
    symlinkSync(join(dir, 's', 't.json'), dangling);
    checkOutputPath('out', dangling);
    assert.ok(!existsSync(join(dir, 's')));
    assert.deepEqual(readdirSync(dir).sort(), ['dangling.json', 'link.json']);
    // a chain of symlinks is followed to its end, where the write creates the file (the probe was made beside the second link)
    const chain = join(dir, 'chain.json');
    symlinkSync('link.json', chain);
    assert.throws(() => checkOutputPath('out', chain), (e: unknown) => e instanceof CliError && (e as Error).message === `--out ${chain}: cannot create /proc/bdt-gym-no-such-dir/x.json, where the symlink points (ENOENT: no such file or directory)`);
    // a loop of symlinks is refused before the work, naming the path (the write failed after it)
    const loop = join(dir, 'loop.json');
    symlinkSync('loop2.json', loop);
    symlinkSync('loop.json', join(dir, 'loop2.json'));
    assert.throws(() => checkOutputPath('out', loop), (e: unknown) => e instanceof CliError && (e as Error).message.startsWith(`--out ${loop}: cannot create the file (ELOOP: ${loop} is a loop of symbolic links`));
    // a file on the way
    writeFileSync(join(dir, 'file.txt'), '');
    const underFile = join(dir, 'file.txt', 'x', 'y.json');
    assert.throws(() => checkOutputPath('out', underFile), (e: unknown) => e instanceof CliError && (e as Error).message === `--out ${underFile}: cannot create the file (ENOTDIR: not a directory)`);
  });

  it('a path longer than a path may be (PATH_MAX), each of its names short enough, is refused before any work: compare ran every episode, then failed to write', function () {
    if (process.platform !== 'linux') this.skip(); // PATH_MAX 4096
    const dir = mkdtempSync(join(tmpdir(), 'bdt-out-'));
    const long = join(dir, ...Array.from({ length: 25 }, () => 'b'.repeat(200)), 'r.json');
    assert.throws(() => checkOutputPath('out', long), (e: unknown) => e instanceof CliError && (e as Error).message === `--out ${long}: cannot create the file (ENAMETOOLONG: name too long: the path has ${Buffer.byteLength(long)} bytes, more than a path may have)`);
    assert.throws(() => checkCanCreateFilesIn('out', long), (e: unknown) => e instanceof CliError && (e as Error).message.startsWith(`--out ${long}: cannot create the directory (ENAMETOOLONG: name too long: the path has `));
    const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '3', '--out', long);
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stdout, '', 'no episode ran');
    assert.deepEqual(readdirSync(dir), [], 'nothing was created');
  });

  it("a probe killed before it removed its file leaves it no longer than its process: the next probe there removes it once that process is gone", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-out-'));
    // killed between making the probe file and removing it
    const { rmSync } = fs;
    fs.rmSync = (() => {}) as typeof fs.rmSync;
    syncBuiltinESMExports();
    try {
      checkOutputPath('out', join(dir, 'r.json'));
    } finally {
      fs.rmSync = rmSync;
      syncBuiltinESMExports();
    }
    const [left, ...more] = readdirSync(dir);
    assert.ok(left !== undefined && more.length === 0, 'the probe file is left');
    assert.ok(left.includes(String(process.pid)), `named after its process: ${left}`);
    // as a process that is gone left it, two minutes ago
    const killed = join(dir, left.replace(String(process.pid), String(DEAD_PID)));
    renameSync(join(dir, left), killed);
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(killed, twoMinutesAgo, twoMinutesAgo);
    checkOutputPath('out', join(dir, 'r.json'));
    checkCanCreateFilesIn('out', join(dir, 'run'));
    assert.deepEqual(readdirSync(dir), [], 'the next probe removed it');
  });

  it('probes a file in new directories without making them: a parallel command writing into the same new directory lost it when the probe removed it', async function () {
    if (process.platform !== 'linux') this.skip(); // fs.watch names each entry made
    const dir = mkdtempSync(join(tmpdir(), 'bdt-out-'));
    const made: string[] = [];
    const watcher = watch(dir, (_event, name) => made.push(String(name)));
    try {
      checkOutputPath('out', join(dir, 'p', 'q', 'r.json'));
      for (let waited = 0; made.length === 0 && waited < 5000; waited += 20) await sleep(20);
      await sleep(100);
    } finally {
      watcher.close();
    }
    assert.ok(made.length > 0, 'the probe made its file in the nearest existing directory');
    assert.deepEqual(made.filter((name) => !/^\.bdt-gym-\d+-\d+-[0-9a-f]+-[0-9a-f]{8}\.tmp$/.test(name)), [], 'nothing but the probe file (named as a temp file) was made there');
    assert.deepEqual(readdirSync(dir), []);
  });

  it('plural: the noun plural unless the count is 1', () => {
    assert.deepEqual([plural(0, 'slot'), plural(1, 'slot'), plural(2, 'episode'), plural(1, 'trace file')], ['0 slots', '1 slot', '2 episodes', '1 trace file']);
  });

  it('compare --out, sweep-v --plot and run --save-trace use the check; sweep-v and check-dpra refuse --env with --scenario', async () => {
    for (const [module, args, message] of [
      [compareCommand, ['compare', '--out', tmpdir()], /--out .*: is a directory/],
      [sweepVCommand, ['sweep-v', '--plot', ''], /--plot: give a file name/],
      // the figure is SVG whatever the name says
      [sweepVCommand, ['sweep-v', '--plot', join(tmpdir(), 'bdt-sweep.png')], /^--plot .*bdt-sweep\.png: figures are written as SVG; give a file name ending in \.svg$/],
      [runCommand, ['run', '--env', 'BDT-small-v0', '--save-trace', tmpdir()], /--save-trace .*: is a directory/],
      // extname('v.svg/') is .svg: the SVG check alone let it through
      [sweepVCommand, ['sweep-v', '--plot', join(tmpdir(), 'bdt-no-such-dir', 'v.svg/')], /^--plot .*v\.svg\/: names a directory; give a file name$/],
      [sweepVCommand, ['sweep-v', '--env', 'BDT-v0', '--scenario', 'configs/small.json'], /give one of --env <id> and --scenario <file>, not both/],
      [checkDpraCommand, ['check-dpra', '--env', 'BDT-v0', '--scenario', 'configs/small.json'], /give one of --env <id> and --scenario <file>, not both/],
    ] as const) {
      await assert.rejects(run(module, [...args]), (e: unknown) => e instanceof CliError && message.test((e as Error).message), args.join(' '));
    }
  });
});

describe('bdt-gym run: --plot and --save-trace', () => {
  it('are refused when they name one file by different paths (compared as strings, the plot overwrote the trace)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-plot-trace-'));
    const link = join(dir, 'link');
    symlinkSync(dir, link);
    for (const plot of [`${dir}/./t.svg`, join(link, 't.svg'), join(dir, 'sub', '..', 't.svg')]) {
      await assert.rejects(run(runCommand, ['run', '--env', 'BDT-small-v0', '--slots', '2', '--save-trace', join(dir, 't.svg'), '--plot', plot]), (e: unknown) => e instanceof CliError && (e as Error).message === '--plot and --save-trace name the same file; give each its own', plot);
    }
    assert.deepEqual(readdirSync(dir), ['link'], 'nothing written');
  });
});

describe('bdt-gym: numeric options are decimal numbers a double holds', () => {
  it('hex, octal, binary and Infinity are refused (--seed 0x10 ran seed 16), naming the option and the value', () => {
    for (const value of ['0x10', '0o10', '0b10', 'Infinity', '1_000']) {
      assert.throws(() => integerOption('seed', value, 0), (e: unknown) => e instanceof CliError && (e as Error).message === `--seed: expected an integer >= 0, got ${JSON.stringify(value)} (write numbers in decimal)`, value);
    }
    assert.throws(() => numberOption('tolerance', '-0x1', (x) => x >= 0 && x < 1, 'a number in [0, 1)'), (e: unknown) => e instanceof CliError && /^--tolerance: expected a number in \[0, 1\), got "-0x1" \(write numbers in decimal\)$/.test((e as Error).message));
  });

  it('a literal that underflows to 0 or overflows to Infinity is refused; decimal forms are taken', () => {
    assert.throws(() => numberOption('queue-scale', '1e-400', (x) => x >= 0, 'a number >= 0'), (e: unknown) => e instanceof CliError && (e as Error).message === '--queue-scale: expected a number >= 0, got "1e-400" (beyond the range of a double: it reads as 0)');
    assert.throws(() => integerOption('slots', '1e400', 1), (e: unknown) => e instanceof CliError && (e as Error).message === '--slots: expected an integer >= 1, got "1e400" (beyond the range of a double: it reads as Infinity)');
    assert.deepEqual(
      ['0', '0.0', '0e5', ' 12 ', '1e3', '2.5E-1', '.5', '5.', '+3'].map((value) => numberOption('x', value, () => true, 'a number')),
      [0, 0, 0, 12, 1000, 0.25, 0.5, 5, 3],
    );
  });
});

describe('bdt-gym: lists of seeds take ranges', () => {
  const refused = (value: string, message: string) =>
    assert.throws(() => integerList('seeds', value, 0), (e: unknown) => e instanceof CliError && (e as Error).message === message, value);

  it('first-last is every integer from first to last, mixed with single ones in the order given', () => {
    assert.deepEqual(integerList('seeds', '4-13', 0), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert.deepEqual(integerList('seeds', '1, 4 - 6,9', 0), [1, 4, 5, 6, 9]);
    assert.deepEqual(integerList('seeds', '7-7', 0), [7]);
  });

  it('a downward, oversized or overlapping range, or one below the minimum, is refused naming the option and the range', () => {
    refused('13-4', '--seeds: the range "13-4" runs downward; write it 4-13');
    refused('0-100000', '--seeds: the range "0-100000" holds 100001 integers; a range holds at most 100000');
    refused('1-5,3', '--seeds: 3 appears twice; give each value once');
    refused('2-4,4-6', '--seeds: 4 appears twice; give each value once');
    assert.throws(() => integerList('slots', '0-3', 1), (e: unknown) => e instanceof CliError && (e as Error).message === '--slots: expected an integer >= 1, got "0"');
    // a leading '-' is a negative number, not a range
    refused('-3', '--seeds: expected an integer >= 0, got "-3"');
    refused('1--3', '--seeds: expected an integer >= 0, got "1--3" (write numbers in decimal)');
  });

  it('integerRanges writes runs of three or more as ranges, which integerList reads back', () => {
    for (const [values, text] of [[[1, 4, 5, 6, 7, 9], '1, 4-7, 9'], [[14, 15], '14, 15'], [[3, 2, 1], '3, 2, 1'], [[], ''], [[0, 1, 2, 10, 11, 12, 13], '0-2, 10-13']] as const) {
      assert.equal(integerRanges(values), text);
      if (values.length > 0) assert.deepEqual(integerList('seeds', text, 0), values);
    }
  });

  it('a value repeated at the end of a long range is found', () => {
    assert.equal(integerList('seeds', '0-99999', 0).length, 100_000);
    refused('0-99999,99999', '--seeds: 99999 appears twice; give each value once');
  });
});

describe('bdt-gym: the words of the command line', () => {
  it('an option given no value before the next option is refused naming it (the next option was taken as its value, and its own value as too many arguments)', () => {
    const cases: [string[], string][] = [
      [['run', '--seed', '--slots', '2'], 'bdt-gym: --seed: expected its value <n>, got "--slots" (an option\'s value cannot start with --)\n'],
      [['run', '--seed', '--slots'], 'bdt-gym: --seed: expected its value <n>, got "--slots" (an option\'s value cannot start with --)\n'],
      [['train', '--steps', '--env', 'CartPole-v1'], 'bdt-gym: --steps: expected its value <n>, got "--env" (an option\'s value cannot start with --)\n'],
      // options with parsers of their own (repeatable ones), and the global --import
      [['compare', '--checkpoint', '--seeds', '1'], 'bdt-gym: --checkpoint: expected its value <label=dir>, got "--seeds" (an option\'s value cannot start with --)\n'],
      [['--import', '--slots', 'run'], 'bdt-gym: --import: expected its value <module>, got "--slots" (an option\'s value cannot start with --)\n'],
    ];
    for (const [args, stderr] of cases) {
      const result = cli(...args);
      assert.equal(result.status, 1, args.join(' '));
      assert.equal(result.stderr, stderr, args.join(' '));
    }
    // values that only hold dashes inside, or one, are values; repeated options still collect
    const dir = mkdtempSync(join(tmpdir(), 'bdt-words-'));
    assert.equal(cli('run', '--env', 'BDT-small-v0', '--slots', '2', '--save-trace', join(dir, 'a--b.json')).status, 0);
    assert.match(cli('run', '--seed', '-1').stderr, /^bdt-gym: --seed: expected an integer >= 0, got "-1"\n$/);
    assert.match(cli('compare', '--checkpoint', 'a=x', '--checkpoint', 'b=y').stderr, /^bdt-gym: --checkpoint a=x: /);
  });

  it('an unknown option is named before a missing required one (train --ouy runs/x said only that --out was missing)', () => {
    for (const [args, stderr] of [
      [['train', '--ouy', 'runs/x'], "error: unknown option '--ouy'\n(Did you mean --out?)\n(add --help for usage)\n"],
      [['evaluate', '--checkpiont', 'models/ppo-bdt-v0'], "error: unknown option '--checkpiont'\n(Did you mean --checkpoint?)\n(add --help for usage)\n"],
      [['train'], "error: required option '--out <dir>' not specified\n(add --help for usage)\n"],
      [['evaluate', '--episodes', '1'], "error: required option '--checkpoint <dir>' not specified\n(add --help for usage)\n"],
    ] as const) {
      const result = cli(...args);
      assert.equal(result.status, 1, args.join(' '));
      assert.equal(result.stderr, stderr, args.join(' '));
      assert.equal(result.stdout, '');
    }
  });

  it('help of an unknown command says it is unknown, as the command would (it printed the root help with exit 1, never saying why)', () => {
    for (const [args, message] of [
      [['help', 'nope'], "error: unknown command 'nope'\n(add --help for usage)\n"],
      [['help', 'compar'], "error: unknown command 'compar'\n(Did you mean compare?)\n(add --help for usage)\n"],
    ] as const) {
      const result = cli(...args);
      assert.equal(result.status, 1);
      assert.equal(result.stderr, message);
      assert.equal(result.stdout, '');
    }
    const known = cli('help', 'compare');
    assert.equal(known.status, 0);
    assert.match(known.stdout, /^Usage: bdt-gym compare \[options\]/);
    const root = cli('help');
    assert.equal(root.status, 0);
    assert.match(root.stdout, /^Usage: bdt-gym \[options\] \[command\]/);
  });
});

describe('bdt-gym: --env resolves ids as make does', () => {
  it('an unversioned id is its latest version (with make\'s warning); an unknown one is refused with the closest registered name', () => {
    const { result, warnings } = captureWarnings(() => registeredEnvOption('CartPole'));
    assert.equal(result, 'CartPole-v1');
    assert.deepEqual(warnings, ['Using the latest versioned environment `CartPole-v1` instead of the unversioned environment `CartPole`.']);
    assert.throws(() => registeredEnvOption('CartPol-v1'), (e: unknown) => e instanceof CliError && /^--env: unknown env "CartPol-v1"\. Did you mean "CartPole"\? \(registered: CartPole-v0, CartPole-v1, .*\); for an env id of your own/.test((e as Error).message));
  });
});

describe('bdt-gym: an output directory still to be made is probed without making it', () => {
  it('train --out new/run creates no directory to find out (two runs started together into a new parent refused each other, or one removed the directory the other had made)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-probe-'));
    const made: string[] = [];
    const { mkdirSync, rmdirSync } = fs;
    // the named imports of node:fs in cli/options.ts see these once synced
    fs.mkdirSync = ((path: fs.PathLike) => {
      made.push(String(path));
      throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${String(path)}'`), { code: 'EEXIST' }); // as when another run made it first
    }) as typeof fs.mkdirSync;
    fs.rmdirSync = ((path: fs.PathLike) => {
      made.push(`removed ${String(path)}`);
    }) as typeof fs.rmdirSync;
    syncBuiltinESMExports();
    try {
      checkCanCreateFilesIn('out', join(dir, 'results', 'run'));
    } finally {
      fs.mkdirSync = mkdirSync;
      fs.rmdirSync = rmdirSync;
      syncBuiltinESMExports();
    }
    assert.deepEqual(made, []);
    assert.deepEqual(readdirSync(dir), [], 'nothing left behind');
    // a file on the way, or a name too long, is still refused
    writeFileSync(join(dir, 'results'), '');
    assert.throws(() => checkCanCreateFilesIn('out', join(dir, 'results', 'run')), (e: unknown) => e instanceof CliError && /^--out .*results\/run: cannot create the directory \(ENOTDIR: not a directory\)$/.test((e as Error).message));
    assert.throws(() => checkCanCreateFilesIn('out', join(dir, 'x'.repeat(256), 'run')), (e: unknown) => e instanceof CliError && /: cannot create the directory \(ENAMETOOLONG: /.test((e as Error).message));
  });
});
