/** bin/bdt-gym.js in a checkout whose dependencies are not installed: one line saying to run npm install, not a module-resolution stack. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';

describe('bin/bdt-gym.js before npm install', () => {
  it('says, in one line, to run npm install in the checkout', function () {
    const checkout = mkdtempSync(join(tmpdir(), 'bdt-checkout-'));
    // node looks for tsx in every node_modules above the script: there must be none
    for (let dir = checkout; dir !== parse(dir).root; dir = dirname(dir)) if (existsSync(join(dir, 'node_modules'))) this.skip();
    mkdirSync(join(checkout, 'bin'));
    copyFileSync(new URL('../../bin/bdt-gym.js', import.meta.url), join(checkout, 'bin', 'bdt-gym.js'));
    const result = spawnSync(process.execPath, [join(checkout, 'bin', 'bdt-gym.js'), 'compare'], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.equal(result.stderr, `bdt-gym: tsx is not installed: run \`npm install\` in ${checkout}\n`);
  });
});
