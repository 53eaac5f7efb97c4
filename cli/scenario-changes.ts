/** What differs between two scenarios (or any JSON values), leaf by leaf, for the messages that say how a run's scenario changed. */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../env/core/plain-object.ts';

/**
 * `path: before -> after` for each leaf where `after` differs from `before` (arrays compare whole),
 * in key order; with `beforeOnly`, only at `before`'s leaves (what an override replaces of it).
 */
export function leafChanges(before: unknown, after: unknown, beforeOnly = false, path = ''): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = beforeOnly ? Object.keys(before) : [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => leafChanges(before[key], after[key], beforeOnly, path === '' ? key : `${path}.${key}`));
  }
  if (isDeepStrictEqual(before, after)) return [];
  const show = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value).length <= 60 ? JSON.stringify(value) : `${JSON.stringify(value).slice(0, 57)}...`);
  return [`${path}: ${show(before)} -> ${show(after)}`];
}

/** The first three `changes`, and how many more. */
export function shownChanges(changes: readonly string[]): string {
  return changes.slice(0, 3).join(', ') + (changes.length > 3 ? `, and ${changes.length - 3} more` : '');
}
