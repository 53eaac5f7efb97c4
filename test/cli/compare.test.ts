import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/bdt-gym.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('bdt-gym compare', () => {
  it('prints the per-agent aggregate and writes every episode to --out', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-compare-')), 'nested', 'compare.json');
    const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'dpra,random', '--seeds', '1,2', '--slots', '10', '--out', out, '--json');
    assert.equal(result.status, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as Array<{ agent: string; episodes: number; meanLatency: { mean: number } }>;
    assert.deepEqual(rows.map((r) => [r.agent, r.episodes]), [['dpra', 2], ['random', 2]]);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(written.episodes.length, 4);
    assert.equal(written.slots, 10);
    assert.deepEqual(written.agents, rows);
  });

  it('rejects an unknown agent and a bad seed list with one line', () => {
    const unknown = cli('compare', '--agents', 'dpra,nope');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^bdt-gym: --agents: unknown agent nope \(available: .*dpra.*\)\n$/);
    const seeds = cli('compare', '--seeds', '1,,2');
    assert.equal(seeds.status, 1);
    assert.match(seeds.stderr, /--seeds: expected a comma-separated list of integers/);
  });
});
