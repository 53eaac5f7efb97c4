import assert from 'node:assert/strict';
import { Command } from 'commander';
import * as benchCommand from '../../cli/commands/bench.ts';
import * as scenarioSchemaCommand from '../../cli/commands/scenario-schema.ts';
import { CliError } from '../../cli/errors.ts';

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
