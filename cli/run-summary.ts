/**
 * What a `train` run's summary.json records of the env it trained on, for the commands that
 * default to it (`evaluate`, and `train --resume` without --preset).
 */
import { readFileSync } from 'node:fs';
import { CliError } from './errors.ts';

/** How the reading command words a summary it cannot use (the file is named by the caller). */
export interface SummaryRefusals {
  /** The file cannot be read or parsed (`detail`: the error code or message). */
  unreadable(detail: string): string;
  /** Its envKwargs are not a JSON object (`value`: them as JSON). */
  notAnObject(value: string): string;
}

/**
 * Whether summary `file` is of env `envId`, and the envKwargs it records then (train's final
 * evaluation ran on them; undefined when it records none). A CliError worded by `refuse` when the
 * file cannot be read or its envKwargs are not an object.
 */
export function recordedEnvKwargs(file: string, envId: string, refuse: SummaryRefusals): { ofEnv: boolean; envKwargs: Record<string, unknown> | undefined } {
  let summary: unknown;
  try {
    summary = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(refuse.unreadable((error as NodeJS.ErrnoException).code ?? (error as Error).message));
  }
  const { env, envKwargs } = (typeof summary === 'object' && summary !== null ? summary : {}) as { env?: unknown; envKwargs?: unknown };
  if (env !== envId) return { ofEnv: false, envKwargs: undefined };
  if (envKwargs === undefined) return { ofEnv: true, envKwargs: undefined };
  if (typeof envKwargs !== 'object' || envKwargs === null || Array.isArray(envKwargs)) throw new CliError(refuse.notAnObject(JSON.stringify(envKwargs)));
  return { ofEnv: true, envKwargs: envKwargs as Record<string, unknown> };
}
