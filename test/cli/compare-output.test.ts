/** What `bdt-gym compare` shows on a terminal: its tables' layout, its progress bar's label, where it says the result went. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import * as compareCommand from '../../cli/commands/compare.ts';
import { formatMeanInterval, formatSignedMeanInterval, type MeanInterval } from '../../baselines/harness/statistics.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

/** A table of compare's output: the heading above it, its lines (header, dashes, rows) and their cells, cut at the dashes' columns. */
interface Table {
  readonly heading: string;
  readonly lines: readonly string[];
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** The tables of compare's text output, in order: each block of lines whose third is a row of dashes. */
function tablesOf(stdout: string): Table[] {
  return stdout
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line !== ''))
    .filter((lines) => /^-+( +-+)*$/.test(lines[2] ?? ''))
    .map(([heading, ...lines]) => {
      const spans = [...lines[1]!.matchAll(/-+/g)].map((dashes) => [dashes.index, dashes.index + dashes[0].length] as const);
      const cells = (line: string) => spans.map(([from, to]) => line.slice(from, to).trim());
      return { heading: heading!, lines, header: cells(lines[0]!), rows: lines.slice(2).map(cells) };
    });
}

type Row = { agent: string; msPerSlot: number } & Record<'meanLatency' | 'meanReward' | 'c6Violation' | 'energyViolations' | 'meanBacklog' | 'latencyVsFirst' | 'rewardVsFirst', MeanInterval>;

