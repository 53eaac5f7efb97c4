/** When compare and train draw a progress bar: on a terminal that takes cursor moves, not a dumb one. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawsProgressBar } from '../../cli/progress-bar.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));

/** `args` run by bdt-gym on a pseudo-terminal of `script` (util-linux) with TERM set to `term`: what the terminal got. */
function onTerminal(term: string, args: readonly string[]): string {
  const command = [process.execPath, bin, ...args].map((word) => `'${word}'`).join(' ');
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: term } });
  assert.equal(result.status, 0, result.stdout);
  return result.stdout;
}

describe('progress bars', function () {
  this.timeout(300_000);

  it('are drawn on a terminal, not on one whose TERM is dumb, nor when the output is not a terminal', () => {
    assert.equal(drawsProgressBar({ isTTY: true }, { TERM: 'xterm-256color' }), true);
    assert.equal(drawsProgressBar({ isTTY: true }, {}), true);
    assert.equal(drawsProgressBar({ isTTY: true }, { TERM: 'dumb' }), false);
    assert.equal(drawsProgressBar({ isTTY: false }, { TERM: 'xterm' }), false);
    assert.equal(drawsProgressBar({}, { TERM: 'xterm' }), false);
  });

  it('compare and train write no escape codes on a terminal whose TERM is dumb (Emacs shell, some CI logs)', function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'bdt-progress-'));
    const compare = ['compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1,2', '--slots', '3', '--out', join(dir, 'compare.json')];
    assert.match(onTerminal('xterm', compare), /compare \|.*\| 2\/2 episodes/, 'drawn on a terminal that takes cursor moves');
    const dumbCompare = onTerminal('dumb', compare);
    assert.ok(!dumbCompare.includes('\x1b'), JSON.stringify(dumbCompare));
    assert.match(dumbCompare, /^BDT-small-v0: 1 agent x 2 seeds/, 'the table all the same');
    const preset = join(dir, 'tiny.json');
    writeFileSync(preset, JSON.stringify({ description: 'tiny PPO', agent: 'ppo', env: 'CartPole-v1', hyperparameters: { numEnvs: 2, numSteps: 32, numMinibatches: 1, updateEpochs: 1, hidden: [8], totalTimesteps: 64 } }));
    const dumbTrain = onTerminal('dumb', ['train', '--preset', preset, '--out', join(dir, 'run'), '--eval-episodes', '0', '--backend', 'wasm']);
    assert.ok(!dumbTrain.includes('\x1b'), JSON.stringify(dumbTrain));
  });
});
