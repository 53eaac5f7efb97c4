/**
 * The `bdt-gym` command line. Each command lives in `cli/commands/<name>.ts` and exports
 * `register(program)`. Parsing is commander's (the de-facto standard: typed options, generated
 * `--help` for every command, subcommands), so no hand-written argv handling lives here.
 */
import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';
import { CliError, zodIssueLines } from './errors.ts';
import { ScenarioError } from '../env/bdt/scenario/parse.ts';
import { DnnSpecError } from '../env/bdt/dnn/errors.ts';
import { GymError } from '../env/core/errors.ts';
import { UnknownAgentError } from '../baselines/create-agent.ts';
import { CheckpointError } from '../agents/checkpoint/checkpoint.ts';
import { FileWriteError } from '../node/atomic-write.ts';
import { registerLearnedAgents } from '../agents/register-learned-agents.ts';
import * as runCommand from './commands/run.ts';
import * as scenarioSchemaCommand from './commands/scenario-schema.ts';
import * as checkEnvCommand from './commands/check-env.ts';
import * as benchCommand from './commands/bench.ts';
import * as trainCommand from './commands/train.ts';
import * as compareCommand from './commands/compare.ts';
import * as checkDpraCommand from './commands/check-dpra.ts';
import * as sweepVCommand from './commands/sweep-v.ts';
import * as evaluateCommand from './commands/evaluate.ts';
import * as curvesCommand from './commands/curves.ts';
import * as serveCommand from './commands/serve.ts';

/** Errors that describe bad input (a file, an option, a checkpoint), not a bug: no stack trace. */
const USER_ERRORS = [ScenarioError, CheckpointError, UnknownAgentError, GymError, DnnSpecError, FileWriteError];

const program = new Command('bdt-gym')
  .description('Gymnasium-style RL gym for the blockchain-enabled digital twin (B-DT) system')
  .version('0.1.0')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

// Learned agents join the scripted ones in createAgent's registry (baselines/ cannot import agents/).
registerLearnedAgents();

// Commands register themselves here, one line each.
const commandModules = [compareCommand, runCommand, scenarioSchemaCommand, checkEnvCommand, benchCommand, trainCommand, evaluateCommand, curvesCommand, checkDpraCommand, sweepVCommand, serveCommand] as Array<{ register(program: Command): void }>;
for (const module of commandModules) module.register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

/** One clear line for the user; stack traces only for genuine bugs. */
function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode; // commander already printed it
  if (error instanceof CliError) {
    process.stderr.write(`bdt-gym: ${error.message}\n`);
    return error.exitCode;
  }
  if (USER_ERRORS.some((kind) => error instanceof kind)) {
    process.stderr.write(`bdt-gym: ${(error as Error).message}\n`);
    return 1;
  }
  if (error instanceof ZodError) {
    process.stderr.write(`bdt-gym: invalid input\n${zodIssueLines(error).map((line) => `  ${line}`).join('\n')}\n`);
    return 1;
  }
  process.stderr.write(`bdt-gym: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 70;
}
