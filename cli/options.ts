/** Parsing of numeric CLI option values, with errors that name the option and the value. */
import { CliError } from './errors.ts';

/** An integer option >= `min`, or a CliError naming it. */
export function integerOption(name: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new CliError(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** A comma-separated list of integers >= `min`. */
export function integerList(name: string, value: string, min: number): number[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new CliError(`--${name}: expected a comma-separated list of integers, got ${JSON.stringify(value)}`);
  return items.map((s) => integerOption(name, s, min));
}
