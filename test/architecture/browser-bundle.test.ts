/**
 * The isomorphic core really runs without Node: esbuild resolves env/ and baselines/ with
 * platform "browser", which fails on any Node built-in reached through a package as well as
 * through our own imports (the source scan in layering.test.ts only sees the latter); and a
 * bundle of both plays a DPRA episode in a bare `vm` context, which has none of Node's globals
 * (process, Buffer, require, setImmediate), giving the same numbers as under Node.
 */
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { createAgent, runEpisode } from '../../baselines/index.ts';
import { make } from '../../env/index.ts';

const root = resolve(import.meta.dirname, '../..');

async function browserBundle(options: Parameters<typeof build>[0]): Promise<string> {
  const result = await build({ bundle: true, platform: 'browser', write: false, logLevel: 'silent', ...options });
  assert.equal(result.errors.length, 0);
  // a warning (a Node global, a require, an eval, import.meta) is code that may break in a browser
  assert.deepEqual(result.warnings.map((warning) => warning.text), []);
  return result.outputFiles![0]!.text;
}

/** One DPRA episode on BDT-small-v0, seed 3: the same source runs in the vm context and here. */
const EPISODE = `
  const env = make('BDT-small-v0');
  const agent = await createAgent('dpra', env);
  return runEpisode(env, agent, 3);`;

describe('browser bundle', () => {
  for (const entry of ['env/index.ts', 'baselines/index.ts']) {
    it(`bundles ${entry} for the browser`, async () => {
      const code = await browserBundle({ entryPoints: [resolve(root, entry)], format: 'esm' });
      assert.ok(code.length > 1000, 'bundle is not empty');
    });
  }

  it("takes from zod only what env/ uses: none of its translated messages but English (a named `{ z }` import pulls in all ~50)", async () => {
    const result = await build({ entryPoints: [resolve(root, 'env/index.ts'), resolve(root, 'baselines/index.ts')], bundle: true, platform: 'browser', format: 'esm', outdir: 'out', write: false, metafile: true, logLevel: 'silent' });
    // the inputs that left code in an output (esbuild lists every file it read, tree-shaken or not)
    const bundled = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, use]) => use.bytesInOutput > 0).map(([input]) => input));
    const locales = [...new Set(bundled.filter((input) => /zod\/v4\/locales\//.test(input)))];
    assert.deepEqual(locales.map((input) => input.replace(/.*\/locales\//, '')), ['en.js']);
  });

  it('plays a DPRA episode in a context without Node globals, as under Node', async function () {
    this.timeout(60_000);
    const code = await browserBundle({
      stdin: {
        contents: `import { make } from './env/index.ts';
          import { createAgent, runEpisode } from './baselines/index.ts';
          globalThis.episode = async () => {${EPISODE}};`,
        resolveDir: root,
        loader: 'ts',
      },
      format: 'iife',
    });
    // what a browser page and a worker both have; nothing of Node's
    const context = createContext({ console, performance, structuredClone, setTimeout, clearTimeout, queueMicrotask, TextEncoder, TextDecoder, URL, crypto });
    for (const nodeGlobal of ['process', 'Buffer', 'require', 'setImmediate', 'global']) assert.equal(runInContext(`typeof ${nodeGlobal}`, context), 'undefined');
    runInContext(code, context);
    const inBrowserContext = await (runInContext('globalThis.episode()', context) as Promise<Record<string, unknown>>);
    const env = make('BDT-small-v0');
    const underNode = runEpisode(env, await createAgent('dpra', env), 3);
    // the vm's objects have the vm's Object.prototype: compare as JSON
    assert.equal(JSON.stringify(inBrowserContext), JSON.stringify(underNode));
    assert.ok(underNode.slots > 0 && Number.isFinite(underNode.meanReward));
  });
});
