/**
 * The committed models/ are read byte for byte: a checkpoint's manifest checksums its other files,
 * manifest.sha256 the manifest, and compare's provenance records the manifest's SHA-256. Git's
 * line-ending conversion (core.autocrlf, Git for Windows' default) must leave them alone.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

describe('committed models: checked out byte for byte', () => {
  it('git converts no line ends in any file of models/ (.gitattributes), whatever core.autocrlf says', () => {
    const files = execFileSync('git', ['ls-files', 'models'], { cwd: root, encoding: 'utf8' }).split('\n').filter((line) => line !== '');
    assert.ok(files.some((file) => file.endsWith('/manifest.json')));
    const attributes = execFileSync('git', ['check-attr', 'text', '--', ...files], { cwd: root, encoding: 'utf8' }).split('\n').filter((line) => line !== '');
    assert.deepEqual(attributes.filter((line) => !line.endsWith(': text: unset')), []);
  });
});
