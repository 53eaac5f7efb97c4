/**
 * The Node.js the project runs on: package.json's optional `node` dependency fetches the LTS line
 * that `.nvmrc` names, and npm puts it first on the PATH of every npm script. The sources also run
 * under Node's own type stripping, without tsx (tsconfig.json's erasableSyntaxOnly keeps them so).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as Record<string, unknown>;

describe('the Node.js runtime', () => {
  it("package.json's optional node dependency is the major line .nvmrc names", () => {
    const nvmrc = readFileSync(new URL('.nvmrc', root), 'utf8').trim();
    const pinned = (readJson('package.json')['optionalDependencies'] as Record<string, string>)['node'];
    assert.match(pinned ?? '', /^\^\d+\.\d+\.\d+$/, 'a caret range, so npm install takes that line\'s newest release');
    assert.equal(pinned!.slice(1).split('.')[0], nvmrc);
  });

  it('an npm script runs on the pinned Node once npm install fetched it', function () {
    if (process.env['npm_lifecycle_event'] === undefined) {
      process.stderr.write('      (skipped: not run by an npm script)\n');
      this.skip();
    }
    // no binary: not installed (--omit=optional, or no build for this platform, as on macOS) or
    // its install script skipped (--ignore-scripts); npm scripts then run on the PATH's Node
    if (!existsSync(new URL('node_modules/node/bin/node', root))) {
      process.stderr.write('      (skipped: the optional node dependency is not installed here)\n');
      this.skip();
    }
    const pinned = `v${readJson('node_modules/node/package.json')['version'] as string}`;
    assert.equal(process.version, pinned, `npm ran this script on Node ${process.version}, not on node_modules/node's ${pinned}: does node_modules/.bin/node run here? (npm rebuild node repairs a skipped install)`);
  });

  it('node runs the CLI from its .ts sources with its own type stripping, no tsx loader, as tsx does', function () {
    // Node 23.6 and 22.18 strip types by default; process.features.typescript says whether this one does
    const major = Number(process.versions.node.split('.')[0]);
    if (major < 23 || !(process.features as { typescript?: unknown }).typescript) {
      process.stderr.write(`      (skipped: Node ${process.version} does not strip types by default)\n`);
      this.skip();
    }
    const args = ['run', '--env', 'BDT-small-v0', '--agent', 'dpra', '--seed', '1', '--slots', '3', '--json'];
    const cwd = new URL('.', root);
    // mocha passes --import=tsx/esm on this process's command line, which a child does not inherit;
    // NODE_OPTIONS (an environment variable, inherited) must not bring tsx back either
    const { NODE_OPTIONS: _, ...env } = process.env;
    const stripped = spawnSync(process.execPath, ['cli/main.ts', ...args], { cwd, env, encoding: 'utf8' });
    assert.equal(stripped.status, 0, stripped.stderr);
    const viaTsx = spawnSync(process.execPath, ['bin/bdt-gym.js', ...args], { cwd, env, encoding: 'utf8' });
    assert.equal(viaTsx.status, 0, viaTsx.stderr);
    const summary = JSON.parse(stripped.stdout) as Record<string, unknown>;
    assert.equal(summary['slots'], 3);
    assert.equal(typeof summary['meanLatency'], 'number');
    assert.deepEqual(summary, JSON.parse(viaTsx.stdout));
  });
});
