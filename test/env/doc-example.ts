/** A source file's `@example`, run as a user copying it would run it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';

/** The `@example` of `file` (from the repository root), as a user copies it. */
export function docExample(file: string): string {
  const block = /^ \* @example\n([\s\S]*?)\n \*\//m.exec(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
  assert.ok(block, `${file} has no @example`);
  return block[1]!.replace(/^ \* ?/gm, '');
}

/** TypeScript statements `code` as a function of the bindings `names` (the example's imports). */
export function runnable(code: string, ...names: string[]): (...values: unknown[]) => unknown {
  return new Function(...names, transformSync(code, { loader: 'ts' }).code) as (...values: unknown[]) => unknown;
}
