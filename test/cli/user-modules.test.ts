/** `bdt-gym --import <module>`: a user's agents and env ids in every command, and a module that fails to load. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWire, stringifyWire } from '../../cli/serve/wire-json.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** The CLI run in the fixtures' directory, so `./<fixture>.ts` is a path relative to the working directory. */
const cli = (args: readonly string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { cwd: fixtures, encoding: 'utf8', ...(input === undefined ? {} : { input }) });

describe('bdt-gym --import', () => {
  it("compare --out records the checkpoint an --import module's agent loaded from its checkpoint option, and the TensorFlow.js backend, as for the built-in learned agents (it recorded neither)", () => {
    const model = fileURLToPath(new URL('../../models/ppo-bdt-small-v0', import.meta.url));
    const manifestSha256 = createHash('sha256').update(readFileSync(join(model, 'checkpoint', 'manifest.json'))).digest('hex');
    for (const jobs of ['1', '2']) {
      const out = join(mkdtempSync(join(tmpdir(), 'bdt-import-')), 'compare.json');
      const result = cli(['--import', './own-learned-agent.ts', 'compare', '--env', 'BDT-small-v0', '--agents', 'dpra,own-ppo', '--agent-options', JSON.stringify({ 'own-ppo': { checkpoint: model } }), '--seeds', '1,2', '--slots', '2', '--jobs', jobs, '--out', out]);
      assert.equal(result.status, 0, result.stderr);
      const { provenance } = JSON.parse(readFileSync(out, 'utf8'));
      assert.deepEqual(provenance.checkpoints, { 'own-ppo': { path: join(model, 'checkpoint'), manifestSha256 } }, `--jobs ${jobs}`);
      assert.match(provenance.runtime.tensorflowBackend, /^(tensorflow|wasm|cpu)$/, `--jobs ${jobs}`);
    }
  });

  it("compare --checkpoint labelled with an --import module's agent says it is no learned agent (it said the checkpoint held a ppo policy, not that agent, as if of a wrong algorithm)", () => {
    const result = cli(['--import', './user-registrations.ts', 'compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--seeds', '1', '--slots', '2', '--checkpoint', 'first-unit=models/ppo-bdt-small-v0']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, "bdt-gym: --checkpoint first-unit=models/ppo-bdt-small-v0: first-unit is an agent an --import module registered, not a learned agent (ppo, dqn, ppo-solved, dqn-solved); label the checkpoint with a learned agent's name or a new name, or give first-unit the checkpoint through its own --agent-options\n");
  });

  it("compare: a module's agent and env id, the option before the command", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-import-')), 'compare.json');
    const result = cli(['--import', './user-registrations.ts', 'compare', '--env', 'FixtureSmall-v0', '--agents', 'dpra,first-unit', '--seeds', '1,2', '--slots', '5', '--out', out, '--json']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, `bdt-gym compare: full result: ${out}\n`, 'where the result went, and no .incomplete.json beside --out to note');
    const rows = (JSON.parse(result.stdout) as { agents: Array<{ agent: string; episodes: number; meanLatency: { mean: number } }> }).agents;
    assert.deepEqual(rows.map((r) => [r.agent, r.episodes]), [['dpra', 2], ['first-unit', 2]]);
    assert.notEqual(rows[0]!.meanLatency.mean, rows[1]!.meanLatency.mean, 'the fixture agent is not DPRA');
    const written = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(written.env, 'FixtureSmall-v0');
    assert.equal(written.slots, 5);
    // the result says where its agent and env id came from, down to the module's content
    const fixtureSha256 = createHash('sha256').update(readFileSync(join(fixtures, 'user-registrations.ts'))).digest('hex');
    assert.deepEqual(written.provenance.imports, [{ module: './user-registrations.ts', sha256: fixtureSha256 }]);
  });

  it("compare names the agent, seed and slot of an episode that threw: an agent's bug with its stack (exit 70), a refused action in one line (exit 1)", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-import-')), 'compare.json');
    const compare = (agents: string) => cli(['--import', './user-registrations.ts', 'compare', '--env', 'FixtureSmall-v0', '--agents', agents, '--seeds', '4,5', '--slots', '5', '--out', out]);
    const buggy = compare('dpra,buggy');
    assert.equal(buggy.status, 70, buggy.stderr);
    // the third decision: slot 2
    assert.match(buggy.stderr, /^bdt-gym: agent "buggy" failed on seed 4 at slot 2: RangeError: a bug in the agent\n {4}at BuggyAgent\.act /);
    const short = compare('short-action');
    assert.equal(short.status, 1, short.stderr);
    assert.match(short.stderr, /^bdt-gym: agent "short-action" failed on seed 4 at slot 0: .*step: invalid action: key "partition".*\n$/);
    assert.equal(short.stderr.split('\n').length, 2, 'one line');
    for (const command of [['run', '--env', 'FixtureSmall-v0', '--agent', 'buggy', '--seed', '6'], ['sweep-v', '--env', 'FixtureSmall-v0', '--agent', 'buggy', '--v', '1', '--seeds', '6', '--slots', '5']]) {
      const result = cli(['--import', './user-registrations.ts', ...command]);
      assert.equal(result.status, 70, result.stderr);
      assert.match(result.stderr, /^bdt-gym: agent "buggy" failed on seed 6 at slot 2: RangeError: a bug in the agent\n {4}at BuggyAgent\.act /, command[0]);
    }
  });

  it('compare writes the episodes finished before an agent failed beside --out, marked incomplete with the failed episode, says so, and leaves --out as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-import-'));
    const out = join(dir, 'compare.json');
    const partialFile = join(dir, 'compare.incomplete.json');
    const args = ['--import', './agent-failures.ts', 'compare', '--env', 'BDT-small-v0', '--agents', 'dpra,throwing-reset', '--agent-options', '{"throwing-reset": {"failSeed": 2}}', '--slots', '3', '--out', out];
    const failed = cli([...args, '--seeds', '1,2']);
    assert.equal(failed.status, 70, failed.stderr);
    assert.equal(failed.stdout, '', 'no table of a partial comparison');
    assert.match(failed.stderr, /^bdt-gym: agent "throwing-reset" failed on seed 2: RangeError: a bug in reset \(seed 2\)\n {4}at /);
    assert.ok(failed.stderr.endsWith(`\nbdt-gym: the 3 finished episodes of 4 were written to ${partialFile}, marked incomplete (its "incomplete" field names the episode that failed); --out ${out} is left as it was\n`), failed.stderr);
    assert.equal(existsSync(out), false, 'no complete result there before: none written');
    const written = JSON.parse(readFileSync(partialFile, 'utf8'));
    assert.equal(Object.keys(written)[0], 'incomplete', 'said first');
    assert.deepEqual(written.incomplete, { agent: 'throwing-reset', seed: 2, message: 'a bug in reset (seed 2)', finishedEpisodes: 3, plannedEpisodes: 4 });
    assert.deepEqual(written.episodes.map((e: { agent: string; seed: number }) => [e.agent, e.seed]), [['dpra', 1], ['dpra', 2], ['throwing-reset', 1]]);
    assert.deepEqual(written.agents.map((a: { agent: string; episodes: number }) => [a.agent, a.episodes]), [['dpra', 2], ['throwing-reset', 1]]);
    // n is the traces planned, so the interval's statement says a shorter row is over its own episodes
    assert.equal(written.n, 2);
    assert.match(written.interval, /Incomplete: n is the traces planned; a row with fewer episodes has its intervals over its own episodes/);
    assert.equal(written.slots, 3);
    assert.ok(written.provenance.bdtGym.version);
    // a previous complete result at --out is kept: a failing run does not replace it with a partial one
    const complete = cli([...args.map((arg) => (arg === 'dpra,throwing-reset' ? 'dpra' : arg === '{"throwing-reset": {"failSeed": 2}}' ? '{}' : arg)), '--seeds', '1,2']);
    assert.equal(complete.status, 0, complete.stderr);
    const good = readFileSync(out, 'utf8');
    assert.equal(JSON.parse(good).incomplete, undefined);
    // the failed run's file is left beside it (a user's file), said to be older in one line
    assert.equal(complete.stderr, `bdt-gym compare: note: ${partialFile} is from an earlier run that failed, not this one (left in place)\n`);
    assert.equal(JSON.parse(readFileSync(partialFile, 'utf8')).incomplete.finishedEpisodes, 3);
    assert.match(cli(['compare', '--help']).stdout.replace(/\s+/g, ' '), /a later run that completes leaves that file in place and notes on stderr that it is from an earlier failed run/);
    // on trace files the agents' seeds may repeat: the failed episode's trace is named, as the episodes name theirs
    const traces = [5, 6].map((seed) => {
      const file = join(dir, `t${seed}.json`);
      assert.equal(cli(['run', '--env', 'BDT-small-v0', '--slots', '3', '--seed', String(seed), '--save-trace', file]).status, 0);
      return file;
    });
    const onTraces = cli([...args, '--trace', traces.join(','), '--seeds', '1,2']);
    assert.equal(onTraces.status, 70, onTraces.stderr);
    assert.equal(readFileSync(out, 'utf8'), good, 'the complete result is left in place');
    const partial = JSON.parse(readFileSync(partialFile, 'utf8'));
    assert.deepEqual(partial.incomplete, { agent: 'throwing-reset', seed: 2, trace: 1, message: 'a bug in reset (seed 2)', finishedEpisodes: 3, plannedEpisodes: 4 });
    assert.deepEqual(partial.traces, traces);
    assert.deepEqual(partial.episodes.map((e: { trace: number }) => e.trace), [0, 1, 0]);
    // nothing finished: nothing to keep, the last partial result is left as it was
    const before = readFileSync(partialFile, 'utf8');
    const first = cli([...args.map((arg) => (arg === 'dpra,throwing-reset' ? 'throwing-reset' : arg)), '--seeds', '2']);
    assert.equal(first.status, 70);
    assert.doesNotMatch(first.stderr, /written to/);
    assert.equal(readFileSync(partialFile, 'utf8'), before);
    assert.equal(readFileSync(out, 'utf8'), good);
    // an --out not ending in .json: the partial result is <out>.incomplete.json
    const bare = join(dir, 'result');
    assert.equal(cli([...args.map((arg) => (arg === out ? bare : arg)), '--seeds', '1,2']).status, 70);
    assert.equal(JSON.parse(readFileSync(`${bare}.incomplete.json`, 'utf8')).incomplete.finishedEpisodes, 3);
    assert.equal(existsSync(bare), false);
  });

  it('compare stopped by a signal (Ctrl-C, SIGTERM) writes the episodes finished before it beside --out, marked incomplete, says so and exits 130 or 143, leaving --out as it was (it died with nothing said)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-import-'));
    const out = join(dir, 'compare.json');
    const partialFile = join(dir, 'compare.incomplete.json');
    for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      // the signal comes as the second agent starts its second episode: seen once that one has finished
      const args = ['--import', './agent-failures.ts', 'compare', '--env', 'BDT-small-v0', '--agents', 'dpra,signalling', '--agent-options', `{"signalling": {"signal": "${signal}", "atSeed": 2}}`, '--seeds', '1,2,3', '--slots', '3', '--out', out];
      const stopped = cli(args);
      assert.equal(stopped.status, status, `${stopped.signal ?? ''} ${stopped.stderr}`);
      assert.equal(stopped.stdout, '', 'no table of a partial comparison');
      assert.equal(stopped.stderr, `bdt-gym: ${signal}: compare stopped after 5 finished episodes of 6\nbdt-gym: the 5 finished episodes of 6 were written to ${partialFile}, marked incomplete (its "incomplete" field names the signal); --out ${out} is left as it was\n`);
      assert.equal(existsSync(out), false, 'no complete result there before: none written');
      const written = JSON.parse(readFileSync(partialFile, 'utf8'));
      assert.deepEqual(written.incomplete, { signal, finishedEpisodes: 5, plannedEpisodes: 6 });
      assert.deepEqual(written.episodes.map((e: { agent: string; seed: number }) => [e.agent, e.seed]), [['dpra', 1], ['dpra', 2], ['dpra', 3], ['signalling', 1], ['signalling', 2]]);
      assert.deepEqual(written.agents.map((a: { agent: string; episodes: number }) => [a.agent, a.episodes]), [['dpra', 3], ['signalling', 2]]);
    }
  });

  it('compare notes a second signal that came while it waited for the episode under way (ignored without a word), and stops for the first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-import-'));
    const out = join(dir, 'compare.json');
    const partialFile = join(dir, 'compare.incomplete.json');
    // both signals come as the second agent starts its second episode: seen once that one has finished
    const args = ['--import', './agent-failures.ts', 'compare', '--env', 'BDT-small-v0', '--agents', 'dpra,signalling', '--agent-options', '{"signalling": {"signal": "SIGINT", "then": "SIGTERM", "atSeed": 2}}', '--seeds', '1,2,3', '--slots', '3', '--out', out];
    const stopped = cli(args);
    assert.equal(stopped.status, 130, `${stopped.signal ?? ''} ${stopped.stderr}`);
    assert.equal(stopped.stderr, `bdt-gym compare: SIGTERM: already stopping for SIGINT; the 5 finished episodes of 6 are being written to ${partialFile} (SIGKILL, kill -9, quits without writing them)\nbdt-gym: SIGINT: compare stopped after 5 finished episodes of 6\nbdt-gym: the 5 finished episodes of 6 were written to ${partialFile}, marked incomplete (its "incomplete" field names the signal); --out ${out} is left as it was\n`);
    assert.deepEqual(JSON.parse(readFileSync(partialFile, 'utf8')).incomplete, { signal: 'SIGINT', finishedEpisodes: 5, plannedEpisodes: 6 });
  });

  it('run --save-trace with an agent that fails mid-episode says the trace was saved (it was overwritten silently), which replays the failure', () => {
    // a name with a space and a quote: the --trace to paste is shell-quoted
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-import-')), "failing run's trace.json");
    writeFileSync(file, 'an older trace\n');
    const base = ['--import', './user-registrations.ts', 'run', '--env', 'FixtureSmall-v0', '--agent', 'buggy', '--seed', '6'];
    const saved = cli([...base, '--save-trace', file]);
    assert.equal(saved.status, 70, saved.stderr);
    assert.match(saved.stderr, /^bdt-gym: agent "buggy" failed on seed 6 at slot 2: RangeError: a bug in the agent\n/);
    assert.ok(saved.stderr.endsWith(`\nbdt-gym: the episode's trace was saved to ${file}: to replay the failing episode, give --trace '${file.replace("'", "'\\''")}' in place of --save-trace\n`), saved.stderr);
    const replayed = cli([...base, '--trace', file]);
    assert.equal(replayed.status, 70);
    assert.match(replayed.stderr, /^bdt-gym: agent "buggy" failed on seed 6 at slot 2: /);
    assert.doesNotMatch(replayed.stderr, /saved to/, 'nothing was saved');
  });

  it("an agent's factory that throws is named with its stack (exit 70) by run, compare and sweep-v; a factory's plain zod parse is refused as --agent-options naming the agent and field (exit 1)", () => {
    for (const command of [
      ['run', '--env', 'BDT-small-v0', '--agent', 'throwing-factory'],
      ['compare', '--env', 'BDT-small-v0', '--agents', 'dpra,throwing-factory', '--seeds', '1', '--slots', '2', '--out', join(mkdtempSync(join(tmpdir(), 'bdt-import-')), 'compare.json')],
      ['sweep-v', '--env', 'BDT-small-v0', '--agent', 'throwing-factory', '--v', '1', '--seeds', '1', '--slots', '2'],
    ]) {
      const result = cli(['--import', './agent-failures.ts', ...command]);
      assert.equal(result.status, 70, result.stderr);
      assert.match(result.stderr, /^bdt-gym: agent "throwing-factory" could not be created: RangeError: a bug in the factory\n {4}at Object\.create .*agent-failures\.ts/, command[0]);
    }
    const run = cli(['--import', './agent-failures.ts', 'run', '--env', 'BDT-small-v0', '--agent', 'zod-options', '--agent-options', '{"thresholdDb": "high"}']);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'bdt-gym: --agent-options of agent zod-options: at thresholdDb: Invalid input: expected number, received string (value: "high")\n');
    const compare = cli(['--import', './agent-failures.ts', 'compare', '--env', 'BDT-small-v0', '--agents', 'zod-options', '--agent-options', '{"zod-options": {"bogus": 1}}', '--seeds', '1', '--slots', '2']);
    assert.equal(compare.status, 1);
    assert.equal(compare.stderr, 'bdt-gym: --agent-options: agent zod-options: invalid options: at (root): Unrecognized key: "bogus"\n');
  });

  it('an async act is refused in one line naming the agent, seed and slot (exit 1), with no unhandled rejection after it', () => {
    const result = cli(['--import', './agent-failures.ts', 'run', '--env', 'BDT-small-v0', '--agent', 'async-act', '--seed', '3']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'bdt-gym: agent "async-act" failed on seed 3 at slot 0: act returned a Promise: Agent.act must be synchronous (load in the factory, which may be async)\n');
  });

  it("serve: act checks the agent's action as step does and names the agent; an agent's bug writes its stack to stderr; a result JSON cannot write is an error; the server goes on", () => {
    const requests = [
      { method: 'make', id: 'BDT-small-v0' },
      { method: 'reset', seed: 1 },
      { method: 'act', agent: 'undefined-action' },
      { method: 'act', agent: 'async-act' },
      { method: 'act', agent: 'throwing-factory' },
      { method: 'act', agent: 'zod-options', options: { thresholdDb: 'high' } },
      { method: 'act', agent: 'buggy' },
      { method: 'act', agent: 'buggy' },
      { method: 'act', agent: 'buggy' },
      { method: 'act', agent: 'dpra' },
    ];
    const result = cli(['--import', './agent-failures.ts', '--import', './user-registrations.ts', 'serve'], `${requests.map((r) => stringifyWire(r)).join('\n')}\n`);
    assert.equal(result.status, 0, result.stderr);
    const responses = result.stdout.trim().split('\n').map((line) => parseWire(line) as { result?: unknown; error?: { type: string; message: string } });
    assert.equal(responses.length, requests.length, 'an answer to every request');
    assert.equal(responses[2]!.error?.type, 'InvalidActionError');
    assert.match(responses[2]!.error!.message, /^agent "undefined-action": act returned an invalid action: expected an object with keys \[partition, inferenceShare, miningShare\], got undefined \(action undefined; action space Dict/);
    assert.deepEqual(responses[3], { error: { type: 'InvalidActionError', message: 'agent "async-act": act returned a Promise: Agent.act must be synchronous (load in the factory, which may be async)' } });
    assert.deepEqual(responses[4], { error: { type: 'RangeError', message: 'agent "throwing-factory" could not be created: a bug in the factory' } });
    assert.deepEqual(responses[5], { error: { type: 'KwargsError', message: 'agent zod-options: invalid options:\n  at thresholdDb: Invalid input: expected number, received string (value: "high")' } });
    assert.ok('result' in responses[6]! && 'result' in responses[7]!);
    assert.deepEqual(responses[8], { error: { type: 'RangeError', message: 'agent "buggy": a bug in the agent' } });
    assert.ok('result' in responses[9]!, 'the server goes on');
    // the bugs' stacks, for the client to forward (python/ does); the refusals are not repeated there
    assert.match(result.stderr, /^bdt-gym serve: agent "throwing-factory" could not be created: RangeError: a bug in the factory\n {4}at Object\.create .*agent-failures\.ts/);
    assert.match(result.stderr, /\nbdt-gym serve: agent "buggy": RangeError: a bug in the agent\n {4}at BuggyAgent\.act /);
    assert.doesNotMatch(result.stderr, /InvalidActionError|KwargsError|Unhandled/);
    const stamped = cli(['--import', './agent-failures.ts', 'serve'], `${[{ method: 'make', id: 'FixtureStamped-v0', numEnvs: 1 }, { method: 'getAttr', name: 'stamp' }, { method: 'reset', seed: 1 }].map((r) => stringifyWire(r)).join('\n')}\n`);
    assert.equal(stamped.status, 0, stamped.stderr);
    const [, attribute, reset] = stamped.stdout.trim().split('\n').map((line) => parseWire(line) as { result?: unknown; error?: { type: string; message: string } });
    assert.deepEqual(attribute, { error: { type: 'TypeError', message: 'the result cannot be written as JSON: Do not know how to serialize a BigInt' } });
    assert.ok(reset !== undefined && 'result' in reset, 'the server goes on');
  });

  it("serve: an agent's reset error on an env reset is answered after every agent was reset; that agent is made anew by the next act", () => {
    const serve = (requests: readonly unknown[]) => {
      const result = cli(['--import', './agent-failures.ts', 'serve'], `${requests.map((r) => stringifyWire(r)).join('\n')}\n`);
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.trim().split('\n').map((line) => parseWire(line) as { result?: unknown; error?: { type: string; message: string } });
    };
    const throwing = { method: 'act', agent: 'throwing-reset', options: { failSeed: 7 } };
    const random = { method: 'act', agent: 'random' };
    // the random agent's action follows its seed: it tells whether the reset reached it
    const responses = serve([{ method: 'make', id: 'BDT-small-v0' }, { method: 'reset', seed: 1 }, throwing, random, { method: 'reset', seed: 7 }, random, throwing, { method: 'reset', seed: 8 }, throwing]);
    assert.ok('result' in responses[2]! && 'result' in responses[3]!);
    assert.deepEqual(responses[4], { error: { type: 'RangeError', message: 'agent "throwing-reset": a bug in reset (seed 7)' } });
    const fresh = serve([{ method: 'make', id: 'BDT-small-v0' }, { method: 'reset', seed: 7 }, random]);
    assert.deepEqual(responses[5], fresh[2], 'the agent after the failing one was reset with seed 7');
    assert.deepEqual(responses[6], { error: { type: 'RangeError', message: 'agent "throwing-reset": a bug in reset (seed 7)' } }, 'made anew, not acting unreset');
    assert.ok('result' in responses[7]! && 'result' in responses[8]!, 'the server goes on');
  });

  it('serve: WTCM acts on an env id whose scenario is plain PoW already', () => {
    const requests = [{ method: 'make', id: 'FixturePow-v0' }, { method: 'reset', seed: 1 }, { method: 'act', agent: 'wtcm' }];
    const result = cli(['--import', './user-registrations.ts', 'serve'], `${requests.map((r) => stringifyWire(r)).join('\n')}\n`);
    assert.equal(result.status, 0, result.stderr);
    const act = parseWire(result.stdout.trim().split('\n')[2]!) as { result?: { partition: number[] } };
    assert.equal(act.result?.partition.length, 4, JSON.stringify(act));
  });

  it("run: the module's env id with its own scenario, the option after the command and as a file: URL", () => {
    const url = new URL('./fixtures/user-registrations.ts', import.meta.url).href;
    const result = cli(['run', '--env', 'FixtureSmall-v0', '--agent', 'first-unit', '--seed', '3', '--json', '--import', url]);
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.deepEqual([summary.env, summary.scenarioName, summary.agent, summary.slots], ['FixtureSmall-v0', 'fixture-small', 'first-unit', 8]);
  });

  it("run --help lists the module's agents and env ids beside the built-in ones, the option before or after the command, and help run too (it listed the built-in ones only)", () => {
    for (const args of [['--import', './user-registrations.ts', 'run', '--help'], ['run', '--help', '--import', './user-registrations.ts'], ['--import', './user-registrations.ts', 'help', 'run']]) {
      const result = cli(args);
      assert.equal(result.status, 0, result.stderr);
      const help = result.stdout.replace(/\s+/g, ' ');
      assert.match(help, /--env <id> registered B-DT env id \(BDT-small-v0, BDT-v0, BDT-large-v0, FixtureSmall-v0, FixturePow-v0\)/, args.join(' '));
      assert.match(help, /--agent <name> agent \(dpra, .*, first-unit, .*\)/, args.join(' '));
    }
    // a '-h' that is an option's value runs the command, which imports the module once, not again
    const dir = mkdtempSync(join(tmpdir(), 'bdt-import-'));
    const compare = spawnSync(process.execPath, [bin, '--import', join(fixtures, 'user-registrations.ts'), 'compare', '--env', 'FixtureSmall-v0', '--agents', 'first-unit', '--seeds', '1', '--slots', '2', '--out', '-h'], { cwd: dir, encoding: 'utf8' });
    assert.equal(compare.status, 0, compare.stderr);
    assert.equal(JSON.parse(readFileSync(join(dir, '-h'), 'utf8')).provenance.imports.length, 1);
    const failing = cli(['--import', './throwing-module.ts', 'run', '--help']);
    assert.equal(failing.status, 1);
    assert.match(failing.stderr, /^bdt-gym: --import \.\/throwing-module\.ts: .*RangeError: plant 8 is not configured/);
    assert.equal(failing.stdout, '');
  });

  it('--import with --help as its value is refused as a missing value, exit 1 (it was loaded as a module: an internal error, exit 70)', () => {
    for (const args of [['--import', '--help'], ['run', '--import', '--help'], ['--import=--help', 'run', '--help']]) {
      const result = cli(args);
      assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr, 'bdt-gym: --import: expected its value <module>, got "--help" (an option\'s value cannot start with --)\n', args.join(' '));
    }
  });

  it("a checkpoint trained on a module's env id, used without --import: run, compare and sweep-v say the id is not registered here and how to bring it in or give its scenario (they said it was no B-DT env, and to evaluate it, which fails too)", () => {
    const run = join(mkdtempSync(join(tmpdir(), 'bdt-import-')), 'run');
    const hyperparameters = JSON.stringify({ numEnvs: 1, numSteps: 16, numMinibatches: 1, updateEpochs: 1, hidden: [8] });
    const trained = cli(['--import', './user-registrations.ts', 'train', '--agent', 'ppo', '--env', 'FixtureSmall-v0', '--steps', '16', '--hyperparameters', hyperparameters, '--eval-episodes', '0', '--backend', 'wasm', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const manifest = join(run, 'checkpoint', 'manifest.json');
    const how = (command: string) => `trained on FixtureSmall-v0, an env id not registered in this process: load the module that registers it, as for training, with bdt-gym --import <module> ${command} ..., or give --scenario with the file of the scenario it trained on (${manifest} records it, resolved, as "scenario")\n`;
    const compared = cli(['compare', '--agents', 'dpra', '--checkpoint', `mine=${run}`, '--seeds', '1', '--slots', '2', '--out', join(run, '..', 'compare.json')]);
    assert.equal(compared.status, 1);
    assert.equal(compared.stderr, `bdt-gym: --checkpoint mine=${run}: ${how('compare')}`);
    const ran = cli(['run', '--agent', 'ppo', '--checkpoint', run, '--slots', '2']);
    assert.equal(ran.stderr, `bdt-gym: --checkpoint ${run}: ${how('run')}`);
    const swept = cli(['sweep-v', '--agent', 'ppo', '--agent-options', JSON.stringify({ checkpoint: run }), '--v', '1', '--seeds', '1', '--slots', '2']);
    assert.equal(swept.stderr, `bdt-gym: --agent-options checkpoint ${run}: ${how('sweep-v')}`);
    // what it says works: the module, or the scenario's file (FixtureSmall-v0 is configs/small.json renamed, 8 slots)
    const imported = cli(['--import', './user-registrations.ts', 'compare', '--env', 'FixtureSmall-v0', '--agents', 'dpra', '--checkpoint', `mine=${run}`, '--seeds', '1', '--slots', '2', '--out', join(run, '..', 'compare.json')]);
    assert.equal(imported.status, 0, imported.stderr);
    const small = fileURLToPath(new URL('../../configs/small.json', import.meta.url));
    const fromFile = cli(['compare', '--scenario', small, '--agents', 'dpra', '--checkpoint', `mine=${run}`, '--seeds', '1', '--slots', '2', '--out', join(run, '..', 'compare.json')]);
    assert.equal(fromFile.status, 0, fromFile.stderr);
  });

  it('serve: the module is loaded before the first request, and what it logs goes to stderr, not the protocol', () => {
    const requests = [{ method: 'make', id: 'FixtureSmall-v0' }, { method: 'reset', seed: 1 }, { method: 'act', agent: 'first-unit' }, { method: 'close' }];
    const result = cli(['--import', './logging-module.ts', '--import', './user-registrations.ts', 'serve'], `${requests.map((r) => stringifyWire(r)).join('\n')}\n`);
    assert.equal(result.status, 0, result.stderr);
    const responses = result.stdout.trim().split('\n').map((line) => parseWire(line) as { result?: unknown; error?: unknown });
    assert.equal(responses.length, requests.length);
    for (const response of responses) assert.equal(response.error, undefined);
    assert.deepEqual((responses[2]!.result as { partition: number[] }).partition, [0, 0, 0, 0]);
    assert.equal(result.stderr, 'user module loaded\n{ dir: 1 }\na raw stdout write\n');
  });

  it('a module that fails to load: a message naming it, where it threw and the cause, exit 1, no stack trace, for every command', () => {
    for (const command of [['run', '--slots', '1'], ['serve']]) {
      const thrown = cli(['--import', './throwing-module.ts', ...command], '');
      assert.equal(thrown.status, 1, command[0]);
      assert.equal(thrown.stderr, `bdt-gym: --import ./throwing-module.ts: ${join(fixtures, 'throwing-module.ts')}:2:7: RangeError: plant 8 is not configured:\n  set PLANT8_SCENARIO to its scenario file\n`);
      assert.equal(thrown.stdout, '');
    }
    const missing = cli(['--import', './no-such-module.ts', 'run']);
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, `bdt-gym: --import ./no-such-module.ts: no such file ${join(fixtures, 'no-such-module.ts')}\n`);
    const bad = join(mkdtempSync(join(tmpdir(), 'bdt-import-')), 'bad-syntax.ts');
    writeFileSync(bad, 'export const x = ;\n');
    const syntax = cli(['--import', bad, 'run']);
    assert.equal(syntax.status, 1);
    assert.equal(syntax.stderr, `bdt-gym: --import ${bad}: TransformError: Transform failed with 1 error:\n  ${bad}:1:17: ERROR: Unexpected ";"\n`);
    // a file's bare name would be looked up as a package
    assert.equal(cli(['--import', 'user-registrations.ts', 'run']).stderr, 'bdt-gym: --import user-registrations.ts: a bare name is a package name; for the file in the working directory, give --import ./user-registrations.ts\n');
    // loaded as CommonJS, the module's bdt-gym is a second copy: refused, not an agent gone missing
    const commonjs = cli(['--import', './commonjs/register-agent.ts', 'run', '--agent', 'commonjs-random']);
    assert.equal(commonjs.status, 1);
    assert.match(commonjs.stderr, /^bdt-gym: --import \.\/commonjs\/register-agent\.ts: the module loaded a second copy of bdt-gym, whose registrations this command cannot see: most likely Node loaded it as CommonJS .*name it \.mts or add "type": "module"/);
    const unknownPackage = cli(['--import', 'no-such-package-bdt', 'run']);
    assert.equal(unknownPackage.status, 1);
    const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
    assert.equal(unknownPackage.stderr, `bdt-gym: --import no-such-package-bdt: no such package in the node_modules of the working directory (${fixtures.replace(/\/$/, '')}), of bdt-gym (${root}) or of a directory above either\n`);
    // a name starting with - is looked up as one too, not taken as an option of the Node that resolves it (-h printed its help: an internal error, exit 70)
    const dashed = cli(['--import', '-h', 'run']);
    assert.equal(dashed.status, 1, dashed.stderr);
    assert.equal(dashed.stderr, `bdt-gym: --import -h: no such package in the node_modules of the working directory (${fixtures.replace(/\/$/, '')}), of bdt-gym (${root}) or of a directory above either\n`);
  });

  it('says where a module failed: the place of a JavaScript syntax error with its source line, the line of a runtime error in the module or a module of its own, an invalid scenario\'s issues one a line (a .mjs error had no place, the issues one long line)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-import-'));
    const write = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const failure = (module: string): string => {
      const result = cli(['--import', module, 'run', '--slots', '1']);
      assert.equal(result.status, 1, result.stderr);
      return result.stderr;
    };
    const syntax = write('syntax.mjs', 'export const x = 1;\nexport const y = ;\n');
    assert.equal(failure(syntax), `bdt-gym: --import ${syntax}: ${syntax}:2:18: SyntaxError: Unexpected token ';'\n    export const y = ;\n                     ^\n`);
    const commonjs = write('syntax.cjs', 'const a = 1;\nconst b = ;\n');
    assert.equal(failure(commonjs), `bdt-gym: --import ${commonjs}: ${commonjs}:2:11: SyntaxError: Unexpected token ';'\n    const b = ;\n              ^\n`);
    const runtime = write('runtime.ts', 'const a: { x: number } | null = null as { x: number } | null;\nexport const y = 1;\nexport const z = a!.x;\n');
    assert.match(failure(runtime), new RegExp(`^bdt-gym: --import ${runtime}: ${runtime}:3:\\d+: TypeError: Cannot read properties of null \\(reading 'x'\\)\\n$`));
    // thrown in a module the module imports: that module's line
    const helper = write('helper.mjs', 'export const ok = 1;\nthrow new RangeError("no plant 8");\n');
    const entry = write('entry.mjs', 'import "./helper.mjs";\n');
    assert.equal(failure(entry), `bdt-gym: --import ${entry}: ${helper}:2:7: RangeError: no plant 8\n`);
    // thrown by bdt-gym for the module's call: the call's line
    const registerScenario = new URL('../../env/bdt/register-scenario.ts', import.meta.url).href;
    const scenario = write('scenario.mjs', `import { registerBdtScenario } from '${registerScenario}';\n\nregisterBdtScenario('Mine-v0', { name: 'x' });\n`);
    const lines = failure(scenario).split('\n');
    assert.equal(lines[0], `bdt-gym: --import ${scenario}: ${scenario}:3:1: ScenarioError: invalid scenario of "Mine-v0":`);
    assert.equal(lines[1], '  at slots: Invalid input: expected number, received undefined (value: undefined)');
    assert.ok(lines.length > 5 && lines.slice(1, -1).every((line) => /^ {2}at \w+: /.test(line)), lines.join('\n'));
  });

  it("a package name is resolved from the working directory first, as Node's --import: a package in the project's node_modules, bdt-gym linked into it (a file: install), its ESM entry", () => {
    const project = mkdtempSync(join(tmpdir(), 'bdt-import-project-'));
    writeFileSync(join(project, 'package.json'), '{"type": "module"}\n');
    mkdirSync(join(project, 'node_modules', 'project-agents'), { recursive: true });
    // npm's file: install: a symlink, whose real path (this checkout) has no project-agents above it
    symlinkSync(fileURLToPath(new URL('../..', import.meta.url)), join(project, 'node_modules', 'bdt-gym'));
    const pkg = join(project, 'node_modules', 'project-agents');
    // "require" first: CommonJS resolution (require.resolve) would pick it
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'project-agents', type: 'module', exports: { '.': { require: './index.cjs', import: './index.ts' } } }));
    writeFileSync(join(pkg, 'index.cjs'), "throw new Error('loaded as CommonJS');\n");
    writeFileSync(join(pkg, 'index.ts'), "import { RandomAgent, registerAgent } from 'bdt-gym/baselines';\nregisterAgent('project-agent', { description: 'random (a test fixture)', create: () => new RandomAgent() });\n");
    const result = spawnSync(process.execPath, [bin, '--import', 'project-agents', 'run', '--env', 'BDT-small-v0', '--agent', 'project-agent', '--slots', '2', '--json'], { cwd: project, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).agent, 'project-agent');
  });

  it('an unknown agent or env id says how to bring one in with --import', () => {
    const agent = cli(['compare', '--agents', 'dpra,first-unit']);
    assert.equal(agent.status, 1);
    assert.match(agent.stderr, /^bdt-gym: --agents: unknown agent "first-unit" \(available: dpra, .*\); for an agent of your own, call registerAgent\(name, \{description, create\}\) in a module and load it with bdt-gym --import <module> compare --agents \.\.\.\n$/);
    assert.match(cli(['run', '--agent', 'first-unit']).stderr, /^bdt-gym: --agent: unknown agent "first-unit" .*; for an agent of your own, call registerAgent.* bdt-gym --import <module> <command> \.\.\.\n$/);
    const env = cli(['run', '--env', 'FixtureSmall-v0']);
    assert.equal(env.status, 1);
    assert.match(env.stderr, /^bdt-gym: --env: unknown env "FixtureSmall-v0" \(registered: .*BDT-v0.*\); for an env id of your own, call registerBdtScenario\(id, scenario\) in a module and load it with bdt-gym --import <module> <command> \.\.\.\n$/);
    assert.match(cli(['check-env', 'FixtureSmall-v0']).stderr, /^bdt-gym: check-env: unknown env "FixtureSmall-v0" \(registered: .*BDT-v0.*\); for an env id of your own, .* bdt-gym --import <module> check-env \.\.\.\n$/);
    const served = cli(['serve'], `${stringifyWire({ method: 'make', id: 'FixtureSmall-v0' })}\n`);
    const { error } = parseWire(served.stdout.trim()) as { error: { type: string; message: string } };
    assert.equal(error.type, 'UnregisteredEnvError');
    assert.match(error.message, /; for an env id of your own, .* bdt-gym --import <module> serve \(from Python: in BDT_GYM_COMMAND\)$/);
  });
});
