import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/bdt-gym.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('bdt-gym run', () => {
  it('prints the episode summary as JSON', () => {
    const result = cli('run', '--env', 'BDT-small-v0', '--agent', 'random', '--seed', '3', '--slots', '20', '--json');
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.slots, 20);
    for (const key of ['meanLatency', 'meanReward', 'c6Violation', 'energyViolations', 'meanBacklog']) assert.equal(typeof summary[key], 'number', key);
    assert.equal(summary.avgReputation.length, 2);
    assert.deepEqual(JSON.parse(cli('run', '--env', 'BDT-small-v0', '--seed', '3', '--slots', '20', '--json').stdout), summary, 'same seed, same episode');
  });

  it('rejects a malformed scenario or a non-JSON file with path, rule and value and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-run-'));
    const bad = join(dir, 'bad.json');
    const small = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8'));
    small.topology.a[0] = [0, 0];
    writeFileSync(bad, JSON.stringify(small));
    const result = cli('run', '--scenario', bad);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /at topology\.a\[0\]: rule: device 0 is served by exactly one gateway .*\(value: \[0,0\]\)/);
    assert.doesNotMatch(result.stderr, /\n\s+at .*\.ts:\d+/, 'no stack trace');
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ "name": ');
    const second = cli('run', '--scenario', notJson);
    assert.notEqual(second.status, 0);
    assert.match(second.stderr, /not valid JSON/);
  });

  it('runs a trained agent from --checkpoint (run or checkpoint directory) and refuses a mismatched one', () => {
    const models = new URL('../../models/', import.meta.url).pathname;
    const args = ['run', '--env', 'BDT-v0', '--agent', 'ppo', '--seed', '1', '--slots', '15', '--json'];
    const fromRun = cli(...args, '--checkpoint', join(models, 'ppo-bdt-v0'));
    assert.equal(fromRun.status, 0, fromRun.stderr);
    const summary = JSON.parse(fromRun.stdout);
    assert.equal(summary.agent, 'ppo');
    assert.equal(summary.slots, 15);
    const fromCheckpoint = cli(...args, '--checkpoint', join(models, 'ppo-bdt-v0', 'checkpoint'));
    assert.deepEqual(JSON.parse(fromCheckpoint.stdout), summary, 'the run directory and its checkpoint/ are the same policy');
    assert.deepEqual(JSON.parse(cli(...args).stdout), summary, 'without --checkpoint the committed model is used');

    const wrongAlgo = cli(...args, '--checkpoint', join(models, 'dqn-bdt-v0'));
    assert.equal(wrongAlgo.status, 1);
    assert.match(wrongAlgo.stderr, /^bdt-gym: checkpoint .*dqn-bdt-v0\/checkpoint holds a dqn policy; agent ppo needs a ppo checkpoint\n$/);
    const scripted = cli('run', '--env', 'BDT-v0', '--agent', 'dpra', '--checkpoint', join(models, 'ppo-bdt-v0'));
    assert.equal(scripted.status, 1);
    assert.match(scripted.stderr, /--checkpoint: agent dpra is scripted and takes no checkpoint/);
    const twice = cli(...args, '--checkpoint', join(models, 'ppo-bdt-v0'), '--agent-options', JSON.stringify({ checkpoint: join(models, 'ppo-bdt-v0') }));
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, /--checkpoint: also given in --agent-options/);
  });
});
