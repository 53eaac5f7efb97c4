/**
 * The backend choice as a user's process sees it: these run in a child process, since the
 * backend is started once per process and the mocha process has started it already.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '../..');
const backendUrl = pathToFileURL(resolve(root, 'agents/backend.ts')).href;
const agentsUrl = pathToFileURL(resolve(root, 'agents/index.ts')).href;
const baselinesUrl = pathToFileURL(resolve(root, 'baselines/index.ts')).href;
const envUrl = pathToFileURL(resolve(root, 'env/index.ts')).href;

/** Runs an ES module source with tsx in a fresh Node process. */
function runModule(source: string): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { cwd: root, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('TensorFlow.js backend', () => {
  it('an uncaught error after the wasm backend started prints that error, not the Emscripten glue', () => {
    const { status, stderr } = runModule(`
      import { initBackend } from ${JSON.stringify(backendUrl)};
      await initBackend('wasm');
      throw new Error('boom from the test');
    `);
    assert.notEqual(status, 0);
    assert.match(stderr, /Error: boom from the test/);
    // the glue's rethrowing listener made Node print its ~35 kB minified source line first
    assert.doesNotMatch(stderr, /WasmBackendModule/);
    assert.ok(stderr.length < 2000, `stderr has ${stderr.length} characters`);
  });

  it('leaves the process error listeners it found in place', () => {
    const { status, stdout, stderr } = runModule(`
      import { initBackend } from ${JSON.stringify(backendUrl)};
      const mine = () => {};
      process.on('unhandledRejection', mine);
      const name = await initBackend();
      console.log(name, process.listeners('unhandledRejection').length, process.listeners('unhandledRejection')[0] === mine, process.listeners('uncaughtException').length);
    `);
    assert.equal(status, 0, stderr);
    assert.match(stdout.trim(), /^(tensorflow|wasm|cpu) 1 true 0$/);
  });

  it("a backend chosen by name is kept by later initBackend() calls, as createAgent('ppo') makes (it switched to wasm silently)", () => {
    const { status, stdout, stderr } = runModule(`
      import * as tf from '@tensorflow/tfjs';
      import { initBackend, registerLearnedAgents } from ${JSON.stringify(agentsUrl)};
      import { createAgent } from ${JSON.stringify(baselinesUrl)};
      import { make } from ${JSON.stringify(envUrl)};
      const chosen = await initBackend('cpu');
      const again = await initBackend();
      registerLearnedAgents();
      const agent = await createAgent('ppo', make('BDT-v0'));
      agent.dispose?.();
      console.log(chosen, again, tf.getBackend());
    `);
    assert.equal(status, 0, stderr);
    assert.equal(stdout.trim(), 'cpu cpu cpu');
  });

  it('calls at once take turns, so each answers the backend it started and the last one runs (two at once answered wasm and cpu while wasm ran)', () => {
    const { status, stdout, stderr } = runModule(`
      import * as tf from '@tensorflow/tfjs';
      import { initBackend } from ${JSON.stringify(backendUrl)};
      const named = await Promise.all([initBackend('wasm'), initBackend('cpu')]);
      const running = tf.getBackend();
      const unnamed = await Promise.all([initBackend(), initBackend()]);
      console.log(JSON.stringify({ named, running, unnamed, last: tf.getBackend() }));
    `);
    assert.equal(status, 0, stderr);
    assert.deepEqual(JSON.parse(stdout.trim()), { named: ['wasm', 'cpu'], running: 'cpu', unnamed: ['cpu', 'cpu'], last: 'cpu' });
  });
});
