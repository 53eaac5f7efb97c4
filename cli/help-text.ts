/** The parts of every command's `--help` written the same way: defaults, required options, examples. */
import { Option } from 'commander';

/**
 * An option taking a value, `value` when not given, its help saying `(default: 5)` as written:
 * commander quotes a string default (`(default: "5")`), and ours are text the action parses
 * (numbers, lists, names), which read as strings that way.
 */
export function optionWithDefault(flags: string, description: string, value: string): Option {
  return new Option(flags, description).default(value, value);
}

/** An option that must be given (commander refuses a command without it, but its help does not say so). */
export function requiredOption(flags: string, description: string): Option {
  return new Option(flags, `${description} (required)`).makeOptionMandatory();
}

/**
 * The Examples section that ends a command's help (`addHelpText('after', ...)`): `lines`, each a
 * command that runs as given (test/cli/help.test.ts parses them), indented as commander indents.
 */
export function examplesHelp(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}
