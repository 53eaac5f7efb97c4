import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirectories } from '../../node/make-directories.ts';

describe('makeDirectories', () => {
  it('creates the missing levels and returns the first it created (none when the directory exists)', () => {
    const base = mkdtempSync(join(tmpdir(), 'bdt-dirs-'));
    assert.equal(makeDirectories(join(base, 'a', 'b', 'c')), join(base, 'a'));
    assert.ok(statSync(join(base, 'a', 'b', 'c')).isDirectory());
    assert.equal(makeDirectories(join(base, 'a', 'b')), undefined);
    writeFileSync(join(base, 'file'), '');
    assert.throws(() => makeDirectories(join(base, 'file', 'x')), /ENOTDIR/, 'a file in the way is an error');
  });

  it('tolerates other processes creating the same directories at the same time (parallel train runs into one runs/ tree)', async function () {
    this.timeout(60_000);
    const base = mkdtempSync(join(tmpdir(), 'bdt-dirs-race-'));
    // each process waits for one start time, then makes the same 300 deep paths: most levels are raced for
    const startAt = Date.now() + 4000;
    const script = `import { makeDirectories } from ${JSON.stringify(new URL('../../node/make-directories.ts', import.meta.url).href)};
      while (Date.now() < ${startAt});
      for (let k = 0; k < 300; k++) makeDirectories(${JSON.stringify(base)} + '/r' + k + '/a/b/c/d/e/f');`;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      })),
    );
    for (const { code, stderr } of results) assert.equal(code, 0, stderr);
    assert.ok(existsSync(join(base, 'r299', 'a', 'b', 'c', 'd', 'e', 'f')));
  });
});
