/**
 * `mkdirSync(dir, { recursive: true })` without its hang: Node 20's recursive mkdir loops
 * forever at 100% CPU where mkdir answers ENOENT under a parent that exists (under /proc, say),
 * so directories are made one level at a time and such a path fails at once.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `dir` and its missing parents; returns the first directory created (undefined when `dir` existed). */
export function makeDirectories(dir: string): string | undefined {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) missing.unshift(at);
  for (const each of missing) mkdirSync(each);
  return missing[0];
}
