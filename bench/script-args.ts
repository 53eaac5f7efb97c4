/**
 * The bench scripts' command lines: node:util's parseArgs plus `--help`. `--help` prints the
 * script's usage and exits 0; an unknown flag or a missing value prints one line and the usage and
 * exits 2, instead of parseArgs' stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs of `process.argv` with `options` (and `--help`), or the usage and exit. */
export function scriptArgs<const O extends Options, const P extends boolean = false>(usage: string, options: O, allowPositionals?: P) {
  try {
    const parsed = parseArgs({ options: { ...options, help: { type: 'boolean' } }, allowPositionals: allowPositionals ?? false, strict: true });
    if ((parsed.values as Record<string, unknown>)['help'] === true) exitWith(usage, 0);
    return parsed as unknown as ReturnType<typeof parseArgs<{ options: O; allowPositionals: P; strict: true }>>;
  } catch (error) {
    return exitWith(`${(error as Error).message}\n${usage}`, 2);
  }
}

function exitWith(message: string, code: number): never {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  process.exit(code);
}
