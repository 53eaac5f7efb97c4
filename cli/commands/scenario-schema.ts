/** `bdt-gym scenario-schema [--out FILE]`: write the scenario JSON Schema (configs/scenario.schema.json). */
import type { Command } from 'commander';
import { scenarioJsonSchemaText } from '../../env/bdt/scenario/json-schema.ts';
import { writeFileAtomic } from '../../node/atomic-write.ts';
import { checkNotAnInput, checkOutputPath } from '../options.ts';

export function register(program: Command): void {
  program
    .command('scenario-schema')
    .description('print the JSON Schema of scenario files (or write it with --out)')
    .option('--out <file>', 'write to this file (atomically) instead of stdout (e.g. configs/scenario.schema.json)')
    .action((options: { out?: string }) => {
      const text = scenarioJsonSchemaText();
      checkOutputPath('out', options.out);
      checkNotAnInput('out', options.out, []); // it reads no file but the --import modules
      if (options.out) writeFileAtomic(options.out, text);
      else process.stdout.write(text);
    });
}
