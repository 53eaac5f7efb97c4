/**
 * The Python package (python/bdt_gym) against the TypeScript env: its own unittest suite
 * (Gymnasium's check_env, spaces, refusals, Ctrl-C, wrappers) and the same numbers as this process's env
 * for one seed and one action sequence. Skipped, saying why, where python3 with gymnasium and
 * numpy is not installed (`pip install gymnasium`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringifyWire } from '../../cli/serve/wire-json.ts';
import { formatSignedMeanInterval, meanInterval } from '../../baselines/harness/statistics.ts';
import { make } from '../../env/index.ts';
import { registeredBdtIds } from '../bdt/registered-bdt-ids.ts';

const pythonDir = fileURLToPath(new URL('../../python/', import.meta.url));
const python = (args: string[]) => spawnSync('python3', args, { cwd: pythonDir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: pythonDir } });

describe("python: bdt_gym's env ids", () => {
  const bdtIds = registeredBdtIds();

  // `import bdt_gym` registers a fixed tuple rather than asking a server (which it starts no sooner than gym.make)
  it('registers with Gymnasium exactly the B-DT ids of the TypeScript registry, as its docs say', () => {
    const init = readFileSync(join(pythonDir, 'bdt_gym', '__init__.py'), 'utf8');
    const tuple = /^for _id in \(([^)]*)\):$/m.exec(init);
    assert.ok(tuple, 'bdt_gym/__init__.py registers its ids in a loop over a tuple');
    assert.deepEqual([...tuple[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]), bdtIds, 'the tuple of python/bdt_gym/__init__.py');
    for (const file of ['python/bdt_gym/__init__.py', 'python/README.md', 'README.md']) {
      const comment = /# registers (bdt_gym\/\S+(?:, bdt_gym\/\S+)*)$/m.exec(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
      assert.deepEqual(comment?.[1]?.split(', '), bdtIds.map((id) => `bdt_gym/${id}`), `${file}: the "import bdt_gym  # registers ..." comment`);
    }
  });
});

describe("python: bdt_gym's version", () => {
  it("is bdt-gym's: pyproject.toml's version and bdt_gym.__version__ are package.json's", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const pyproject = /^version = "([^"]*)"$/m.exec(readFileSync(join(pythonDir, 'pyproject.toml'), 'utf8'));
    const init = /^__version__ = "([^"]*)"$/m.exec(readFileSync(join(pythonDir, 'bdt_gym', '__init__.py'), 'utf8'));
    assert.equal(pyproject?.[1], version, 'python/pyproject.toml');
    assert.equal(init?.[1], version, 'python/bdt_gym/__init__.py');
  });
});

describe('python: the bdt_gym Gymnasium package', function () {
  this.timeout(300_000);
  before(function () {
    const probe = python(['-c', 'import gymnasium, numpy']);
    if (probe.status !== 0) {
      process.stderr.write(`      (skipped: python3 with gymnasium and numpy is not available here: ${(probe.error?.message ?? probe.stderr.trim().split('\n').pop()) || 'unknown'})\n`);
      this.skip();
    }
  });

  it('passes its unittest suite (Gymnasium check_env, spaces, refusals, interruptions, NumPy arguments, action wrappers, render, the native make_vec)', () => {
    const result = python(['-W', 'error::ResourceWarning', '-m', 'unittest', 'discover', '-s', 'tests']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /\nOK\n$/);
    // a warning in a finalizer or thread does not fail unittest: it only prints "Exception ignored"
    assert.doesNotMatch(result.stderr, /Exception ignored|ResourceWarning/, result.stderr);
  });

  it("runs python/examples/compare_with_dpra.py, whose DPRA line is bdt-gym compare's on the same seeds, on BDT-v0 or a --scenario file, with the paired difference", () => {
    const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
    const dpraFigures = (...args: string[]) => {
      const out = join(mkdtempSync(join(tmpdir(), 'bdt-python-')), 'compare.json');
      const compare = spawnSync(process.execPath, [bin, 'compare', '--agents', 'dpra', ...args, '--json', '--out', out], { encoding: 'utf8' });
      assert.equal(compare.status, 0, compare.stderr);
      type Mean = { mean: number };
      const [dpra] = JSON.parse(compare.stdout).agents as Array<{ meanLatency: Mean; meanReward: Mean; c6Violation: Mean; energyViolations: Mean }>;
      return `latency ${dpra!.meanLatency.mean.toFixed(4)} +reward ${dpra!.meanReward.mean.toFixed(3)} +C6 violation ${dpra!.c6Violation.mean.toFixed(4)} +energy violations ${dpra!.energyViolations.mean.toFixed(1)}`;
    };
    const example = python([join(pythonDir, 'examples', 'compare_with_dpra.py'), '--seeds', '1,2', '--slots', '30']);
    assert.equal(example.status, 0, example.stderr);
    assert.match(example.stdout, /^BDT-v0, seeds 1,2, 30 slots; means over the seeds of each episode's /);
    assert.match(example.stdout, new RegExp(`\\ndpra +${dpraFigures('--seeds', '1,2', '--slots', '30')}\\n`));
    assert.match(example.stdout, /\nmy_policy +latency \d+\.\d{4} +reward -\d+\.\d{3} +C6 violation \d+\.\d{4} +energy violations \d+\.\d\n/);
    assert.match(example.stdout, /\nmy_policy - dpra on each seed's trace: mean ± 95% Student-t CI over the seeds\ndifference +latency [+-]?\d+\.\d{4} ± \d+\.\d{4} +reward [+-]?\d+\.\d{3} ± \d+\.\d{3} +C6 violation [+-]?\d+\.\d{4} ± \d+\.\d{4} +energy violations [+-]?\d+\.\d ± \d+\.\d\n$/);
    // a scenario file, played as compare --scenario plays it; one seed gives no interval
    const small = fileURLToPath(new URL('../../configs/small.json', import.meta.url));
    const onFile = python([join(pythonDir, 'examples', 'compare_with_dpra.py'), '--seeds', '3', '--slots', '10', '--scenario', small]);
    assert.equal(onFile.status, 0, onFile.stderr);
    assert.match(onFile.stdout, new RegExp(`^${small} \\(scenario "small"\\), seeds 3, 10 slots; `));
    assert.match(onFile.stdout, new RegExp(`\\ndpra +${dpraFigures('--scenario', small, '--seeds', '3', '--slots', '10')}\\n`));
    assert.match(onFile.stdout, /\nmy_policy - dpra on each seed's trace: mean \(one seed: no interval\)\ndifference +latency [+-]?\d+\.\d{4} +reward [+-]?\d+\.\d{3} +C6 violation [+-]?\d+\.\d{4} +energy violations [+-]?\d+\.\d\n$/);
  });

  it("compare_with_dpra.py's interval is compare's: the same Student-t mean ± half-width, signed, for one sample to many", () => {
    const samples = [[0.25], [-1.5, 2], [0.1, 0.3, -0.2, 0.05, 0.4], Array.from({ length: 31 }, (_, i) => Math.sin(i) - 0.1), Array.from({ length: 45 }, (_, i) => Math.cos(i * 0.7) + 0.2), [0, 0, 0]];
    const script = `
import json, sys, importlib.util
spec = importlib.util.spec_from_file_location("example", "examples/compare_with_dpra.py")
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)
print(json.dumps([example.signed_mean_interval(s, 4) for s in json.loads(sys.argv[1])]))
`;
    const result = python(['-c', script, JSON.stringify(samples)]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), samples.map((s) => formatSignedMeanInterval(meanInterval(s), 4)));
  });

  it('gives the numbers of the TypeScript env for the same seed and actions', () => {
    const local = make('BDT-v0', { infoLevel: 'summary' });
    local.actionSpace.seed(4);
    const actions = Array.from({ length: 40 }, () => local.actionSpace.sample());
    local.reset({ seed: 9 });
    const rewards = actions.map((action) => local.step(action)[1]);
    const finalObs = local.step(actions[0]!)[0];
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-python-')), 'actions.json');
    writeFileSync(file, stringifyWire(actions));
    const script = `
import json, sys
import numpy as np, gymnasium as gym, bdt_gym
actions = json.load(open(sys.argv[1]))
env = gym.make("bdt_gym/BDT-v0", infoLevel="summary")
env.reset(seed=9)
typed = lambda a: {"partition": np.asarray(a["partition"], dtype=np.int64), "inferenceShare": np.asarray(a["inferenceShare"]), "miningShare": np.asarray(a["miningShare"])}
rewards = [env.step(typed(a))[1] for a in actions]
obs = env.step(typed(actions[0]))[0]
print(json.dumps({"rewards": rewards, "obs": {k: v.tolist() for k, v in obs.items()}}))
env.close()
`;
    const result = python(['-c', script, file]);
    assert.equal(result.status, 0, result.stderr);
    const remote = JSON.parse(result.stdout) as { rewards: number[]; obs: Record<string, number[]> };
    assert.deepEqual(remote.rewards, rewards, 'every reward, bit for bit');
    assert.deepEqual(remote.obs, Object.fromEntries(Object.entries(finalObs).map(([key, value]) => [key, Array.from(value)])), 'the float32 observation, bit for bit');
  });
});
