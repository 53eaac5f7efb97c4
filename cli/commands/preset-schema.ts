/** `bdt-gym preset-schema [--out FILE]`: write the agent preset JSON Schema (configs/agents/preset.schema.json). */
import type { Command } from 'commander';
import { presetJsonSchemaText } from '../../agents/run/preset-json-schema.ts';
import { writeFileAtomic } from '../../node/atomic-write.ts';
import { checkNotAnInput, checkOutputPath } from '../options.ts';

export function register(program: Command): void {
  program
    .command('preset-schema')
    .description('print the JSON Schema of agent preset files (or write it with --out)')
    .option('--out <file>', 'write to this file (atomically) instead of stdout (e.g. configs/agents/preset.schema.json)')
    .action((options: { out?: string }) => {
      const text = presetJsonSchemaText();
      checkOutputPath('out', options.out);
      checkNotAnInput('out', options.out, []); // it reads no file but the --import modules
      if (options.out) writeFileAtomic(options.out, text);
      else process.stdout.write(text);
    });
}
