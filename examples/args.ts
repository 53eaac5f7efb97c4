/**
 * The examples' command lines: node:util's parseArgs with string options, every value then read
 * as the number it must be. A bad flag or value prints one line (and `--help` the usage) and
 * exits, instead of a stack trace or a silent NaN.
 */
import { parseArgs } from 'node:util';

/** The string options of the command line (`defaults` lists every option), or the usage and exit. */
export function exampleArgs<K extends string>(usage: string, defaults: Record<K, string>): Record<K, string> {
  const options: Record<string, { type: 'string' | 'boolean'; default?: string }> = { help: { type: 'boolean' } };
  for (const [name, value] of Object.entries<string>(defaults)) options[name] = { type: 'string', default: value };
  try {
    const { values } = parseArgs({ options });
    if (values['help'] === true) exit(usage, 0);
    return values as Record<K, string>;
  } catch (error) {
    return exit(`${(error as Error).message}\n${usage}`, 2);
  }
}

/**
 * The positional arguments (files, labels) of a command line that takes no options but `--help`:
 * `min` to `max` of them, or the usage and exit 2.
 */
export function positionalArgs(usage: string, min: number, max: number): string[] {
  try {
    const { values, positionals } = parseArgs({ options: { help: { type: 'boolean' } }, allowPositionals: true });
    if (values.help === true) exit(usage, 0);
    if (positionals.length < min || positionals.length > max) exit(`expected ${min === max ? min : `${min} to ${max}`} arguments, got ${positionals.length}\n${usage}`, 2);
    return positionals;
  } catch (error) {
    return exit(`${(error as Error).message}\n${usage}`, 2);
  }
}

/** `message` on stderr, one line, and exit 1: bad input, said where, without a stack trace. */
export function fail(message: string): never {
  return exit(message, 1);
}

/** `--name text` as an integer >= `min`, or one line and exit 1. */
export function integerArg(name: string, text: string, min: number): number {
  const x = Number(text);
  return text.trim() !== '' && Number.isSafeInteger(x) && x >= min ? x : exit(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(text)}`, 1);
}

/** `--name a,b,c` as integers >= `min`, ranges `first-last` expanded (`1,4-6`: 1, 4, 5, 6, as the CLI's --seeds), or one line and exit 1. */
export function integerListArg(name: string, text: string, min: number): number[] {
  return text.split(',').flatMap((part) => {
    const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (range === null) return [integerArg(name, part, min)];
    const first = integerArg(name, range[1]!, min);
    const last = integerArg(name, range[2]!, min);
    return last >= first ? Array.from({ length: last - first + 1 }, (_, i) => first + i) : exit(`--${name}: the range ${JSON.stringify(part)} runs downward; write it ${last}-${first}`, 1);
  });
}

/** `--name text` as a finite number (> 0 with `positive`, >= 0 with `nonNegative`), or one line and exit 1. */
export function numberArg(name: string, text: string, { positive = false, nonNegative = false } = {}): number {
  const x = Number(text);
  const expected = positive ? 'number > 0' : nonNegative ? 'number >= 0' : 'finite number';
  return text.trim() !== '' && Number.isFinite(x) && (!positive || x > 0) && (!nonNegative || x >= 0) ? x : exit(`--${name}: expected a ${expected}, got ${JSON.stringify(text)}`, 1);
}

function exit(message: string, code: number): never {
  (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
  process.exit(code);
}
