/** The JSON files the commands read (--scenario, --trace, --preset): why one cannot be read, named with it. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../cli/errors.ts';
import { readJsonFile } from '../../cli/json-files.ts';

describe('readJsonFile', () => {
  it('names the missing end of a dangling symbolic link, which ls lists (it said only ENOENT)', () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'bdt-json-files-')));
    const link = join(dir, 'scenario.json');
    symlinkSync('gone/real.json', link);
    const chained = join(dir, 'chained.json');
    symlinkSync('scenario.json', chained);
    for (const file of [link, chained]) {
      assert.throws(() => readJsonFile('--scenario', file), (e: unknown) => e instanceof CliError && e.message === `--scenario ${file}: cannot read the file (ENOENT: a symbolic link to ${join(dir, 'gone', 'real.json')}, which does not exist)`);
    }
    assert.throws(() => readJsonFile('--scenario', join(dir, 'none.json')), (e: unknown) => e instanceof CliError && e.message === `--scenario ${join(dir, 'none.json')}: cannot read the file (ENOENT)`);
  });
});
