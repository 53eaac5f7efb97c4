/**
 * `bdt-gym bench [--json] [--runs N] [--filter text]`: the benchmark suites of bench/run.ts
 * (same as `npm run bench`): each case in a fresh process, its median rate and the ratio to a
 * reference loop timed in that process.
 */
import type { Command } from 'commander';
import { checkFilter, runAndPrint } from '../../bench/run.ts';
import { CliError } from '../errors.ts';
import { examplesHelp, optionWithDefault } from '../help-text.ts';
import { integerOption } from '../options.ts';

export function register(program: Command): void {
  program
    .command('bench')
    .description('measure throughput (e.g. CartPole steps/s raw and through make()) as medians and ratios to a reference loop')
    .option('--json', 'print the report as JSON')
    .addOption(optionWithDefault('--runs <n>', 'timed runs per case (median reported)', '5'))
    .option('--filter <text>', 'only cases whose "suite/case" name contains this')
    .addHelpText('after', examplesHelp('bdt-gym bench --filter cartpole/ --runs 3', 'bdt-gym bench --filter dpra/BDT-small-v0 --json'))
    .action((options: { json?: boolean; runs: string; filter?: string }) => {
      const runs = integerOption('runs', options.runs, 1);
      if (options.filter !== undefined) {
        try {
          checkFilter(options.filter);
        } catch (error) {
          throw new CliError((error as Error).message);
        }
      }
      runAndPrint({ runs, ...(options.json ? { json: true } : {}), ...(options.filter ? { filter: options.filter } : {}) });
    });
}
