import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('API docs (npm run docs)', () => {
  it('build without a warning: every symbol a doc comment links to or a public type names is exported', function () {
    this.timeout(180_000);
    // --emit none: typedoc's checks without writing docs/api
    const typedoc = fileURLToPath(new URL('bin/typedoc', import.meta.resolve('typedoc/package.json')));
    const run = spawnSync(process.execPath, [typedoc, '--emit', 'none', '--treatWarningsAsErrors'], { cwd: root, encoding: 'utf8' });
    // typedoc colours its lines; the escapes are noise in a failure message
    const output = `${run.stdout}${run.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
    assert.equal(run.status, 0, `typedoc reported:\n${output}`);
  });
});