describe('bdt-gym compare on a terminal', function () {
  this.timeout(300_000);

  it('prints the default comparison (npm start) as two tables under headings, per agent then paired with dpra, within 100 columns, with every figure and interval of --out', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const result = cli('compare', '--out', out);
    assert.equal(result.status, 0, result.stderr);
    const wide = result.stdout.split('\n').filter((line) => line.length > 100);
    assert.deepEqual(wide, [], `lines over 100 columns wrap in a 100-column terminal:\n${result.stdout}`);
    const tables = tablesOf(result.stdout);
    assert.equal(tables.length, 2, result.stdout);
    const [perAgent, paired] = tables as [Table, Table];
    assert.match(perAgent.heading, /^Per agent: mean ± 95% CI over the 3 traces/);
    assert.match(paired.heading, /^Paired: each agent minus dpra on the same traces, ± 95% CI \(--json pairs every metric\)$/);
    assert.deepEqual(perAgent.header, ['agent', 'latency (s)', 'reward (-Psi)', 'C6 violation', 'energy viol.', 'backlog', 'ms/slot']);
    assert.deepEqual(paired.header, ['agent', 'latency vs dpra (s)', 'reward vs dpra']);
    const rows = JSON.parse(readFileSync(out, 'utf8')).agents as Row[];
    assert.deepEqual(
      perAgent.rows,
      rows.map((r) => [r.agent, formatMeanInterval(r.meanLatency, 4), formatMeanInterval(r.meanReward, 3), formatMeanInterval(r.c6Violation, 4), r.energyViolations.mean.toFixed(1), r.meanBacklog.mean.toFixed(3), r.msPerSlot.toFixed(3)]),
    );
    assert.deepEqual(
      paired.rows,
      rows.map((r, i) => (i === 0 ? [r.agent, 'ref', 'ref'] : [r.agent, formatSignedMeanInterval(r.latencyVsFirst, 4), formatSignedMeanInterval(r.rewardVsFirst, 3)])),
    );
    // one agent column for both
    assert.equal(perAgent.lines[1]!.indexOf(' '), paired.lines[1]!.indexOf(' '));
  });

  it('widens only the agent column for a long label; --no-timing leaves out the ms/slot column only', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
    const long = 'ppo-seed-7-lr-3e-4-entropy-0.01-2M-steps';
    const tables = (label: string, ...extra: string[]) => {
      const result = cli('compare', '--agents', 'dpra,random', '--checkpoint', `${label}=models/ppo-bdt-v0`, '--seeds', '1,2', '--slots', '3', '--out', out, ...extra);
      assert.equal(result.status, 0, result.stderr);
      return tablesOf(result.stdout);
    };
    const short = tables('p', '--no-timing');
    const widened = tables(long, '--no-timing');
    assert.equal(short.length, 2);
    for (const [i, table] of short.entries()) {
      const wide = widened[i]!;
      // the agent column of the short run: 'random', its longest cell
      for (const [j, line] of table.lines.entries()) {
        assert.equal(wide.lines[j]!.length - line.length, long.length - 'random'.length, wide.lines[j]);
        assert.equal(wide.lines[j]!.slice(long.length), line.slice('random'.length), 'the other columns as they were');
      }
      assert.deepEqual(wide.rows.map((row) => row[0]), ['dpra', 'random', long]);
    }
    const timed = tables('p');
    assert.deepEqual(timed[0]!.header, [...short[0]!.header, 'ms/slot']);
    assert.deepEqual(timed[1]!.header, short[1]!.header);
  });

  it('names consecutive seeds as a range in its title (--seeds 14-33 listed twenty), and prints no paired table for one agent (a lone row of ref)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-compare-title-'));
    const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--seeds', '2,14-33,40,41', '--slots', '2', '--no-timing', '--out', join(dir, 'c.json'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.split('\n')[0], 'BDT-small-v0: 1 agent x 23 seeds (2, 14-33, 40, 41), 2 slots each, identical traces per seed');
    assert.deepEqual(tablesOf(result.stdout).map((t) => t.heading), ['Per agent: mean ± 95% CI over the 23 traces; energy viol. and backlog: means (CIs in --json)']);
    assert.doesNotMatch(result.stdout, /Paired/);
  });

  it('says where the full result went from the directory npm was started in (INIT_CWD), where npm start ran it in the package root', () => {
    const root = mkdtempSync(join(tmpdir(), 'bdt-compare-root-'));
    const typedIn = join(root, 'docs');
    mkdirSync(typedIn);
    const compare = (env: Record<string, string | undefined>) => {
      const result = spawnSync(process.execPath, [bin, 'compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '3', '--out', 'results/compare.json'], { encoding: 'utf8', cwd: root, env: { ...process.env, INIT_CWD: undefined, ...env } });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.split('\n').at(-2);
    };
    assert.equal(compare({ INIT_CWD: typedIn }), `full result: ${join(root, 'results', 'compare.json')}`);
    assert.equal(compare({ INIT_CWD: root }), 'full result: results/compare.json', 'typed in the package root: the path as given');
    assert.equal(compare({}), 'full result: results/compare.json', 'not run by npm');
  });

  it("labels its progress bar with the agent whose episode is running, not the one that just finished", async () => {
    const stderr = process.stderr;
    const { write: writeOut } = process.stdout;
    const { write: writeErr, isTTY } = stderr;
    const { update } = SingleBar.prototype;
    const term = process.env['TERM'];
    let drawn = '';
    // a terminal, drawn at every update (cli-progress draws at most every 100 ms, at its timer's will)
    stderr.isTTY = true;
    process.env['TERM'] = 'xterm';
    stderr.write = ((chunk: string) => ((drawn += chunk), true)) as typeof stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    SingleBar.prototype.update = function (this: SingleBar, ...args: Parameters<SingleBar['update']>) {
      (update as (...a: unknown[]) => void).apply(this, args);
      (this as unknown as { render(): void }).render();
    } as SingleBar['update'];
    try {
      const program = new Command('bdt-gym').exitOverride();
      compareCommand.register(program);
      const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'compare.json');
      await program.parseAsync(['compare', '--env', 'BDT-small-v0', '--agents', 'dpra,random', '--seeds', '1,2', '--slots', '3', '--out', out], { from: 'user' });
    } finally {
      SingleBar.prototype.update = update;
      stderr.write = writeErr;
      process.stdout.write = writeOut;
      stderr.isTTY = isTTY;
      if (term === undefined) delete process.env['TERM'];
      else process.env['TERM'] = term;
    }
    const shown = [...new Set([...drawn.matchAll(/(\d\/4) episodes \| ([\w-]+)/g)].map((match) => `${match[1]} ${match[2]}`))];
    assert.deepEqual(shown, ['0/4 dpra', '1/4 dpra', '2/4 random', '3/4 random', '4/4 random']);
  });
});
