/**
 * A file URL's `pathname` is no file path: it keeps the URL's percent-escapes (a checkout under
 * `My Projects` gives `/My%20Projects/...`, which no file is called) and, on Windows, reads
 * `/C:/...`. `fileURLToPath` gives the path.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const SOURCE_DIRS = ['agents', 'baselines', 'bench', 'bin', 'cli', 'env', 'examples', 'node', 'test'];

describe('file URLs made paths', () => {
  it("no source takes a module-relative URL's pathname for a path (fileURLToPath decodes it)", () => {
    const offending: string[] = [];
    for (const dir of SOURCE_DIRS) {
      for (const entry of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
        const parts = entry.split(/[\\/]/);
        if (!/\.(?:ts|[cm]?js)$/.test(entry) || parts.includes('node_modules') || parts.includes('dist')) continue;
        const lines = readFileSync(join(root, dir, entry), 'utf8').split('\n');
        lines.forEach((line, i) => {
          if (/import\.meta\.url\)\.pathname\b/.test(line)) offending.push(`${[dir, ...parts].join('/')}:${i + 1}`);
        });
      }
    }
    assert.deepEqual(offending, []);
  });
});
