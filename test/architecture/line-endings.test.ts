/**
 * A Windows checkout (Git for Windows sets core.autocrlf) must get the same text files as any
 * other: with CRLF line ends, ./bin/bdt-gym.js's `#!/usr/bin/env node` line asks for `node\r`,
 * `npx bdt-gym` rewrites that line (npm's bin-links), which then shows as a change in compare's
 * provenance (`dirty`), and the committed JSON Schemas no longer equal the generated ones.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

describe('line endings of a checkout', () => {
  // models/ is checked out byte for byte, not converted at all (committed-models-bytes.test.ts)
  it('git checks out every text file outside models/ with LF line ends, whatever core.autocrlf says (.gitattributes)', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter((file) => file !== '' && !file.startsWith('models/'));
    assert.ok(files.includes('bin/bdt-gym.js'));
    // -z output: path, attribute, value, each ended by NUL
    const fields = execFileSync('git', ['check-attr', '-z', '--stdin', 'text', 'eol'], { cwd: root, encoding: 'utf8', input: files.join('\0') }).split('\0');
    const attributes = new Map<string, Record<string, string>>();
    for (let i = 0; i + 2 < fields.length; i += 3) {
      const [file, attribute, value] = [fields[i]!, fields[i + 1]!, fields[i + 2]!];
      attributes.set(file, { ...attributes.get(file), [attribute]: value });
    }
    const converted = files.filter((file) => {
      const { text, eol } = attributes.get(file) ?? {};
      return text !== 'unset' && eol !== 'lf';
    });
    assert.deepEqual(converted, []);
  });
});
