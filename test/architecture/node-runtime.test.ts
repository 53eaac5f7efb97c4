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
    const pinned = (readJson('package.json').optionalDependencies as Record<string, string>).node;
    assert.match(pinned ?? '', /^\^\d+\.\d+\.\d+$/, 'a caret range, so npm install takes that line\'s newest release');
    assert.equal(pinned!.slice(1).split('.')[0], nvmrc);
  });

  it('an npm script runs on the pinned Node once npm install fetched it', function () {
    if (process.env.npm_lifecycle_event === undefined) {
      process.stderr.write('      (skipped: not run by an npm script)\n');
      this.skip();
    }
    if (!existsSync(new URL('node_modules/node/package.json', root))) {
      process.stderr.write('      (skipped: the optional node dependency is not installed, as after npm install --omit=optional)\n');
      this.skip();
    }
    assert.equal(process.version, `v${readJson('node_modules/node/package.json').version as string}`);
  });
});
