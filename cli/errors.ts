import type { ZodError } from 'zod';
import { formatPath } from '../env/core/format-path.ts';

/** Each issue of a zod error as `at <path>: <message>`. */
export function zodIssueLines(error: ZodError): string[] {
  return error.issues.map((i) => `at ${formatPath(i.path)}: ${i.message}`);
}

/**
 * `text` (issue lines, `at <path>: ...`, as issueLines and a ScenarioError's message write them)
 * with each path put under `path`, where the object parsed sits in what the user wrote: under
 * `['scenario']`, `at (root)` reads `at scenario` and `at lyapunov.V` `at scenario.lyapunov.V`.
 * The text is rewritten, not the issues re-formatted: the lines keep what the schema they were
 * formatted with said of a failed union.
 */
function issuePathsUnder(text: string, path: readonly string[]): string {
  if (path.length === 0) return text;
  const prefix = path.join('.');
  return text.replace(/^(\s*at )(.*?): /gm, (_line, at: string, issuePath: string) => `${at}${issuePath === '(root)' ? prefix : issuePath.startsWith('[') ? `${prefix}${issuePath}` : `${prefix}.${issuePath}`}: `);
}

/** Issue lines (`at <path>: <rule> (value: <value>)`) as one line, joined by '; ', their paths under `prefix` (where they sit in the file). */
export function issuesUnder(lines: readonly string[], prefix: readonly string[]): string {
  return lines.map((line) => issuePathsUnder(line, prefix)).join('; ');
}

/** An error the CLI reports as a one-line message (no stack trace) with a non-zero exit code. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(
    message: string,
    exitCode = 1,
  ) {
    super(message);
    this.exitCode = exitCode;
    this.name = 'CliError';
  }
}

/**
 * A command's failure (`cause`), reported as the CLI reports the cause, then `note` on a line of
 * its own: what the command kept of its work (a file it wrote before failing), which the cause's
 * own report cannot say.
 */
export class FailureWithNote extends Error {
  readonly note: string;
  override readonly cause: unknown;

  constructor(cause: unknown, note: string) {
    super(note, { cause });
    this.note = note;
    this.cause = cause;
    this.name = 'FailureWithNote';
  }
}
