/**
 * The errors that describe bad input (a file, an option, a checkpoint, an agent's name), not a
 * bug: the CLI reports them in one line, where a bug keeps its stack trace.
 */
import { ScenarioError } from '../env/bdt/scenario/parse.ts';
import { DnnSpecError } from '../env/bdt/dnn/errors.ts';
import { GymError } from '../env/core/errors.ts';
import { UnknownAgentError } from '../baselines/create-agent.ts';
import { CheckpointError } from '../agents/checkpoint/checkpoint-error.ts';
import { FileWriteError } from '../node/atomic-write.ts';

const USER_ERRORS = [ScenarioError, CheckpointError, UnknownAgentError, GymError, DnnSpecError, FileWriteError];

/** Whether `error` describes bad input rather than a bug. */
export function isUserError(error: unknown): boolean {
  return USER_ERRORS.some((kind) => error instanceof kind);
}

/** What the CLI shows of a bug: its stack trace (its message when it has none). */
export function bugText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
