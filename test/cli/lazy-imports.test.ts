import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const hook = fileURLToPath(new URL('./fixtures/log-lazy-imports.mjs', import.meta.url));
/** Runs the CLI with TensorFlow.js and Vega imports logged to stderr. */
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', hook, bin, ...args], { encoding: 'utf8', input: '' });

describe('bdt-gym loads TensorFlow.js only when a learned agent needs it', function () {
  this.timeout(60_000);

  it('serve (one process per Python env), run and compare with scripted agents, check-scenario and preset-schema import no TensorFlow.js', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-lazy-tf-'));
    const scripted = [
      ['serve'],
      ['run', '--env', 'BDT-small-v0', '--agent', 'dpra', '--slots', '3'],
      ['check-scenario', 'configs/small.json'],
      ['preset-schema'],
      ['compare', '--agents', 'dpra,random', '--seeds', '1', '--slots', '3', '--out', join(dir, 'compare.json')],
    ];
    for (const args of scripted) {
      const result = cli(...args);
      assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /lazy import: @tensorflow\//, args.join(' '));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('run with a learned agent does import it (the hook sees imports)', () => {
    const result = cli('run', '--env', 'BDT-v0', '--agent', 'ppo', '--slots', '3');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /lazy import: @tensorflow\/tfjs from /);
  });
});

describe('bdt-gym loads Vega only to draw a chart', function () {
  this.timeout(120_000);

  // vega-canvas awaits at its top level, and V8 aborts the whole process when a worker thread is
  // terminated then (nodejs/node#43182): the --jobs workers, terminated when another fails, load
  // sweep-v's and run's modules
  it('run, compare and sweep-v (also with --jobs) without a chart import no Vega', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-lazy-vega-'));
    for (const args of [
      ['run', '--env', 'BDT-small-v0', '--agent', 'random', '--slots', '3'],
      ['compare', '--agents', 'random', '--seeds', '1,2', '--slots', '3', '--jobs', '2', '--out', join(dir, 'compare.json')],
      ['sweep-v', '--env', 'BDT-small-v0', '--agent', 'random', '--v', '1,2', '--seeds', '1', '--slots', '3', '--jobs', '2'],
    ]) {
      const result = cli(...args);
      assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /lazy import: vega/, args.join(' '));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('run --plot does import it (the hook sees imports)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-lazy-vega-'));
    const result = cli('run', '--env', 'BDT-small-v0', '--agent', 'random', '--slots', '3', '--plot', join(dir, 'episode.svg'));
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /lazy import: vega from /);
    rmSync(dir, { recursive: true, force: true });
  });
});
