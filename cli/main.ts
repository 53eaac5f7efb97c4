/**
 * The `bdt-gym` command line. Each command lives in `cli/commands/<name>.ts` and exports
 * `register(program)`. Parsing is commander's (the de-facto standard: typed options, generated
 * `--help` for every command, subcommands); argv is read by hand only for what must be known
 * before commander is built: which command's module to load, and, for `--help`, the `--import`
 * modules that load first.
 */
import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';
import { READER_GONE_EXIT_CODES, endQuietlyOnBrokenPipe } from './broken-pipe.ts';
import { CliError, FailureWithNote, zodIssueLines } from './errors.ts';
import { packageVersion } from './package-info.ts';
import { IMPORT_OPTION_HELP, importUserModules } from './user-modules.ts';
import { bugText, isUserError } from './user-errors.ts';
import { AgentEpisodeError } from '../baselines/harness/run-episode.ts';
import { AgentCreationError } from '../baselines/create-agent.ts';
import { FileWriteError } from '../node/atomic-write.ts';
import { registerLearnedAgentsLazily } from './learned-agents.ts';
import { refuseOptionsAsValues } from './options.ts';
import { refuseWithoutRequiredOptions } from './help-text.ts';
import { rememberPrintedWarnings } from './printed-warnings.ts';

/** The exit statuses of every command, as README.md's "Exit status" gives them. */
const EXIT_STATUS_HELP = `
Exit status:
  0            success (--help and --version too)
  1            a usage error (an unknown command or option, a bad value), a
               user error (a file that cannot be read, an invalid scenario, a
               refused run) or a failed check (check-env, check-dpra)
  70           an internal error or an agent's own bug (its stack trace printed)
  130 143 129  stopped by SIGINT (Ctrl-C), SIGTERM or SIGHUP (train and compare
               first save what they did)
  141          the reader of the output went away (a closed pipe, | head); 129
               for a terminal that hung up`;

/** Each command's module (`register(program)`), loaded when needed. */
const COMMANDS: Record<string, () => Promise<{ register(program: Command): void }>> = {
  compare: () => import('./commands/compare.ts'),
  run: () => import('./commands/run.ts'),
  'scenario-schema': () => import('./commands/scenario-schema.ts'),
  'preset-schema': () => import('./commands/preset-schema.ts'),
  'check-env': () => import('./commands/check-env.ts'),
  'check-scenario': () => import('./commands/check-scenario.ts'),
  bench: () => import('./commands/bench.ts'),
  train: () => import('./commands/train.ts'),
  evaluate: () => import('./commands/evaluate.ts'),
  curves: () => import('./commands/curves.ts'),
  'check-dpra': () => import('./commands/check-dpra.ts'),
  'sweep-v': () => import('./commands/sweep-v.ts'),
  serve: () => import('./commands/serve.ts'),
};

endQuietlyOnBrokenPipe(process.stdout, process.stderr);
// --jobs workers forward their warnings: one this process printed already is not printed again
rememberPrintedWarnings();

const program = new Command('bdt-gym')
  .description('Gymnasium-style RL gym for the blockchain-enabled digital twin (B-DT) system')
  .version(packageVersion())
  .option('--import <module>', IMPORT_OPTION_HELP, (value: string, previous: string[] = []) => [...previous, value])
  .showHelpAfterError('(add --help for usage)')
  .addHelpText('after', EXIT_STATUS_HELP)
  .exitOverride();

