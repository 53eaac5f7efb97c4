/** Runs `bdt-gym train` (and evaluate, run) in this process, as bin/bdt-gym.js would, for tests that inject failures. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import * as evaluateCommand from '../../cli/commands/evaluate.ts';
import * as runCommand from '../../cli/commands/run.ts';
import * as trainCommand from '../../cli/commands/train.ts';
import { refuseWithoutRequiredOptions } from '../../cli/help-text.ts';

export interface CliResult {
  readonly error: unknown;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command capturing stdout, stderr and the error it throws (main.ts prints a CliError as one line, exit 1). */
export async function bdtGym(...args: string[]): Promise<CliResult> {
  const program = new Command('bdt-gym').exitOverride();
  for (const command of [trainCommand, evaluateCommand, runCommand]) command.register(program);
  for (const command of program.commands) refuseWithoutRequiredOptions(command); // as cli/main.ts
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  let error: unknown;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (thrown) {
    error = thrown;
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
  return { error, stdout, stderr };
}

/** Every file under `dir` with its bytes, to compare a run directory before and after. */
export function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[path.slice(dir.length)] = readFileSync(path).toString('base64');
    }
  };
  walk(dir);
  return files;
}
