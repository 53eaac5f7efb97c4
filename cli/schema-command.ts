/** The `scenario-schema` and `preset-schema` commands: print a committed JSON Schema, or write it with --out. */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../node/atomic-write.ts';
import { examplesHelp } from './help-text.ts';
import { checkNotAnInput, checkOutputPath } from './options.ts';

/** Registers command `name`, which prints `text()` (the schema of `files`) or writes it to --out (`committedAt`, the repository's copy). */
export function registerSchemaCommand(program: Command, name: string, files: string, committedAt: string, text: () => string): void {
  program
    .command(name)
    .description(`print the JSON Schema of ${files} (or write it with --out)`)
    .option('--out <file>', `write to this file (atomically) instead of stdout (e.g. ${committedAt}; - is stdout)`)
    .addHelpText('after', examplesHelp(`bdt-gym ${name}`, `bdt-gym ${name} --out ${basename(committedAt)}`))
    .action((options: { out?: string }) => {
      const schema = text();
      const out = options.out === '-' ? undefined : options.out;
      checkOutputPath('out', out);
      checkNotAnInput('out', out, []); // it reads no file but the --import modules
      if (out) writeFileAtomic(out, schema);
      else process.stdout.write(schema);
    });
}
