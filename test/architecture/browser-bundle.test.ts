/**
 * The isomorphic core really bundles for a browser: esbuild resolves env/ and baselines/ with
 * platform "browser", which fails on any Node built-in reached through a package as well as
 * through our own imports (the source scan in layering.test.ts only sees the latter).
 */
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');

describe('browser bundle', () => {
  for (const entry of ['env/index.ts', 'baselines/index.ts']) {
    it(`bundles ${entry} for the browser`, async () => {
      const result = await build({
        entryPoints: [resolve(root, entry)],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        // tfjs is isomorphic but large; the env does not need it, so keep it out of the check.
        external: ['@tensorflow/*'],
      });
      assert.equal(result.errors.length, 0);
      assert.ok(result.outputFiles[0]!.contents.length > 1000, 'bundle is not empty');
    });
  }
});
