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
