/**
 * The Node.js the project runs on: package.json's optional `node` dependency fetches the LTS line
 * that `.nvmrc` names, and npm puts it first on the PATH of every npm script.
 */
import assert from 'node:assert/strict';
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
});