// Learned agents join the scripted ones in createAgent's registry (baselines/ cannot import agents/);
// TensorFlow.js loads when one is created.
registerLearnedAgentsLazily();
// The invoked command's module alone (every one for help or an unknown command): a command loads
// no TensorFlow.js or Vega until it needs them, which halves start time and memory (`serve` is
// started once per env by python/).
const args = process.argv.slice(2);
const at = commandIndex(args);
const invoked = args[at];
const names = invoked !== undefined && Object.hasOwn(COMMANDS, invoked) ? [invoked] : Object.keys(COMMANDS);
// commander answers `help <name>` of no command with the root help as an error, never saying why:
// given as `<name>`, it is refused as an unknown command, with the nearest one
const helpOf = args[at + 1];
if (invoked === 'help' && helpOf !== undefined && !helpOf.startsWith('-') && helpOf !== 'help' && !Object.hasOwn(COMMANDS, helpOf)) args.splice(at, 1);
// A command's help lists the agents and env ids of the registries as it is built: for --help, the
// --import modules load first, so that it lists theirs too (a command's run loads them below).
let imported = true;
const importedForHelp = asksForHelp(args, at);
if (importedForHelp) {
  try {
    await importUserModules(importSpecifiers(args));
  } catch (error) {
    process.exitCode = reportError(error);
    imported = false;
  }
}
if (imported) {
  for (const module of await Promise.all(names.map((name) => COMMANDS[name]!()))) module.register(program);
  // A missing required option is refused before the --import modules load, as commander's checks are.
  for (const command of program.commands) refuseWithoutRequiredOptions(command);
  // A hook on each command, added after the command's own (serve's makes stdout the protocol's
  // before a user module could log to it), so every command, serve included, sees what they register.
  // (once: a '-h' taken as an option's value still runs the command)
  for (const command of program.commands) command.hook('preAction', () => (importedForHelp ? undefined : importUserModules(program.opts<{ import?: string[] }>().import ?? [])));
  for (const command of [program, ...program.commands]) refuseOptionsAsValues(command);

  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

/** The index of the command in `args` (the arguments after `bdt-gym`), past the global `--import <module>`s before it. */
function commandIndex(args: readonly string[]): number {
  let i = 0;
  while (args[i] === '--import' || args[i]?.startsWith('--import=')) i += args[i] === '--import' ? 2 : 1;
  return i;
}

/** Whether `args` ask for help: `--help` or `-h` (before any `--`), or the `help` command at `at`. */
function asksForHelp(args: readonly string[], at: number): boolean {
  const end = args.indexOf('--');
  return args[at] === 'help' || args.slice(0, end < 0 ? args.length : end).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * The modules of the global `--import <module>` and `--import=<module>` options, in order, wherever
 * they stand; a value starting with -- is left for commander to refuse (`--import --help`).
 */
function importSpecifiers(args: readonly string[]): string[] {
  const specifiers: string[] = [];
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const value = args[i] === '--import' ? args[i + 1] : args[i]!.startsWith('--import=') ? args[i]!.slice('--import='.length) : undefined;
    if (value === undefined || value.startsWith('--')) continue;
    specifiers.push(value);
    if (args[i] === '--import') i++;
  }
  return specifiers;
}

/** An agent's error: a user error's message, a bug's stack. */
function causeText(cause: unknown): string {
  if (isUserError(cause)) return (cause as Error).message;
  return bugText(cause);
}

/** One clear line for the user; stack traces only for genuine bugs. */
function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode; // commander already printed it
  if (error instanceof FailureWithNote) {
    const exitCode = reportError(error.cause);
    process.stderr.write(`bdt-gym: ${error.note}\n`);
    return exitCode;
  }
  if (error instanceof CliError) {
    process.stderr.write(`bdt-gym: ${error.message}\n`);
    return error.exitCode;
  }
  // an output written through to a pipe (--out /dev/stdout | head) whose reader went away ends as stdout's does
  if (error instanceof FileWriteError && error.code === 'EPIPE') return READER_GONE_EXIT_CODES.EPIPE;
  if (isUserError(error)) {
    process.stderr.write(`bdt-gym: ${(error as Error).message}\n`);
    return 1;
  }
  if (error instanceof AgentEpisodeError) {
    // an agent's own bug (a user's agent, say) keeps its stack; a refused action is one line
    const at = `seed ${error.seed}${error.slot === undefined ? '' : ` at slot ${error.slot}`}`;
    process.stderr.write(`bdt-gym: agent "${error.agent}" failed on ${at}: ${causeText(error.cause)}\n`);
    return isUserError(error.cause) ? 1 : 70;
  }
  if (error instanceof AgentCreationError) {
    // a checkpoint that cannot be read says so in one line (it names the checkpoint); a factory's bug keeps its stack
    if (isUserError(error.cause)) {
      process.stderr.write(`bdt-gym: ${(error.cause as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`bdt-gym: agent "${error.agent}" could not be created: ${causeText(error.cause)}\n`);
    return 70;
  }
  if (error instanceof ZodError) {
    process.stderr.write(`bdt-gym: invalid input\n${zodIssueLines(error).map((line) => `  ${line}`).join('\n')}\n`);
    return 1;
  }
  process.stderr.write(`bdt-gym: internal error: ${bugText(error)}\n`);
  return 70;
}
