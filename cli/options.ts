/** Parsing of numeric CLI option values, with errors that name the option and the value. */
import { CliError } from './errors.ts';

/** A number option satisfying `check` (described by `rule`), or a CliError naming it. */
export function numberOption(name: string, value: string, check: (x: number) => boolean, rule: string): number {
  const x = Number(value);
  if (value.trim() === '' || !check(x)) throw new CliError(`--${name}: expected ${rule}, got ${JSON.stringify(value)}`);
  return x;
}

/** An integer option >= `min`, or a CliError naming it. */
export function integerOption(name: string, value: string, min: number): number {
  return numberOption(name, value, (n) => Number.isInteger(n) && n >= min, `an integer >= ${min}`);
}

/** A comma-separated list of integers >= `min`. */
export function integerList(name: string, value: string, min: number): number[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new CliError(`--${name}: expected a comma-separated list of integers, got ${JSON.stringify(value)}`);
  return items.map((s) => integerOption(name, s, min));
}
