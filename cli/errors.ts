import type { ZodError } from 'zod';

/** Each issue of a zod error as `at <path>: <message>`. */
export function zodIssueLines(error: ZodError): string[] {
  return error.issues.map((i) => `at ${i.path.join('.') || '(root)'}: ${i.message}`);
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
