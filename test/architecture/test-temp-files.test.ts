/**
 * The test run's own hygiene: its temporary files, and those of the processes it spawns, go under
 * one directory of the run (test/temp-root.ts), removed when the run's process exits.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_TEMP_ROOT } from '../temp-root.ts';

const root = resolve(import.meta.dirname, '../..');

describe("the test run's temporary files", () => {
  it('.mocharc.json loads test/temp-root.ts, so every temp directory of the run is under its root, in spawned processes too', () => {
    const config = JSON.parse(readFileSync(join(root, '.mocharc.json'), 'utf8')) as { require?: string[] };
    assert.ok(config.require?.includes('test/temp-root.ts'), JSON.stringify(config.require));
    assert.equal(tmpdir(), TEST_TEMP_ROOT);
    assert.equal(statSync(TEST_TEMP_ROOT).mode & 0o7777, 0o1777, 'open to every user and sticky, as /tmp (tests run processes as nobody)');
    const child = spawnSync(process.execPath, ['-e', "process.stdout.write(require('node:os').tmpdir())"], { encoding: 'utf8' });
    assert.equal(child.stdout, TEST_TEMP_ROOT);
  });

  it("a mocha run removes its root, with what its tests wrote there, when it ends, failed tests or not", function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'bdt-temp-root-'));
    const spec = join(dir, 'writes.test.mjs');
    // one test writes a file in its temp directory and prints where; another fails
    writeFileSync(spec, [
      "import { mkdtempSync, writeFileSync } from 'node:fs';",
      "import { tmpdir } from 'node:os';",
      "import { join } from 'node:path';",
      "it('writes', () => { const d = mkdtempSync(join(tmpdir(), 'x-')); writeFileSync(join(d, 'f'), 'data'); console.log(`WROTE ${d}`); });",
      "it('fails', () => { throw new Error('on purpose'); });",
    ].join('\n'));
    const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const run = spawnSync(process.execPath, [mocha, '--no-config', '--node-option', 'import=tsx/esm', '--require', 'test/temp-root.ts', spec], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 1, `one test fails on purpose:\n${run.stdout}\n${run.stderr}`);
    const wrote = /WROTE (\S+)/.exec(run.stdout)?.[1];
    assert.ok(wrote !== undefined, run.stdout);
    const runRoot = resolve(wrote, '..');
    assert.match(runRoot, /bdt-gym-test-[^/\\]+$/, 'the test wrote under a run root');
    assert.equal(resolve(runRoot, '..'), TEST_TEMP_ROOT, "the child run's root is made in the temp directory it was started with");
    assert.equal(existsSync(runRoot), false, 'the run root is gone');
  });

  it('a --dry-run, which runs no hooks, removes its root too', function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'bdt-temp-root-'));
    const spec = join(dir, 'listed.test.mjs');
    // mocha imports the spec to list its tests, so the root exists by then
    writeFileSync(spec, ["import { tmpdir } from 'node:os';", 'console.log(`ROOT ${tmpdir()}`);', "it('listed', () => {});"].join('\n'));
    const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const run = spawnSync(process.execPath, [mocha, '--no-config', '--dry-run', '--node-option', 'import=tsx/esm', '--require', 'test/temp-root.ts', spec], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const runRoot = /ROOT (\S+)/.exec(run.stdout)?.[1];
    assert.ok(runRoot !== undefined, run.stdout);
    assert.match(runRoot, /bdt-gym-test-[^/\\]+$/);
    assert.equal(existsSync(runRoot), false, 'the run root is gone');
  });
});
