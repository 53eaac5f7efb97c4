/** The parts of every command's `--help` written the same way: defaults, required options, examples. */
import { Option, type Command } from 'commander';

/**
 * An option taking a value, `value` when not given, its help saying `(default: 5)` as written:
 * commander quotes a string default (`(default: "5")`), and ours are text the action parses
 * (numbers, lists, names), which read as strings that way.
 */
export function optionWithDefault(flags: string, description: string, value: string): Option {
  return new Option(flags, description).default(value, value);
}

/** The options made by {@link requiredOption}. */
const requiredOptions = new WeakSet<Option>();

/** An option that must be given, its help saying so ({@link refuseWithoutRequiredOptions} refuses a command without it). */
export function requiredOption(flags: string, description: string): Option {
  const option = new Option(flags, `${description} (required)`);
  requiredOptions.add(option);
  return option;
}

/** Whether `option` was made by {@link requiredOption}. */
export function isRequiredOption(option: Option): boolean {
  return requiredOptions.has(option);
}

/**
 * Makes `command` refuse to run without each of its {@link requiredOption}s, as commander refuses
 * a missing mandatory option, but after its unknown options: commander checks mandatory ones
 * first, so `train --ouy runs/x` said that --out was missing, never that --ouy is unknown.
 */
export function refuseWithoutRequiredOptions(command: Command): void {
  command.hook('preAction', () => {
    for (const option of command.options) {
      if (requiredOptions.has(option) && command.getOptionValue(option.attributeName()) === undefined) {
        command.error(`error: required option '${option.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
      }
    }
  });
}

/**
 * The Examples section that ends a command's help (`addHelpText('after', ...)`): `lines`, each a
 * command that runs as given (test/cli/help.test.ts parses them), indented as commander indents.
 */
export function examplesHelp(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}
