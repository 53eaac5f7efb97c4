/** `bdt-gym compare --jobs N` and `sweep-v --jobs N`: episodes on N worker threads, the results of one thread bit for bit. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dealRoundRobin } from '../../cli/worker-threads.ts';
import { inSpecOrder, type EpisodeRecord } from '../../baselines/harness/compare.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** The CLI in the fixtures' directory, so `--import ./<fixture>.ts` finds them. */
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: fixtures, encoding: 'utf8' });
const tempFile = (name: string) => join(mkdtempSync(join(tmpdir(), 'bdt-jobs-')), name);

describe('bdt-gym compare --jobs', function () {
  this.timeout(300_000);

  it('deals the episodes round-robin, never more shares than episodes', () => {
    assert.deepEqual(dealRoundRobin(5, 2), [[0, 2, 4], [1, 3]]);
    assert.deepEqual(dealRoundRobin(2, 8), [[0], [1]]);
    assert.deepEqual(dealRoundRobin(3, 1), [[0, 1, 2]]);
  });

  it('inSpecOrder puts records that finished out of order back agent by agent, trace by trace', () => {
    const record = (agent: string, seed: number, trace?: number) => ({ agent, seed, ...(trace === undefined ? {} : { trace }) }) as EpisodeRecord;
    const spec = { agents: ['dpra', { label: 'mine', agent: 'ppo' }], seeds: [7, 3, 5] };
    const shuffled = [record('mine', 5), record('dpra', 3), record('mine', 7), record('dpra', 5), record('dpra', 7), record('mine', 3)];
    assert.deepEqual(inSpecOrder(shuffled, spec).map((r) => `${r.agent} ${r.seed}`), ['dpra 7', 'dpra 3', 'dpra 5', 'mine 7', 'mine 3', 'mine 5']);
    // on traces the seeds may repeat: the trace's index orders them
    const onTraces = [record('dpra', 1, 2), record('dpra', 1, 0), record('dpra', 1, 1)];
    assert.deepEqual(inSpecOrder(onTraces, { agents: ['dpra'], seeds: [1, 1, 1] }).map((r) => r.trace), [0, 1, 2]);
  });

  it('writes the same --out, byte for byte, and prints the same table as one thread: scripted and learned agents, seeds and traces', () => {
    const agents = ['--agents', 'dpra,wdpo,random,ppo,dqn', '--env', 'BDT-small-v0', '--slots', '12', '--no-timing'];
    const compare = (jobs: string, ...rest: string[]) => {
      const out = tempFile('compare.json');
      const result = cli('compare', ...agents, ...rest, '--jobs', jobs, '--out', out);
      assert.equal(result.status, 0, result.stderr);
      return { stdout: result.stdout.replace(out, 'OUT'), written: readFileSync(out, 'utf8') };
    };
    const one = compare('1', '--seeds', '1-5');
    const three = compare('3', '--seeds', '1-5');
    assert.equal(three.written, one.written);
    assert.equal(three.stdout, one.stdout);
    // the checkpoints the workers loaded are the run's provenance
    assert.deepEqual(Object.keys(JSON.parse(three.written).provenance.checkpoints), ['ppo', 'dqn']);
    // on replayed traces, each episode's trace index is the comparison's, not its worker's
    const traces = [11, 12, 13].map((seed) => {
      const file = tempFile(`t${seed}.json`);
      assert.equal(cli('run', '--env', 'BDT-small-v0', '--slots', '12', '--seed', String(seed), '--save-trace', file, '--json').status, 0);
      return file;
    });
    const onTraces = ['--trace', traces.join(','), '--seeds', '4,4,4'];
    const tracesOne = compare('1', ...onTraces);
    const tracesTwo = compare('2', ...onTraces);
    assert.equal(tracesTwo.written, tracesOne.written);
    assert.deepEqual(JSON.parse(tracesTwo.written).episodes.filter((e: { agent: string }) => e.agent === 'dpra').map((e: { trace: number }) => e.trace), [0, 1, 2]);
  });

  it("plays a --scenario file, whose env id the main thread registered, and an --import module's env id and agent, as one thread", () => {
    const small = fileURLToPath(new URL('../../configs/small.json', import.meta.url));
    for (const args of [
      ['compare', '--scenario', small, '--agents', 'dpra,wdpo', '--seeds', '1-3', '--slots', '8', '--no-timing'],
      ['--import', './user-registrations.ts', 'compare', '--env', 'FixtureSmall-v0', '--agents', 'dpra,first-unit', '--seeds', '1-3', '--slots', '5', '--no-timing'],
    ]) {
      const written = ['1', '2'].map((jobs) => {
        const out = tempFile('compare.json');
        const result = cli(...args, '--jobs', jobs, '--out', out);
        assert.equal(result.status, 0, result.stderr);
        return readFileSync(out, 'utf8');
      });
      assert.equal(written[1], written[0], args.join(' '));
    }
  });

  it("prints a warning the workers meet as one thread does: once (a once-per-process warning was printed by the main thread and again by every worker)", () => {
    const scenario = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const layer = (name: string, units: number) => ({ name, layers: [{ kind: 'dense', units }] });
    // a layer spec whose name differs from its key: warned about once per process
    const file = tempFile('renamed-dnn.json');
    writeFileSync(file, JSON.stringify({ ...scenario, dnns: { tiny: { name: 'other', inputShape: [16], units: [layer('u', 4), layer('v', 2)] } }, devices: { ...(scenario['devices'] as object), dnn: 'tiny' } }));
    const warned = ['1', '2', '3'].map((jobs) => {
      const result = cli('compare', '--scenario', file, '--agents', 'dpra,random', '--seeds', '1-3', '--slots', '3', '--jobs', jobs, '--out', tempFile('compare.json'));
      assert.equal(result.status, 0, result.stderr);
      return result.stderr;
    });
    assert.equal(warned[0], 'bdt-gym WARN: dnns.tiny: the layer spec\'s name "other" is ignored; its key "tiny" names the DNN (set name to "tiny" to silence this)\n');
    assert.deepEqual(warned.slice(1), [warned[0], warned[0]]);
  });

  it("reports a worker's failed episode as one thread does, and writes the episodes finished in any thread, in order, beside --out", () => {
    const out = tempFile('compare.json');
    const result = cli('--import', './agent-failures.ts', 'compare', '--env', 'BDT-small-v0', '--agents', 'dpra,throwing-reset', '--agent-options', '{"throwing-reset": {"failSeed": 2}}', '--seeds', '1,2,3', '--slots', '3', '--jobs', '3', '--out', out);
    assert.equal(result.status, 70, result.stderr);
    assert.match(result.stderr, /^bdt-gym: agent "throwing-reset" failed on seed 2: RangeError: a bug in reset \(seed 2\)\n {4}at /);
    const written = JSON.parse(readFileSync(out.replace(/\.json$/, '.incomplete.json'), 'utf8'));
    assert.equal(written.incomplete.agent, 'throwing-reset');
    assert.equal(written.incomplete.seed, 2);
    // which of the other threads' episodes had finished depends on timing; the failed thread's
    // dpra episode always had, and whatever finished is listed as one thread lists it
    const episodes: string[] = written.episodes.map((e: { agent: string; seed: number }) => `${e.agent} ${e.seed}`);
    const specOrder = ['dpra 1', 'dpra 2', 'dpra 3', 'throwing-reset 1', 'throwing-reset 3'];
    assert.ok(episodes.includes('dpra 2'), episodes.join(', '));
    assert.deepEqual(episodes, specOrder.filter((episode) => episodes.includes(episode)));
    assert.equal(written.incomplete.finishedEpisodes, episodes.length);
  });

  it("reports a module that fails only in the workers as --import's failure, one line and exit 1 as on the main thread (it was an internal error with a stack, exit 70)", () => {
    for (const command of [['compare', '--agents', 'dpra', '--seeds', '1,2', '--out', tempFile('compare.json')], ['sweep-v', '--v', '1', '--seeds', '1,2']]) {
      const result = cli('--import', './worker-only-failure.ts', ...command, '--env', 'BDT-small-v0', '--slots', '2', '--jobs', '2');
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stderr, `bdt-gym: --import ./worker-only-failure.ts: ${join(fixtures, 'worker-only-failure.ts')}:4:26: RangeError: the plant database is open in the main thread only (in a worker thread of --jobs; the main thread imported it)\n`, command[0]);
    }
  });

  it('refuses a --jobs that is not an integer >= 1', () => {
    for (const jobs of ['0', '1.5', 'two']) {
      const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '2', '--jobs', jobs, '--out', tempFile('compare.json'));
      assert.equal(result.status, 1, jobs);
      assert.match(result.stderr, /^bdt-gym: --jobs: expected an integer >= 1, got "/, jobs);
    }
  });
});

