import assert from 'node:assert/strict';
import { Command } from 'commander';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as benchCommand from '../../cli/commands/bench.ts';
import * as checkDpraCommand from '../../cli/commands/check-dpra.ts';
import * as compareCommand from '../../cli/commands/compare.ts';
import * as runCommand from '../../cli/commands/run.ts';
import * as sweepVCommand from '../../cli/commands/sweep-v.ts';
import * as scenarioSchemaCommand from '../../cli/commands/scenario-schema.ts';
import { CliError } from '../../cli/errors.ts';
import { checkOutputPath } from '../../cli/options.ts';

function run(module: { register(program: Command): void }, args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  module.register(program);
  return program.parseAsync(args, { from: 'user' });
}

describe('bdt-gym bench and scenario-schema: bad input', () => {
  it('bench --filter matching no case is refused, listing the cases (an empty table read as a result)', async () => {
    await assert.rejects(run(benchCommand, ['bench', '--filter', 'no-such-case']), (e: unknown) => e instanceof CliError && /--filter "no-such-case" matches no case \(cases: cartpole\/raw, /.test((e as Error).message));
  });

  it('scenario-schema --out with an empty file name is refused (it printed to stdout)', async () => {
    await assert.rejects(run(scenarioSchemaCommand, ['scenario-schema', '--out', '']), (e: unknown) => e instanceof CliError && /--out: give a file name/.test((e as Error).message));
  });
});

describe('bdt-gym: output paths and option pairs are checked before any work', () => {
  it('an empty or directory output path is refused up front (results were computed, then lost at the write)', () => {
    assert.throws(() => checkOutputPath('out', ''), (e: unknown) => e instanceof CliError && /^--out: give a file name$/.test((e as Error).message));
    assert.throws(() => checkOutputPath('plot', tmpdir()), (e: unknown) => e instanceof CliError && new RegExp(`^--plot ${tmpdir()}: is a directory; give a file name$`).test((e as Error).message));
    checkOutputPath('out', join(tmpdir(), 'no-such-dir', 'result.json'));
    checkOutputPath('out', undefined);
  });

  it('compare --out, sweep-v --plot and run --save-trace use the check; sweep-v and check-dpra refuse --env with --scenario', async () => {
    for (const [module, args, message] of [
      [compareCommand, ['compare', '--out', tmpdir()], /--out .*: is a directory/],
      [sweepVCommand, ['sweep-v', '--plot', ''], /--plot: give a file name/],
      [runCommand, ['run', '--env', 'BDT-small-v0', '--save-trace', tmpdir()], /--save-trace .*: is a directory/],
      [sweepVCommand, ['sweep-v', '--env', 'BDT-v0', '--scenario', 'configs/small.json'], /give one of --env <id> and --scenario <file>, not both/],
      [checkDpraCommand, ['check-dpra', '--env', 'BDT-v0', '--scenario', 'configs/small.json'], /give one of --env <id> and --scenario <file>, not both/],
    ] as const) {
      await assert.rejects(run(module, [...args]), (e: unknown) => e instanceof CliError && message.test((e as Error).message), args.join(' '));
    }
  });
});
