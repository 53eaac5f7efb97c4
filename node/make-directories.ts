/**
 * `mkdirSync(dir, { recursive: true })` without its hang: Node 20's recursive mkdir loops
 * forever at 100% CPU where mkdir answers ENOENT under a parent that exists (under /proc, say),
 * so directories are made one level at a time and such a path fails at once.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates `dir` and its missing parents; returns the first directory this call created
 * (undefined when none: `dir` existed, or another process made it first).
 */
export function makeDirectories(dir: string): string | undefined {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) missing.unshift(at);
  let first: string | undefined;
  for (const each of missing) {
    try {
      mkdirSync(each);
      first ??= each;
    } catch (error) {
      // another process (a second train into the same runs/ tree) made it in between: fine if a directory
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(each).isDirectory()) throw error;
    }
  }
  return first;
}