describe('bdt-gym sweep-v --jobs', function () {
  this.timeout(300_000);

  it("prints the same sweep as one thread, for a scripted and a learned agent, the reference's options mirrored", () => {
    for (const args of [
      ['--agent', 'dpra', '--agent-options', '{"effort":"fast"}', '--env', 'BDT-small-v0', '--v', '0.5,5,50', '--seeds', '1-3', '--slots', '15', '--json'],
      ['--agent', 'ppo', '--env', 'BDT-small-v0', '--v', '1,10', '--seeds', '2,4', '--slots', '10'],
    ]) {
      const one = cli('sweep-v', ...args);
      assert.equal(one.status, 0, one.stderr);
      for (const jobs of ['2', '5']) {
        const many = cli('sweep-v', ...args, '--jobs', jobs);
        assert.equal(many.status, 0, many.stderr);
        assert.equal(many.stdout, one.stdout, `${args[1]} --jobs ${jobs}`);
        assert.equal(many.stderr, one.stderr);
      }
    }
  });

  it("reports a worker's failed episode as one thread does", () => {
    const result = cli('--import', './user-registrations.ts', 'sweep-v', '--env', 'FixtureSmall-v0', '--agent', 'buggy', '--v', '1,2', '--seeds', '6,7', '--slots', '5', '--jobs', '2');
    assert.equal(result.status, 70, result.stderr);
    assert.match(result.stderr, /^bdt-gym: agent "buggy" failed on seed [67] at slot 2: RangeError: a bug in the agent\n {4}at BuggyAgent\.act /);
  });

  it("lets a worker still importing the user's modules finish before it is ended (terminated inside a top-level await, V8 aborts the process)", () => {
    const marker = tempFile('imported');
    const result = spawnSync(process.execPath, [bin, '--import', './user-registrations.ts', '--import', './slow-in-one-worker.ts', 'sweep-v', '--env', 'FixtureSmall-v0', '--agent', 'buggy', '--v', '1,2', '--seeds', '6,7', '--slots', '5', '--jobs', '2'], {
      cwd: fixtures,
      encoding: 'utf8',
      env: { ...process.env, BDT_TEST_IMPORTED: marker },
    });
    assert.equal(result.status, 70, result.stderr);
    assert.match(result.stderr, /^bdt-gym: agent "buggy" failed on seed [67] at slot 2: RangeError: a bug in the agent/);
    assert.equal(readFileSync(marker, 'utf8'), 'imported\n', 'the slow worker finished importing');
  });

  it('refuses a --jobs that is not an integer >= 1', () => {
    const result = cli('sweep-v', '--env', 'BDT-small-v0', '--v', '1', '--seeds', '1', '--slots', '2', '--jobs', '0');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^bdt-gym: --jobs: expected an integer >= 1, got "0"/);
  });
});

