/**
 * The backend choice as a user's process sees it: these run in a child process, since the
 * backend is started once per process and the mocha process has started it already.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

  // the banner TF.js's cpu backend prints at its first tensor in Node
  const CPU_BANNER = /looks like you are running TensorFlow\.js in Node\.js/;

  it("loading a trained policy in code without initBackend() starts the fastest backend (it ran on TF.js's default cpu, printing its Node.js banner)", () => {
    const { status, stdout, stderr } = runModule(`
      import * as tf from '@tensorflow/tfjs';
      import { evaluateAgent, loadPolicyAgent } from ${JSON.stringify(agentsUrl)};
      import { make } from ${JSON.stringify(envUrl)};
      const env = make('BDT-v0');
      const agent = await loadPolicyAgent('models/ppo-bdt-v0', env);
      evaluateAgent(agent, env, 1, 1);
      console.log(tf.getBackend());
    `);
    assert.equal(status, 0, stderr);
    assert.match(stdout.trim(), /^(tensorflow|wasm)$/); // tfjs-node when installed, else wasm
    assert.doesNotMatch(stdout + stderr, CPU_BANNER);
  });

  it("initBackend('cpu') does not print the banner advising the node backend (the user chose cpu), and TF.js's other warnings still print", () => {
    const { status, stdout, stderr } = runModule(`
      import * as tf from '@tensorflow/tfjs';
      import { initBackend } from ${JSON.stringify(backendUrl)};
      await initBackend('cpu');
      tf.tensor([1, 2]).square().dataSync();
      tf.backend_util.warn('a TF.js warning');
      console.log(tf.getBackend(), tf.env().getBool('PROD'));
    `);
    assert.equal(status, 0, stderr);
    assert.equal(stdout.trim(), 'cpu false', 'production mode is not left on');
    assert.doesNotMatch(stderr, CPU_BANNER);
    assert.equal(stderr, 'a TF.js warning\n');
  });

  it('each loader alone, first in its process, starts the fastest backend (loadPpoPolicy, loadDqnPolicy, loadPpoRun, loadDqnRun, loadCheckpoint)', () => {
    for (const call of [
      "loadPpoPolicy('models/ppo-bdt-v0/checkpoint', env.observationSpace, env.actionSpace)",
      "loadDqnPolicy('models/dqn-bdt-v0/checkpoint', env)",
      "loadPpoRun('models/ppo-bdt-v0/checkpoint', env.observationSpace, env.actionSpace)",
      "loadDqnRun('models/dqn-bdt-v0/checkpoint', env)",
      "loadCheckpoint('models/ppo-bdt-v0/checkpoint')",
    ]) {
      const { status, stdout, stderr } = runModule(`
        import * as tf from '@tensorflow/tfjs';
        import { loadCheckpoint, loadDqnPolicy, loadDqnRun, loadPpoPolicy, loadPpoRun } from ${JSON.stringify(agentsUrl)};
        import { make } from ${JSON.stringify(envUrl)};
        const env = make('BDT-v0');
        await ${call};
        console.log(tf.getBackend());
      `);
      assert.equal(status, 0, `${call}: ${stderr}`);
      assert.match(stdout.trim(), /^(tensorflow|wasm)$/, call);
      assert.doesNotMatch(stdout + stderr, CPU_BANNER, call);
    }
  });

  it('trainRun without initBackend() trains on the fastest backend and records it (it trained on cpu, its summary backend undefined)', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'bdt-backend-'));
    try {
      const { status, stdout, stderr } = runModule(`
        import * as tf from '@tensorflow/tfjs';
        import { trainRun } from ${JSON.stringify(agentsUrl)};
        const summary = await trainRun({ agent: 'ppo', envId: 'CartPole-v1', steps: 32, seed: 1, outDir: ${JSON.stringify(join(outDir, 'run'))}, hyperparameters: { numEnvs: 1, numSteps: 32, numMinibatches: 1, updateEpochs: 1, hidden: [4] }, evalEpisodes: 0 });
        console.log(summary.backend, tf.getBackend());
      `);
      assert.equal(status, 0, stderr);
      const [recorded, running] = stdout.trim().split(' ');
      assert.match(running!, /^(tensorflow|wasm)$/);
      assert.equal(recorded, running);
      assert.doesNotMatch(stdout + stderr, CPU_BANNER);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it("a backend the user set before loading is kept (tf.setBackend('cpu'), then loadPolicyAgent, stays on cpu)", () => {
    const { status, stdout, stderr } = runModule(`
      import * as tf from '@tensorflow/tfjs';
      import { evaluateAgent, loadPolicyAgent } from ${JSON.stringify(agentsUrl)};
      import { make } from ${JSON.stringify(envUrl)};
      await tf.setBackend('cpu');
      const env = make('BDT-v0');
      for (const algo of ['ppo', 'dqn']) {
        const agent = await loadPolicyAgent('models/' + algo + '-bdt-v0', env);
        evaluateAgent(agent, env, 1, 1);
        agent.dispose();
      }
      console.log(tf.getBackend());
    `);
    assert.equal(status, 0, stderr);
    assert.equal(stdout.trim().split('\n').at(-1), 'cpu');
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
