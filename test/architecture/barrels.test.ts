/**
 * The public API is what the package's entry points name: each barrel in package.json's `exports`
 * lists its exports one by one, so a helper exported from its module for a neighbour's use does
 * not become public by an `export *`.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string> };
const entryPoints = [...new Set(Object.values(exports).filter((target) => target.endsWith('.ts')))];

describe('public API barrels', () => {
  it('package.json exports the four barrels', () => {
    assert.deepEqual(entryPoints.sort(), ['./agents/index.ts', './baselines/index.ts', './env/index.ts', './node/index.ts']);
  });

  for (const entry of entryPoints) {
    it(`${entry} names what it exports (no export *)`, () => {
      const text = readFileSync(join(root, entry), 'utf8');
      const wildcards = [...text.matchAll(/^\s*export\s+(?:type\s+)?\*.*$/gm)].map((m) => m[0].trim());
      assert.deepEqual(wildcards, []);
    });
  }
});
